"""Which time-zone names a mission accepts, and what to say about the others.

Only the region zones of the IANA database are accepted (`Europe/Madrid`,
`America/New_York`), plus `UTC`. Old aliases (`US/Eastern`, `Asia/Calcutta`),
fixed offsets (`EST`, `Etc/GMT+5`), rules (`PST8PDT`, `CET`) and the machine's own
`localtime` give local times that are wrong for part of the year or differ between
computers, so each gets a message with the name to use instead.

The list is data shipped with the package (zones.txt), generated from tzdata sources
by running this module; nothing is read from the system at run time.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("zones.txt")
UTC = "UTC"

# Names without a place, where only a person can say which city is meant: a hint each.
_FIXED = {"EST": ("-05:00", "America/New_York"), "MST": ("-07:00", "America/Denver"),
          "HST": ("-10:00", "Pacific/Honolulu")}
_RULES = {"EST5EDT": "America/New_York", "CST6CDT": "America/Chicago",
          "MST7MDT": "America/Denver", "PST8PDT": "America/Los_Angeles",
          "CET": "Europe/Paris", "MET": "Europe/Paris", "EET": "Europe/Athens",
          "WET": "Europe/Lisbon"}
_UTC_LIKE = {"Etc/UTC", "Etc/GMT"}
_MACHINE = ("localtime", "posixrules", "Factory")
# Old names whose link leads to a zone of another country (tzdata merges zones that agree
# since 1970): suggest the place's own zone, as tzdata's `backward` file does.
_OWN = {"Africa/Asmera": "Africa/Asmara", "Africa/Timbuktu": "Africa/Bamako",
        "America/Coral_Harbour": "America/Atikokan", "America/Virgin": "America/St_Thomas",
        "Antarctica/South_Pole": "Antarctica/McMurdo", "Atlantic/Jan_Mayen": "Arctic/Longyearbyen",
        "Iceland": "Atlantic/Reykjavik", "Pacific/Ponape": "Pacific/Pohnpei",
        "Pacific/Truk": "Pacific/Chuuk", "Pacific/Yap": "Pacific/Chuuk"}
_ETC_OFFSET = re.compile(r"Etc/GMT([+-])(\d{1,2})")


@cache
def table() -> dict[str, tuple[str, str]]:
    """name -> (kind, hint) for every name known: kind is zone, alias, fixed, utc, rule or
    machine; the hint is the zone to suggest (or the offset of a fixed zone)."""
    out: dict[str, tuple[str, str]] = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, kind, hint = (line.split("\t") + ["", ""])[:3]
            out[name] = (kind, hint)
    return out


def problem(name: str) -> str | None:
    """Why a known zone name is refused (None if it is accepted or unknown)."""
    kind, hint = table().get(name, ("", ""))
    if kind == "alias":
        return f"'{name}' is an old name of {hint}; use {hint}"
    if kind == "fixed":
        offset, _, example = hint.partition(" ")
        like = example or "Europe/Madrid"
        return (f"'{name}' is a fixed offset (UTC{offset}) without daylight saving, so its times "
                f"are an hour off for part of the year; ask for the city and use its zone, "
                f"like {like}")
    if kind == "utc":
        return f"'{name}' is UTC; write UTC (or the city's zone, like Europe/London)"
    if kind == "rule":
        return f"'{name}' names a rule, not a place; use the city's zone, like {hint}"
    if kind == "machine":
        why = " (it depends on the computer)" if name != "Factory" else ""
        return f"'{name}' is not a place{why}; name the city's zone, like Europe/Madrid"
    return None


def accepted() -> list[str]:
    """Every accepted zone name, sorted."""
    return sorted(name for name, (kind, _) in table().items() if kind == "zone")


# --- Generation -------------------------------------------------------------------------


def _read_tzdata(folder: Path) -> tuple[set[str], dict[str, str], set[str], str]:
    """Zones, links (name -> target), region names (zone.tab) and version of one zoneinfo dir."""
    zones: set[str] = set()
    links: dict[str, str] = {}
    version = "?"
    for line in (folder / "tzdata.zi").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if line.startswith("# version"):
            version = parts[2]
        elif parts[:1] == ["Z"]:
            zones.add(parts[1])
        elif parts[:1] == ["L"]:
            links[parts[2]] = parts[1]
    regions: set[str] = set()
    for tab in ("zone.tab", "zone1970.tab"):
        if (folder / tab).exists():
            for line in (folder / tab).read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    regions.add(line.split("\t")[2])
    return zones, links, regions, version


def _classify(name: str, regions: set[str], links: list[dict[str, str]]) -> tuple[str, str]:
    """The kind and hint of one name (see table)."""
    if name in regions or name == UTC:
        return "zone", ""
    if name in _FIXED:
        return "fixed", " ".join(_FIXED[name])
    if name in _RULES:
        return "rule", _RULES[name]
    if name in _MACHINE:
        return "machine", ""
    if name in _OWN and _OWN[name] in regions:
        return "alias", _OWN[name]
    etc = _ETC_OFFSET.fullmatch(name)
    if etc and int(etc[2]) == 0:
        return "utc", ""
    if etc:  # POSIX sign: Etc/GMT+5 is five hours *behind* UTC
        return "fixed", f"{'-' if etc[1] == '+' else '+'}{int(etc[2]):02d}:00"
    seen = {name}
    current = name
    while current not in regions:
        target = next((m[current] for m in links if m.get(current) in regions), None)
        target = target or next((m[current] for m in links if current in m), None)
        if target is None or target in seen:
            break
        seen.add(target)
        current = target
    if current in regions:
        return "alias", current
    if current in _UTC_LIKE or name in _UTC_LIKE:
        return "utc", ""
    raise SystemExit(f"cannot classify time zone name {name!r}")


def generate(folders: list[Path]) -> str:
    """The text of zones.txt from one or more zoneinfo folders holding tzdata.zi and zone.tab."""
    names: set[str] = set(_MACHINE)
    regions: set[str] = set()
    links: list[dict[str, str]] = []
    versions = []
    for folder in folders:
        zones, found, tab, version = _read_tzdata(folder)
        names |= zones | set(found)
        regions |= tab
        links.append(found)
        versions.append(version)
    lines = [
        "# IANA time-zone names and how `mission` treats them (scheduler/input/zones.py).",
        "# Generated, do not edit: python -m scheduler.input.zones /usr/share/zoneinfo "
        "<tzdata package>/zoneinfo > scheduler/input/zones.txt",
        f"# Sources: tzdata {', '.join(versions)}. Accepted (zone): names in zone.tab or "
        "zone1970.tab, and UTC.",
        "# name<TAB>kind<TAB>hint; kind: zone, alias (hint: use this), fixed (hint: offset "
        "[example]), utc, rule (hint: example), machine",
    ]
    for name in sorted(names | {UTC}):
        kind, hint = _classify(name, regions, links)
        lines.append(f"{name}\t{kind}\t{hint}" if hint else f"{name}\t{kind}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(generate([Path(arg) for arg in sys.argv[1:]]))

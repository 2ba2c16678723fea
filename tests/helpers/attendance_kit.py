"""The Japan seed with a filled attendance workbook, and an independent recount of it.

The filling is deterministic: on the first tab (Osaka) meetings are held, some with a
follow-up, one in seven a no-show of company A, one in eleven of company B, one in
thirteen cancelled; one walk-in is added; the other tabs stay empty (not recorded).
The recount reads only the filled workbook (openpyxl), schedule.json (json) and the
company files (PyYAML): none of the product's code.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from openpyxl import load_workbook

SEED = Path(__file__).resolve().parent.parent.parent / "seeds" / "bioxclusters-japan-2016"
WALK_IN = ("cardioptica", "Kitahama Medical Trading K.K.", "17:45", "Table 1")
TOKYO = ZoneInfo("Asia/Tokyo")


def copy_seed(target: Path) -> Path:
    """A copy of the Japan seed to work in."""
    shutil.copytree(SEED, target)
    return target


def fill(sheet_path: Path, filled: Path, walk_in: tuple[str, str, str, str] = WALK_IN) -> None:
    """Fill the first tab of a printed workbook as a table host would, and add a walk-in."""
    book = load_workbook(sheet_path)
    tab = book.worksheets[0]
    row = 5
    while tab.cell(row, 1).value:
        n = row - 5
        if n % 13 == 12:
            tab.cell(row, 9, "yes")
        elif n % 7 == 3:
            tab.cell(row, 7, "no")
            tab.cell(row, 8, "A")
        elif n % 11 == 5:
            tab.cell(row, 8, "B")
        else:
            tab.cell(row, 7, "yes")
            tab.cell(row, 11, "yes" if n % 3 == 0 else "no")
        row += 1
    first, second, clock, table = walk_in
    for column, value in ((2, clock), (3, table), (4, first), (5, second), (11, "yes")):
        tab.cell(row, column, value)
    book.save(filled)


def companies(folder: Path) -> dict[str, dict]:
    """Every company file of a mission folder, by id."""
    found = {}
    for path in sorted((folder / "companies").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[data["id"]] = data
    return found


def sheet_rows(filled: Path) -> tuple[dict[str, str], dict[str, list[str]], set[str], list]:
    """From the filled workbook: status by meeting id, who was absent, follow-ups, walk-ins."""
    book = load_workbook(filled, read_only=True)
    status, absent, follow, walk_ins = {}, {}, set(), []
    for tab in book.worksheets[:-1]:
        rows = list(tab.iter_rows(values_only=True))
        day = rows[1][7]
        for row in rows[4:]:
            mid, clock, table, first, second = row[:5]
            held, no_show, cancelled, follow_up = row[6], row[7], row[8], row[10]
            if mid and (held or no_show or cancelled):
                status[mid] = ("cancelled" if cancelled else "no-show" if no_show else "held")
                absent[mid] = {"A": [0], "B": [1], "both": [0, 1]}.get(no_show, [])
                if follow_up == "yes":
                    follow.add(mid)
            elif not mid and clock:
                walk_ins.append((first, second, day, clock, table, follow_up == "yes"))
    return status, absent, follow, walk_ins


def recount(folder: Path, filled: Path) -> dict:
    """The impact figures counted again from the sheet, schedule.json and the company files."""
    schedule = json.loads((folder / "schedule.json").read_text(encoding="utf-8"))
    meetings = schedule["meetings"]
    firms = companies(folder)
    by_name = {c["name"]: i for i, c in firms.items()}
    status, absent, follow, walk_ins = sheet_rows(filled)
    statuses = Counter(status.values())
    met = [(m["companies"], m["session"], m["start"][:10]) for m in meetings
           if status.get(m["id"]) == "held"]
    met += [([by_name.get(a, a), by_name.get(b, b)], "osaka-partnering", str(day)[:10])
            for a, b, day, _, _, _ in walk_ins]
    expected, missed = Counter(), Counter()
    for m in meetings:
        if status.get(m["id"]) in ("held", "no-show"):
            for k, c in enumerate(m["companies"]):
                expected[firms[c]["side"]] += 1
                missed[firms[c]["side"]] += k in absent[m["id"]]
    per_company = Counter(c for pair, _, _ in met for c in pair)
    spread = Counter(per_company.get(c, 0) for c in firms)
    pairs = Counter(tuple(sorted(firms[c]["country"] for c in pair)) for pair, _, _ in met)
    together = Counter()
    for pair, _, _ in met:
        together[tuple(pair)] += 1
        together[tuple(reversed(pair))] += 1
    wished = met_wishes = 0
    for c in firms.values():
        if c["side"] == "delegation":
            for w in c.get("wants_to_meet", []):
                wished += w.get("meetings", 1)
                met_wishes += min(w.get("meetings", 1), together[(c["id"], w["company"])])
    side_count = Counter(c["side"] for c in firms.values())
    country_count = Counter(c["country"] for c in firms.values())
    return {
        "planned": len(meetings), "requested": schedule["quality"]["requested"],
        "held": statuses["held"], "no_shows": statuses["no-show"],
        "cancelled": statuses["cancelled"], "walk_ins": len(walk_ins),
        "recorded": len(status), "follow_ups": len(follow) + sum(w[5] for w in walk_ins),
        "no_show_rate": {s: round(missed[s] / expected[s], 4) for s in expected},
        "companies": len(firms),
        "delegates": sum(len(c.get("delegates", [])) for c in firms.values()),
        "by_side": dict(side_count), "by_country": dict(country_count),
        "distribution": [[k, spread[k]] for k in range(max(spread) + 1)],
        "country_pairs": {f"{a}-{b}": n for (a, b), n in pairs.items()},
        "held_per_day": Counter(f"{s} {d}" for _, s, d in met),
        "planned_per_day": Counter(f"{m['session']} {m['start'][:10]}" for m in meetings),
        "wished": wished, "wishes_met": met_wishes,
    }

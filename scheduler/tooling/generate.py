"""Synthetic mission folders at real-event scale, for tests and benchmarks.

`generate(preset, seed, out)` writes mission.yaml and companies/*.yaml in the
normal format. Structure follows real partnering events: skewed popularity
(Zipf-like), partial attendance, unavailable periods, mutual and one-sided
requests, a few placeable must-haves, parallel delegates at popular companies,
and tables about 10% above the average meetings per slot. All randomness comes
from the random.Random passed in; the same seed gives byte-identical files.
Text is written directly (every string JSON-quoted, which YAML 1.2 reads back
as written), so 18,300 company files take about a second.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TypedDict

from scheduler.errors import MissionError
from scheduler.tooling.profiles import plant_profiles


@dataclass(frozen=True)
class Session:
    """One partnering session of a preset: days (offsets from the start) and windows."""

    id: str
    title: str
    venue: str
    days: tuple[int, ...]
    windows: tuple[str, ...]
    meeting: int = 25
    changeover: int = 5
    per_company: int | None = None


@dataclass(frozen=True)
class Preset:
    """Size and shape of a synthetic mission."""

    name: str
    companies: int
    requests: int
    start: date
    length: int
    timezone: str
    sessions: tuple[Session, ...]
    cross_side: bool = False
    venues: tuple[tuple[str, str, str], ...] = field(default=())
    mission_style: bool = False


def _fair(name: str, n: int, start: date, windows: tuple[str, ...]) -> tuple[Session, ...]:
    """One session per fair day."""
    return tuple(Session(f"day-{i + 1}", f"{name} partnering, day {i + 1}", "fair", (i,), windows)
                 for i in range(n))


PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("tiny", 10, 14, date(2026, 5, 4), 2, "Europe/Madrid",
           (Session("morning", "Morning partnering", "fair", (0,), ("09:00-10:55",), 25, 5),
            Session("afternoon", "Afternoon partnering", "fair", (1,), ("14:00-15:55",), 25, 5)),
           venues=(("fair", "Fira Barcelona", "Europe/Madrid"),)),
    Preset("mission", 45, 250, date(2026, 10, 5), 5, "Asia/Tokyo",
           (Session("osaka-partnering", "Osaka partnering", "senri", (1,),
                    ("14:00-15:40", "16:00-17:40"), 30, 5, 8),
            Session("fair-partnering", "BioJapan partnering", "pacifico", (2, 3, 4),
                    ("10:00-12:15", "13:30-16:55"), 30, 5)),
           cross_side=True, mission_style=True,
           venues=(("senri", "Senri Life Science Center", "Asia/Tokyo"),
                   ("pacifico", "Pacifico Yokohama", "Asia/Tokyo"))),
    Preset("brokerage", 370, 1450, date(2026, 3, 17), 2, "Europe/Brussels",
           (Session("brokerage", "Brokerage event", "fair", (0, 1),
                    ("09:00-12:25", "14:00-17:25")),),
           venues=(("fair", "Brussels Expo", "Europe/Brussels"),)),
    Preset("bio-europe", 3500, 18000, date(2026, 11, 2), 3, "Europe/Vienna",
           _fair("BIO-Europe", 3, date(2026, 11, 2), ("09:00-12:25", "13:30-17:55")),
           venues=(("fair", "Messe Wien", "Europe/Vienna"),)),
    Preset("bio-international", 18300, 47000, date(2026, 6, 22), 4, "America/New_York",
           _fair("BIO", 4, date(2026, 6, 22), ("09:00-12:25", "13:30-17:25")),
           venues=(("fair", "Boston Convention Center", "America/New_York"),)),
)}

_SYLLABLES = ("bio", "gen", "thera", "nova", "cell", "medi", "onco", "vita", "pharm", "neuro",
              "immu", "cyte", "lumi", "axo", "helix", "prote", "myco", "cardi", "derm", "vax")
_SUFFIX = ("Therapeutics", "Biosciences", "Pharma", "Diagnostics", "Medtech", "Labs", "Bio",
           "Genomics", "Health", "Biologics")
_FIRST = ("Laura", "Jordi", "Anna", "Marc", "Yuki", "Hiroshi", "Sophie", "Lukas", "Chiara",
          "Jürgen", "Inès", "Pieter", "Emma", "Kenji", "Marta", "Noah", "Aiko", "Élodie")
_LAST = ("Puig", "Tanaka", "Müller", "Rossi", "Dubois", "Janssens", "García", "Sato", "Weber",
         "Ferrari", "Martin", "Peeters", "Suzuki", "Schmidt", "Bianchi", "Moreau")
_ROLES = ("CEO", "CSO", "BD Director", "CFO", "Head of Licensing", "Founder")
_SECTORS = ("therapeutics", "oncology", "diagnostics", "medtech", "digital health",
            "vaccines", "gene therapy", "cell therapy", "microbiome", "neuroscience")
_CLUSTERS = ("Biocat", "BioM", "bioPmed", "Lyonbiopole", "FIT")
_COUNTRIES = ("ES", "DE", "IT", "FR", "BE", "NO", "JP", "US", "NL", "CH")
_SIDES = (("delegation", 40), ("host", 40), ("investor", 10), ("academic", 5), ("agency", 5))
ZIPF = 0.6
MUTUAL = 0.25
ORGANISER = 0.05
MUST = 0.01


class DelegateRecord(TypedDict):
    """One delegate as written to a company file."""

    id: str
    name: str
    role: str
    email: str
    unavailable: list[str]


@dataclass
class Company:
    """A company being generated (plain data, turned into YAML text at the end)."""

    id: str
    name: str
    side: str
    cluster: str | None
    country: str
    delegates: list[DelegateRecord]
    sectors: list[str]
    attends: list[str] | None
    unavailable: list[str]
    max_meetings: int | None
    parallel: bool
    wishes: list[tuple[str, str, str]] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    seeks: list[str] = field(default_factory=list)


def q(value: object) -> str:
    """A YAML 1.2 scalar that reads back exactly as written (JSON quoting)."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def qlist(values: list[str]) -> str:
    """A flow sequence of quoted strings."""
    return "[" + ", ".join(q(v) for v in values) + "]"


def _slots(preset: Preset) -> int:
    """Slots of a preset summed over sessions and days."""
    total = 0
    for session in preset.sessions:
        step = session.meeting + session.changeover
        for window in session.windows:
            a, b = (int(t[:2]) * 60 + int(t[3:]) for t in window.split("-"))
            total += len(session.days) * ((b - a + session.changeover) // step)
    return total


def _day(preset: Preset, offset: int) -> date:
    """The date of a day offset within the mission."""
    return preset.start + timedelta(days=offset)


def _name(rng: random.Random, n: int) -> tuple[str, str]:
    """A company id and name, unique by its number."""
    word = rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES)
    name = f"{word.capitalize()} {rng.choice(_SUFFIX)}"
    return f"{word}-{n:05d}", name


def _delegates(rng: random.Random, cid: str, count: int) -> list[DelegateRecord]:
    """`count` delegates with distinct ids."""
    out: list[DelegateRecord] = []
    for i in range(count):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        out.append({"id": f"d{i + 1}", "name": f"{first} {last}", "role": rng.choice(_ROLES),
                    "email": f"d{i + 1}@{cid}.example.com", "unavailable": []})
    return out


def _period(rng: random.Random, preset: Preset, session: Session) -> str:
    """An unavailable period of 1-2 hours inside one of a session's windows."""
    day = _day(preset, rng.choice(session.days))
    window = rng.choice(session.windows)
    start = int(window[:2]) * 60 + int(window[3:5])
    begin = start + 30 * rng.randrange(0, 3)
    end = begin + 60 * rng.randrange(1, 3)
    return f"{day} {begin // 60:02d}:{begin % 60:02d}-{min(end, 1439) // 60:02d}:" \
           f"{min(end, 1439) % 60:02d}"


def make_companies(rng: random.Random, preset: Preset) -> list[Company]:
    """Companies in popularity order: the first ones receive the most requests."""
    sides = [s for s, _ in _SIDES]
    weights = [w for _, w in _SIDES]
    sessions = [s.id for s in preset.sessions]
    popular = max(1, preset.companies // 20)
    out = []
    for n in range(preset.companies):
        cid, name = _name(rng, n + 1)
        side = (("delegation" if n % 9 in (1, 4, 7) else "host") if preset.mission_style
                else rng.choices(sides, weights)[0])
        parallel = n < popular and preset.companies > 20
        delegates = _delegates(rng, cid, rng.randint(2, 3) if parallel else rng.choice((1, 1, 2)))
        attends = None
        if len(sessions) > 1 and rng.random() < 0.2 and side != "delegation":
            attends = sorted(rng.sample(sessions, rng.randint(1, len(sessions) - 1)),
                             key=sessions.index)
        joined = [s for s in preset.sessions if attends is None or s.id in attends]
        unavailable = [_period(rng, preset, rng.choice(joined))] if rng.random() < 0.15 else []
        days = joined[0].days
        if len(joined) == 1 and len(days) > 1 and side != "delegation" and rng.random() < 0.2:
            unavailable.append(str(_day(preset, rng.choice(days))))
        if len(delegates) > 1 and rng.random() < 0.3:
            delegates[-1]["unavailable"] = [_period(rng, preset, rng.choice(joined))]
        cap = rng.randint(4, 12) if rng.random() < 0.1 else None
        cluster = rng.choice(_CLUSTERS) if side == "delegation" else None
        country = rng.choice(_COUNTRIES[:6] if side == "delegation" else _COUNTRIES)
        out.append(Company(cid, name, side, cluster, country, delegates,
                           rng.sample(_SECTORS, 2), attends, unavailable, cap, parallel))
    return out


def _common(a: Company, b: Company) -> bool:
    """Whether two companies share a partnering session."""
    return a.attends is None or b.attends is None or bool(set(a.attends) & set(b.attends))


def make_pairs(rng: random.Random, preset: Preset, companies: list[Company]
               ) -> list[tuple[int, int]]:
    """Distinct requester -> target pairs; targets drawn with Zipf-like popularity."""
    cumulative = list(itertools.accumulate((k + 1) ** -ZIPF for k in range(len(companies))))
    total = cumulative[-1]
    seen: set[tuple[int, int]] = set()
    pairs: list[tuple[int, int]] = []
    limit = min(preset.requests, len(companies) * (len(companies) - 1) // 4)
    for _ in range(100 * limit):
        if len(pairs) >= limit:
            break
        a = rng.randrange(len(companies))
        b = min(bisect.bisect(cumulative, rng.random() * total), len(companies) - 1)
        ca, cb = companies[a], companies[b]
        if a == b or (min(a, b), max(a, b)) in seen or not _common(ca, cb):
            continue
        if preset.cross_side and (ca.side == "delegation") == (cb.side == "delegation"):
            continue
        seen.add((min(a, b), max(a, b)))
        pairs.append((a, b))
    return pairs


def _placeable(company: Company) -> bool:
    """A company that can surely take a must-have: always there, never blocked."""
    return company.attends is None and not company.unavailable and company.max_meetings is None


def assign_requests(rng: random.Random, companies: list[Company],
                    pairs: list[tuple[int, int]]) -> list[tuple[str, str, str, str]]:
    """Turn pairs into wishes (one-sided or mutual) and organiser matches; returns matches."""
    musts: set[int] = set()
    matches = []
    for a, b in pairs:
        ca, cb = companies[a], companies[b]
        roll = rng.random()
        if roll < ORGANISER:
            matches.append((ca.id, cb.id, "high", "Proposed by the host organisation"))
            continue
        if (roll < ORGANISER + MUST and _placeable(ca) and _placeable(cb)
                and a not in musts and b not in musts):
            musts.update((a, b))
            ca.wishes.append((cb.id, "must", "Signed term sheet to discuss"))
            continue
        priority = rng.choices(("high", "normal", "low"), (2, 6, 2))[0]
        ca.wishes.append((cb.id, priority, f"Interested in {cb.sectors[0]}"))
        if rng.random() < MUTUAL:
            back = rng.choices(("high", "normal", "low"), (2, 6, 2))[0]
            cb.wishes.append((ca.id, back, f"Interested in {ca.sectors[0]}"))
    return matches


def company_yaml(company: Company) -> str:
    """The text of one company file."""
    lines = [f"id: {q(company.id)}", f"name: {q(company.name)}", f"side: {q(company.side)}"]
    if company.cluster:
        lines.append(f"cluster: {q(company.cluster)}")
    lines += [f"country: {q(company.country)}", "delegates:"]
    for d in company.delegates:
        extra = f", unavailable: {qlist(d['unavailable'])}" if d["unavailable"] else ""
        lines.append(f"  - {{id: {q(d['id'])}, name: {q(d['name'])}, email: {q(d['email'])}, "
                     f"role: {q(d['role'])}{extra}}}")
    lines += ["profile:", f"  sectors: {qlist(company.sectors)}",
              f"  offers: {qlist(company.offers)}", f"  seeks: {qlist(company.seeks)}"]
    if company.attends is not None:
        lines.append(f"attends: {qlist(company.attends)}")
    if company.unavailable:
        lines.append(f"unavailable: {qlist(company.unavailable)}")
    if company.max_meetings is not None:
        lines.append(f"max_meetings: {company.max_meetings}")
    if company.parallel:
        lines.append("parallel: true")
    if company.wishes:
        lines.append("wants_to_meet:")
        lines += [f"  - {{company: {q(c)}, priority: {q(p)}, reason: {q(r)}}}"
                  for c, p, r in company.wishes]
    return "\n".join(lines) + "\n"


def _programme(preset: Preset, companies: list[Company]) -> tuple[list[str], list[str]]:
    """Programme item lines and group lines of mission.yaml."""
    day = lambda n: _day(preset, n)  # noqa: E731 - a short local alias
    if preset.mission_style:
        items = [
            f'  - {{title: "Arrival in Osaka", kind: "arrival", date: "{day(0)}"}}',
            f'  - {{title: "Market and regulation workshop", kind: "workshop", '
            f'start: "{day(1)} 09:30", end: "{day(1)} 12:00", venue: "senri"}}',
            f'  - {{title: "Transfer to Yokohama", kind: "transfer", start: "{day(2)} 08:00", '
            f'end: "{day(2)} 10:30", from: "senri", to: "pacifico"}}',
            f'  - {{title: "Welcome reception", kind: "reception", start: "{day(1)} 19:00", '
            f'end: "{day(1)} 21:00", venue: "senri", attendees: ["everyone"]}}',
        ]
        return items, []
    panel = [c.id for c in companies[5:25:2]]
    items = [f'  - {{title: "Opening plenary", kind: "talk", start: "{day(0)} 08:00", '
             f'end: "{day(0)} 09:00", venue: "fair", attendees: ["everyone"]}}']
    if panel and preset.length > 1:
        items.append(f'  - {{title: "Investor panel", kind: "talk", start: "{day(1)} 15:00", '
                     f'end: "{day(1)} 16:00", venue: "fair", attendees: ["group:panel"]}}')
        return items, ["groups:", f"  panel: {qlist(panel)}"]
    return items, []


def mission_yaml(preset: Preset, companies: list[Company], seed: int,
                 matches: list[tuple[str, str, str, str]]) -> str:
    """The text of mission.yaml."""
    end = _day(preset, preset.length - 1)
    tables = math.ceil(1.1 * preset.requests / max(1, _slots(preset)))
    lines = [f"id: {q(f'synthetic-{preset.name}-{seed}')}",
             f"title: {q(f'Synthetic {preset.name} mission (seed {seed})')}",
             'organisers: ["Synthetic Cluster"]', f"timezone: {q(preset.timezone)}",
             f'start: "{preset.start}"', f'end: "{end}"', f'updated: "{preset.start} 08:00"',
             "venues:"]
    lines += [f"  {vid}: {{name: {q(name)}, timezone: {q(tz)}}}"
              for vid, name, tz in preset.venues]
    items, groups = _programme(preset, companies)
    lines += groups + ["programme:"] + items + ["partnering:"]
    for s in preset.sessions:
        lines += [f"  - id: {q(s.id)}", f"    title: {q(s.title)}", f"    venue: {q(s.venue)}",
                  f"    dates: {qlist([str(_day(preset, d)) for d in s.days])}",
                  f"    windows: {qlist(list(s.windows))}", f"    meeting_minutes: {s.meeting}",
                  f"    changeover_minutes: {s.changeover}", f"    tables: {tables}"]
        if s.per_company:
            lines.append(f"    max_meetings_per_company: {s.per_company}")
    if not preset.cross_side:  # a fair: anyone may meet anyone, delegation or not
        lines.append("suggest: {within_delegation: true}")
    if matches:
        lines.append("matches:")
        lines += [f"  - {{companies: [{q(a)}, {q(b)}], priority: {q(p)}, reason: {q(r)}}}"
                  for a, b, p, r in matches]
    return "\n".join(lines) + "\n"


def build(preset: Preset, rng: random.Random, seed: int) -> dict[str, str]:
    """Every file of a synthetic mission: relative path -> text."""
    companies = make_companies(rng, preset)
    pairs = make_pairs(rng, preset, companies)
    matches = assign_requests(rng, companies, pairs)
    # A generator of its own, so the companies, wishes and matches stay as they were.
    plant_profiles(random.Random(f"profiles-{seed}"), companies)
    files = {"mission.yaml": mission_yaml(preset, companies, seed, matches)}
    files.update({f"companies/{c.id}.yaml": company_yaml(c) for c in companies})
    return files


def generate(name: str, seed: int, out: Path) -> int:
    """Write a synthetic mission folder for a preset; returns the number of files written."""
    if name not in PRESETS:
        raise MissionError(f"unknown preset '{name}'; choose one of: {', '.join(PRESETS)}")
    if (out / "mission.yaml").exists() or (out / "companies").exists():
        raise MissionError(f"{out} already holds a mission; choose an empty folder")
    files = build(PRESETS[name], random.Random(seed), seed)
    (out / "companies").mkdir(parents=True, exist_ok=True)
    for rel_path, text in files.items():
        with open(out / rel_path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    return len(files)

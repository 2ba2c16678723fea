"""Property: every exported calendar agrees with schedule.json and with the programme.

Over many small generated missions (hosts, investors, agencies, clusters, groups,
transfers between venues in different zones, timed and all-day items, a virtual
session in another zone, parallel delegates), solved by the real solver with a small
time limit and exported with write_ics: in every calendar (person, company, cluster,
organiser) no meeting overlaps a timed blocking programme item of a company the
calendar follows in that meeting, and the meetings listed are exactly the
schedule's meetings of that person, company or cluster (or all of them).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from scheduler.check.rules import check_schedule
from scheduler.export.ics.writer import write_ics
from scheduler.load.loader import load_mission
from scheduler.plan.planning import SolveOptions, make_schedule
from scheduler.schedule import Meeting, Schedule, read_schedule, write_schedule

MISSIONS = 200
VENUES = {"bcn": "Europe/Madrid", "bos": "America/New_York", "lis": "Europe/Lisbon"}
ZONES = sorted({*VENUES.values(), "Asia/Tokyo"})
CLUSTERS = ["biocat", "medicon"]
SIDES = ["host", "investor", "agency"]
Span = tuple[datetime, datetime]


def _window(rng: random.Random) -> str:
    """A two-hour window, morning or afternoon."""
    start = rng.choice([8, 9, 10, 14, 15])
    return f"{start:02d}:00-{start + 2:02d}:00"


def _timed(rng: random.Random, day: date) -> tuple[str, str]:
    """A wall-clock start and end on a day, 30 minutes to 2 hours apart."""
    start = datetime.combine(day, time(rng.randrange(8, 17), rng.choice([0, 30])))
    end = start + timedelta(minutes=rng.choice([30, 60, 90, 120]))
    return f"{start:%Y-%m-%d %H:%M}", f"{end:%Y-%m-%d %H:%M}"


def _transfer(rng: random.Random, day: date, i: int) -> dict:
    """A transfer between two venues of different zones: each end in its own venue's zone."""
    first, last = rng.sample(sorted(VENUES), 2)
    leave = datetime.combine(day, time(rng.randrange(8, 15), rng.choice([0, 30])),
                             ZoneInfo(VENUES[first]))
    arrive = (leave + timedelta(hours=rng.choice([2, 3, 7]))).astimezone(ZoneInfo(VENUES[last]))
    while arrive.replace(tzinfo=None) <= leave.replace(tzinfo=None):
        arrive += timedelta(hours=1)
    return {"id": f"transfer-{i}", "title": f"Transfer {i}", "kind": "transfer",
            "from": first, "to": last, "start": f"{leave:%Y-%m-%d %H:%M}",
            "end": f"{arrive:%Y-%m-%d %H:%M}",
            "attendees": rng.choice([["delegation"], ["everyone"], ["hosts"]])}


def generate(seed: int) -> tuple[dict, list[dict]]:
    """mission.yaml and the company files of one small random mission."""
    rng = random.Random(seed)
    first = rng.choice([date(2026, 5, 12), date(2026, 3, 28), date(2026, 10, 24)])
    days = [first, first + timedelta(days=1)]
    delegation = [f"d{i}" for i in range(rng.randint(2, 3))]
    others = [f"{side[0]}{i}" for i, side in enumerate(rng.choices(SIDES, k=rng.randint(2, 4)))]
    sides = {c: "delegation" for c in delegation} | {
        c: {"h": "host", "i": "investor", "a": "agency"}[c[0]] for c in others}
    clusters = {c: rng.choice([*CLUSTERS, None]) for c in delegation}
    clusters[delegation[0]] = CLUSTERS[0]
    live = {"id": "live", "title": "Partnering", "venue": rng.choice(sorted(VENUES)),
            "dates": rng.sample([str(d) for d in days], rng.randint(1, 2)),
            "windows": [_window(rng)], "meeting_minutes": 20, "changeover_minutes": 10,
            "tables": rng.randint(1, 3)}
    if rng.random() < 0.3:
        live["booths"] = [{"id": "stand", "name": "Stand", "tables": rng.randint(1, 2),
                           "owners": [rng.choice([f"cluster:{CLUSTERS[0]}", others[0]])]}]
    sessions = [live]
    if rng.random() < 0.8:
        own = VENUES[live["venue"]]
        sessions.append({"id": "online", "title": "Online follow-up", "virtual": True,
                         "timezone": rng.choice([z for z in ZONES if z != own]),
                         "date": str(rng.choice(days)), "windows": [_window(rng)],
                         "meeting_minutes": 30, "changeover_minutes": 0,
                         "video_link": "https://meet.example.com/{meeting}"})
    companies = sorted(sides)
    audiences = [["delegation"], ["hosts"], ["everyone"], [f"cluster:{CLUSTERS[0]}"],
                 ["group:panel"], [rng.choice(companies)], ["delegation", rng.choice(others)]]
    programme: list[dict] = []
    for i in range(rng.randint(2, 4)):
        venue = rng.choice(sorted(VENUES))
        start, end = _timed(rng, rng.choice(days))
        item = {"id": f"item-{i}", "title": f"Item {i}", "kind": "visit", "venue": venue,
                "start": start, "end": end, "attendees": rng.choice(audiences)}
        if rng.random() < 0.2:
            item["blocks_meetings"] = False
        programme.append(item)
    if rng.random() < 0.7:
        programme.append(_transfer(rng, rng.choice(days), len(programme)))
    if rng.random() < 0.5:
        programme.append({"id": "fair", "title": "Fair day", "kind": "fair",
                          "venue": rng.choice(sorted(VENUES)), "date": str(rng.choice(days)),
                          "attendees": rng.choice(audiences),
                          "blocks_meetings": rng.random() < 0.5})
    mission = {"id": f"prop-{seed}", "title": f"Mission {seed}", "organisers": ["Org"],
               "timezone": rng.choice(["Europe/Madrid", "America/New_York"]),
               "start": str(days[0]), "end": str(days[1]),
               "venues": {v: {"name": v.upper(), "timezone": z} for v, z in VENUES.items()},
               "groups": {"panel": rng.sample(companies, 2)},
               "programme": programme, "partnering": sessions}
    files = []
    for cid in companies:
        people = rng.randint(1, 2)
        company: dict = {
            "id": cid, "name": cid.upper(), "side": sides[cid], "country": "ES",
            "delegates": [{"id": f"p{k}", "name": f"Person {k} of {cid}",
                           "email": f"p{k}@{cid}.example.com"} for k in range(1, people + 1)],
            "parallel": people == 2 and rng.random() < 0.5}
        if clusters.get(cid):
            company["cluster"] = clusters[cid]
        if rng.random() < 0.4:
            company["timezone"] = rng.choice(ZONES)
        if rng.random() < 0.3:
            start, end = _timed(rng, rng.choice(days))
            company["unavailable"] = [f"{start} - {end}"]
        if people == 2 and rng.random() < 0.4:
            start, end = _timed(rng, rng.choice(days))
            company["delegates"][1]["unavailable"] = [f"{start} - {end}"]
        if rng.random() < 0.2 and len(sessions) > 1:
            company["attends"] = [rng.choice(sessions)["id"]]
        pool = others if sides[cid] == "delegation" else delegation
        company["wants_to_meet"] = [
            {"company": other, "priority": rng.choice(["high", "normal", "low"]),
             "meetings": rng.choice([1, 1, 2])}
            for other in rng.sample(pool, rng.randint(1, len(pool)))]
        files.append(company)
    return mission, files


def write_mission(root: Path, mission: dict, companies: list[dict]) -> Path:
    """A mission folder on disk (JSON is YAML), as a user would write it."""
    (root / "companies").mkdir(parents=True)
    (root / "mission.yaml").write_text(json.dumps(mission, indent=1))
    for company in companies:
        (root / "companies" / f"{company['id']}.yaml").write_text(json.dumps(company, indent=1))
    return root


def instant(value: date | datetime) -> datetime | None:
    """A DTSTART/DTEND as a UTC instant (None for an all-day date)."""
    return value.astimezone(UTC) if isinstance(value, datetime) else None


def read_calendar(path: Path) -> tuple[dict[str, Span], dict[str, Span | None]]:
    """Meeting id -> its span, and programme item id -> its span (None if all-day)."""
    meetings: dict[str, Span] = {}
    items: dict[str, Span | None] = {}
    for event in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
        if event.get("STATUS") == "CANCELLED":
            continue
        _, kind, rest = str(event["UID"]).split("@")[0].split(".", 2)
        start, end = instant(event.decoded("DTSTART")), instant(event.decoded("DTEND"))
        if kind == "meeting":
            meetings[rest] = (start, end)
        else:
            items[rest] = (start, end) if start else None
    return meetings, items


def expected_files(companies: list[dict]) -> dict[str, tuple[str, set[str], str | None]]:
    """File name -> (kind, the companies it follows, 'company/delegate' of a person)."""
    ids = {c["id"] for c in companies}
    out = {"organiser.ics": ("organiser", ids, None)}
    for cluster in {c["cluster"] for c in companies if c.get("cluster")}:
        members = {c["id"] for c in companies if c.get("cluster") == cluster}
        out[f"clusters/{cluster}.ics"] = ("cluster", members, None)
    for c in companies:
        out[f"companies/{c['id']}.ics"] = ("company", {c["id"]}, None)
        for d in c["delegates"]:
            out[f"people/{c['id']}/{d['id']}.ics"] = ("person", {c["id"]}, f"{c['id']}/{d['id']}")
    return out


def schedule_meetings(schedule: Schedule, follows: set[str], person: str | None
                      ) -> dict[str, Span]:
    """The schedule's meetings of some companies (or of one person), with their spans."""
    def listed(m: Meeting) -> bool:
        if person:
            return person in m.delegates
        return bool(follows & set(m.companies))
    return {m.id: (m.start.astimezone(UTC), m.end.astimezone(UTC))
            for m in schedule.meetings if listed(m)}


def overlap(a: Span, b: Span) -> bool:
    """Whether two half-open spans share an instant."""
    return a[0] < b[1] and b[0] < a[1]


def blocking_ids(mission: dict) -> set[str]:
    """Ids of the programme items that keep their attendees from meetings."""
    return {i["id"] for i in mission["programme"]
            if i.get("blocks_meetings", "start" in i)}


def calendar_problems(out: Path, mission: dict, companies: list[dict],
                      schedule: Schedule) -> list[str]:
    """What is wrong with the exported calendars of one mission."""
    problems: list[str] = []
    files = expected_files(companies)
    written = {str(p.relative_to(out)) for p in out.rglob("*.ics")}
    if written != set(files):
        problems.append(f"calendars {sorted(written ^ set(files))} differ from the audiences")
    read = {name: read_calendar(out / name) for name in files if name in written}
    # who attends which item, as the company calendars say
    attended = {next(iter(follows)): set(read[name][1])
                for name, (kind, follows, _) in files.items() if kind == "company"}
    blocking = blocking_ids(mission)
    by_id = {m.id: m for m in schedule.meetings}
    for name, (meetings, items) in read.items():
        kind, follows, person = files[name]
        want = schedule_meetings(schedule, follows, person)
        if meetings != want:
            problems.append(f"{name}: meetings {sorted(meetings)} but schedule.json has "
                            f"{sorted(want)} (or their times differ)")
        wanted_items = set().union(*(attended[c] for c in follows))
        if kind != "organiser" and set(items) != wanted_items:
            problems.append(f"{name}: items {sorted(items)}, its companies' {sorted(wanted_items)}")
        for mid, span in meetings.items():
            mine = follows & set(by_id[mid].companies) if mid in by_id else set()
            for item_id, block in items.items():
                if block is None or item_id not in blocking or not overlap(span, block):
                    continue
                if any(item_id in attended[c] for c in mine):
                    problems.append(f"{name}: meeting {mid} overlaps blocking item {item_id}")
    return problems


# The first quarter of the generated missions in the fast loop, all of them in the slow set.
@pytest.mark.parametrize("chunk", [0, *(pytest.param(c, marks=pytest.mark.slow)
                                        for c in (1, 2, 3))])
def test_calendars_agree_with_the_schedule_and_the_programme(tmp_path: Path, chunk: int):
    size = MISSIONS // 4
    for seed in range(chunk * size, (chunk + 1) * size):
        mission, companies = generate(seed)
        folder, _ = load_mission(write_mission(tmp_path / f"m{seed}", mission, companies))
        write_schedule(make_schedule(folder, SolveOptions(time_limit=0.5)), tmp_path / f"m{seed}")
        schedule = read_schedule(tmp_path / f"m{seed}")  # what export reads: schedule.json
        assert check_schedule(folder, schedule) == [], seed
        out = tmp_path / f"out{seed}"
        write_ics(folder, schedule, out)
        assert calendar_problems(out, mission, companies, schedule) == [], seed

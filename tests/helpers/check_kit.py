"""Tiny hand-built missions and meetings for the checker and reasons tests."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from scheduler.input.model import Company, Mission, MissionFolder
from scheduler.meaning.requests import pair_id
from scheduler.schedule import Meeting, Quality, Schedule, write_schedule

TOKYO = ZoneInfo("Asia/Tokyo")

MISSION = {
    "id": "japan", "title": "Mission to Japan", "organisers": ["Biocat"],
    "timezone": "Asia/Tokyo", "start": "2016-10-09", "end": "2016-10-15",
    "venues": {
        "senri": {"name": "Senri", "timezone": "Asia/Tokyo"},
        "pacifico": {"name": "Pacifico", "timezone": "Asia/Tokyo"},
        "lyon": {"name": "Lyon office", "timezone": "Europe/Paris"},
    },
    "groups": {"pharma": ["osaka-pharma"]},
    "partnering": [
        # slots 14:00, 14:35 and 16:00 (the 16:35 one would end after 17:00)
        {"id": "osaka", "title": "Osaka partnering", "venue": "senri", "date": "2016-10-11",
         "windows": ["14:00-15:30", "16:00-17:00"], "meeting_minutes": 30,
         "changeover_minutes": 5, "tables": 2},
        {"id": "yokohama", "title": "BioJapan", "venue": "pacifico", "date": "2016-10-13",
         "windows": ["10:00-11:00"], "tables": 1},
        {"id": "online", "title": "Online", "virtual": True, "timezone": "Europe/Paris",
         "video_link": "https://meet.example/{meeting}", "date": "2016-10-11",
         "windows": ["07:00-08:30"]},
    ],
}

DELEGATES = {"genomix": ["laura"], "kansai": ["ken"], "osaka-pharma": ["yui"],
             "biom-x": ["anna", "ben"], "gene-two": ["pau"]}
COMPANIES = [
    {"id": "genomix", "side": "delegation", "cluster": "Biocat", "country": "ES",
     "wants_to_meet": [{"company": "kansai"}, {"company": "osaka-pharma"}]},
    {"id": "kansai", "side": "host", "country": "JP"},
    {"id": "osaka-pharma", "side": "host", "country": "JP"},
    {"id": "biom-x", "side": "delegation", "cluster": "BioM", "country": "DE",
     "wants_to_meet": [{"company": "kansai"}, {"company": "osaka-pharma"}]},
    {"id": "gene-two", "side": "delegation", "cluster": "Biocat", "country": "ES",
     "wants_to_meet": [{"company": "osaka-pharma"}]},
]


def make_folder(mission: dict | None = None, **companies: dict) -> MissionFolder:
    """The test mission; `mission` keys and per-company keys override the defaults."""
    data = {**copy.deepcopy(MISSION), **(mission or {})}
    found = {}
    for base in COMPANIES:
        cid = base["id"]
        raw = {"name": cid.title(), **copy.deepcopy(base),
               "delegates": [{"id": d, "name": d.title(), "email": f"{d}@example.com"}
                             for d in DELEGATES[cid]]}
        raw.update(companies.get(cid.replace("-", "_"), {}))
        found[cid] = Company.model_validate(raw)
    return MissionFolder(mission=Mission.model_validate(data), companies=found)


def meet(a: str, b: str, at: str = "14:00", table: str | None = "Table 1",
         session: str = "osaka", day: str = "2016-10-11", minutes: int = 30,
         zone: tzinfo = TOKYO, delegates: list[str] | None = None,
         number: int = 1, **extra: object) -> Meeting:
    """A hand-written meeting (local time in `zone`)."""
    start = datetime.fromisoformat(f"{day} {at}").replace(tzinfo=zone)
    rid = pair_id(a, b)
    people = delegates if delegates is not None else [
        f"{c}/{d}" for c in (a, b) for d in DELEGATES[c]]
    return Meeting(id=rid if number == 1 else f"{rid}-{number}", request=rid,
                   companies=[a, b], delegates=people, session=session, start=start,
                   end=start + timedelta(minutes=minutes), table=table, **extra)


def online(a: str, b: str, at: str = "07:00", **extra: object) -> Meeting:
    """A meeting of the virtual session (Paris time), with its video link."""
    extra = {"table": None, "video_link": f"https://meet.example/{pair_id(a, b)}", **extra}
    return meet(a, b, at=at, session="online", zone=ZoneInfo("Europe/Paris"), **extra)


def schedule(*meetings: Meeting, **quality: object) -> Schedule:
    """A schedule holding these meetings (quality figures given or zero)."""
    figures = {"requested": 0, "placed": len(meetings), "bound": 0, "placed_of_bound": 0.0,
               "idle_slots": 0, "holes": 0, "fairness": 0.0, **quality}
    return Schedule(mission="japan", generated=datetime(2016, 10, 1, tzinfo=TOKYO),
                    meetings=list(meetings), quality=Quality(**figures))


def write_folder(root: Path, folder: MissionFolder, *meetings: Meeting, **quality: object) -> Path:
    """Write a mission folder (JSON is YAML) and its schedule.json under `root`."""
    (root / "companies").mkdir(parents=True)
    (root / "mission.yaml").write_text(json.dumps(MISSION), encoding="utf-8")
    for company in folder.companies.values():
        data = company.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        (root / "companies" / f"{company.id}.yaml").write_text(json.dumps(data), "utf-8")
    write_schedule(schedule(*meetings, **quality), root)
    return root

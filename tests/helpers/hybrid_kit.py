"""A hybrid mission on disk: an in-person afternoon in Boston, video calls from Barcelona
two days later, and company files written from short specs."""

from __future__ import annotations

import json
from pathlib import Path

MISSION = {
    "id": "hybrid", "title": "Hybrid mission", "organisers": ["Biocat"],
    "timezone": "America/New_York", "start": "2026-05-05", "end": "2026-05-07",
    "venues": {"boston": {"name": "Boston hall", "timezone": "America/New_York"}},
    "partnering": [
        {"id": "boston", "title": "Boston partnering", "venue": "boston",
         "date": "2026-05-05", "windows": ["13:00-17:00"], "meeting_minutes": 30,
         "changeover_minutes": 0, "tables": 6},
        {"id": "calls", "title": "Calls from Barcelona", "virtual": True,
         "timezone": "Europe/Madrid", "date": "2026-05-07", "windows": ["15:00-19:00"],
         "meeting_minutes": 30, "changeover_minutes": 0,
         "video_link": "https://video.example.org/{meeting}"},
    ],
}


def company(cid: str, side: str = "host", people: tuple[str, ...] = ("Ann Lee",),
            **extra: object) -> dict:
    """A company file's content; `people` are its delegates' names."""
    delegates = [{"name": n, "email": f"{n.split()[0].lower()}@{cid}.example.com"}
                 for n in people]
    return {"id": cid, "name": cid.replace("-", " ").title(), "side": side, "country": "US",
            "delegates": delegates, **extra}


def write(root: Path, companies: list[dict], **mission: object) -> Path:
    """Write mission.yaml (with these keys changed) and the company files, as JSON (which
    is YAML too, one key a line); the folder."""
    (root / "companies").mkdir(parents=True, exist_ok=True)
    (root / "mission.yaml").write_text(json.dumps({**MISSION, **mission}, indent=2),
                                       encoding="utf-8")
    for c in companies:
        (root / "companies" / f"{c['id']}.yaml").write_text(
            json.dumps(c, indent=2), encoding="utf-8")
    return root

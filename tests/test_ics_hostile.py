"""A company named like markup stays plain text in every calendar that mentions it."""

from __future__ import annotations

from pathlib import Path

from icalendar import Calendar

from scheduler.export import ExportOptions, export
from scheduler.load.loader import load_mission
from scheduler.schedule import read_schedule

FIXTURE = Path(__file__).parent / "fixtures_html"
HOSTILE = '<script>alert(1)</script> & "Partners"'


def test_hostile_name_is_text_in_calendars(tmp_path):
    folder, _ = load_mission(FIXTURE)
    assert folder.companies["evil-partners"].name == HOSTILE
    export(folder, read_schedule(FIXTURE), tmp_path, ExportOptions(formats=("ics",)))
    partner_texts = []
    for path in sorted(tmp_path.rglob("*.ics")):
        for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            text = f"{event.get('SUMMARY', '')}\n{event.get('DESCRIPTION', '')}"
            if "alert(1)" in text:
                partner_texts.append(text)
    assert partner_texts, "the hostile company's meetings appear in some calendar"
    assert all(HOSTILE in text or "<b>Ola</b> Nordmann" in text for text in partner_texts)
    assert all("&amp;" not in text and "&lt;" not in text for text in partner_texts)

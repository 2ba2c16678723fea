"""Who gets a mailing and what is theirs: the calendar file the export wrote for each
person, its items as the export state records them, and their agenda."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scheduler.errors import ExportError
from scheduler.export.agenda import Agenda, build_agenda
from scheduler.export.ics.events import Audience, audiences, make_uid
from scheduler.export.ics.published import load_state
from scheduler.export.ics.state import ExportState
from scheduler.input.model import Company, Delegate, MissionFolder
from scheduler.schedule import Schedule

# What a person was sent of one calendar item: digest, local start, summary, cancelled.
Event = tuple[str, str, str, bool]


@dataclass(frozen=True)
class Person:
    """One delegate who gets a message, with what the export wrote for them."""

    key: str  # 'company/delegate'
    name: str
    email: str
    company: Company
    delegate: Delegate
    calendar: str  # the .ics relative to OUT
    agenda: Agenda  # the agenda the export printed for them (the company's if alone)
    events: dict[str, Event] = field(default_factory=dict)  # by UID
    withdrawn: bool = False


def read_export(folder: MissionFolder, out: Path) -> ExportState:
    """The state of the export in OUT; ExportError when there is none."""
    if not out.is_dir():
        raise ExportError(f"{out} holds no export; run `mission export` first "
                          "(the mailing attaches the calendars it writes), or give --calendars")
    state = load_state(out, folder.mission.id, folder.mission.timezone)
    if state.empty:
        raise ExportError(f"{out} holds no calendars; run `mission export` into it first")
    return state


def people(folder: MissionFolder, schedule: Schedule, state: ExportState) -> list[Person]:
    """Every delegate with a calendar in the export, in the export's order."""
    every = {**folder.companies, **folder.withdrawn}
    out = []
    for audience in audiences(folder):
        if audience.kind != "person" or audience.delegate is None:
            continue
        company_id, ident = audience.delegate.split("/", 1)
        company = every[company_id]
        delegate = next(d for d in company.delegates if d.ident == ident)
        agenda = build_agenda(folder, schedule, company,
                              delegate if len(company.delegates) > 1 else None)
        found = state.files.get(audience.name)
        events = {uid: (item.digest, item.start, item.summary, item.cancelled)
                  for uid, item in (found.items.items() if found else ())}
        out.append(Person(audience.delegate, delegate.name, delegate.email, company, delegate,
                          audience.name, agenda, events, company_id in folder.withdrawn))
    return out


def stale_calendars(folder: MissionFolder, schedule: Schedule, state: ExportState,
                    out: Path) -> list[str]:
    """Calendars in OUT that do not show the schedule's meetings at their times (at most a
    few named): the export is of another schedule."""
    wrong = []
    for audience in audiences(folder):
        if audience.kind != "person":
            continue
        if _meetings_shown(folder, state, audience) != _meetings_planned(folder, schedule,
                                                                          audience):
            wrong.append(str(out / audience.name))
    return wrong


def _meetings_shown(folder: MissionFolder, state: ExportState, audience: Audience
                    ) -> dict[str, str]:
    """UID -> UTC start of the meetings a calendar lists as taking place."""
    found = state.files.get(audience.name)
    marker = f"{folder.mission.id}.meeting."
    return {uid: item.order for uid, item in (found.items.items() if found else ())
            if uid.startswith(marker) and not item.cancelled}


def _meetings_planned(folder: MissionFolder, schedule: Schedule, audience: Audience
                      ) -> dict[str, str]:
    """UID -> UTC start of the meetings the schedule gives a calendar."""
    from datetime import UTC

    return {make_uid(folder.mission.id, "meeting", m.id):
            m.start.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
            for m in schedule.meetings if audience.has_meeting(folder, m)}

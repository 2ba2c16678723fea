"""Every address a mailing uses, checked before anything is written or sent: syntax and
domain form by email-validator, without asking the network."""

from __future__ import annotations

from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from scheduler.deliver.mail.people import Person
from scheduler.errors import InputError, Problem
from scheduler.input.model import MissionFolder
from scheduler.input.yamlio import read_yaml
from scheduler.load.loader import MISSION_FILE, company_paths


def why_invalid(address: str) -> str | None:
    """Why an address cannot receive mail as written (None when it can)."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def check_addresses(path: Path, folder: MissionFolder, people: list[Person]) -> None:
    """InputError listing every unusable address at its file:line:col: the mission's
    contact (the sender) and each recipient."""
    problems = []
    contact = folder.mission.contact
    if contact is None or not contact.email:
        problems.append(Problem(MISSION_FILE, 1, 1, "error", "mission.yaml has no contact "
                                "with an email: the mailing is sent from it and replies go "
                                "to it; add `contact: {name: ..., email: ...}`"))
    elif (why := why_invalid(contact.email)) is not None:
        line, col = read_yaml(path / MISSION_FILE).where(("contact", "email"))
        problems.append(Problem(MISSION_FILE, line, col, "error",
                                f"contact email '{contact.email}' cannot be sent from: {why}"))
    for person in people:
        why = why_invalid(person.email)
        if why is not None:
            problems.append(_at_delegate(path, person, f"{person.name}'s email "
                                         f"'{person.email}' cannot receive mail: {why}"))
    if problems:
        raise InputError(problems)


def _at_delegate(path: Path, person: Person, message: str) -> Problem:
    """A problem at the delegate's email in their company file."""
    for full, shown in company_paths(path):
        located = read_yaml(full)
        data = located.data if isinstance(located.data, dict) else {}
        if data.get("id", Path(shown).stem) != person.company.id:
            continue
        index = person.company.delegates.index(person.delegate)
        line, col = located.where(("delegates", index, "email"))
        return Problem(shown, line, col, "error", message)
    return Problem(f"companies ({person.company.id})", 0, 0, "error", message)

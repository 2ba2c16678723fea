"""One message per person: subject and bodies from Jinja templates (the organiser may
override any of them with --templates), their calendar and PDF agenda attached.

The .eml bytes depend only on the input: the MIME boundaries and the Message-ID are
derived from the content, and Date is the schedule's own time (the sender sets the real
one when it sends), so building the same mailing twice gives the same files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import jinja2

from scheduler.deliver.mail.changes import Change
from scheduler.deliver.mail.people import Person
from scheduler.errors import InputError, Problem
from scheduler.export.html import is_web, longdate
from scheduler.input.model import Contact, MissionFolder
from scheduler.schedule import Schedule

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAMES = ("subject.txt.j2", "body.txt.j2", "body.html.j2")
KIND_TITLES = {"preliminary": "Agenda (preliminary)", "final": "Agenda (final)",
               "update": "Agenda update"}
MESSAGE_DOMAIN = "mission-scheduler"


@dataclass(frozen=True)
class Letter:
    """One person's message and what it was built from."""

    person: Person
    kind: str
    changes: list[Change]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        """The Message-ID, derived from the content."""
        return str(self.message["Message-ID"])


def environment(override: Path | None) -> jinja2.Environment:
    """Templates: the organiser's folder first (when given), then the shipped ones."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(TEMPLATES)]
    if override is not None:
        loaders.insert(0, jinja2.FileSystemLoader(override))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html.j2"], default_for_string=False,
                                            default=False),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(longdate=longdate, is_web=is_web)
    return env


def check_templates(env: jinja2.Environment) -> None:
    """InputError naming file:line of every template that does not parse."""
    problems = []
    for name in TEMPLATE_NAMES:
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(exc.filename or name, exc.lineno, 1, "error",
                                    f"template: {exc.message}"))
    if problems:
        raise InputError(problems)


def _render(env: jinja2.Environment, name: str, context: dict[str, object]) -> str:
    """One template rendered; a name it uses that does not exist is an InputError."""
    template = env.get_template(name)
    try:
        return template.render(**context)
    except jinja2.UndefinedError as exc:
        raise InputError([Problem(template.filename or name, 0, 0, "error",
                                  f"template: {exc.message}")]) from None


def _context(folder: MissionFolder, person: Person, kind: str, changes: list[Change],
             pdf: str) -> dict[str, object]:
    """What the templates see."""
    contact = folder.mission.contact or Contact(name=folder.mission.title)
    return {"mission": folder.mission, "kind": kind, "kind_title": KIND_TITLES[kind],
            "person": {"name": person.name, "email": person.email,
                       "company": person.company.name, "role": person.delegate.role},
            "days": person.agenda.days, "changes": changes, "contact": contact,
            "calendar": Path(person.calendar).name, "pdf": pdf}


def compose(env: jinja2.Environment, folder: MissionFolder, schedule: Schedule,
            person: Person, kind: str, changes: list[Change], ics: bytes,
            pdf: bytes | None) -> Letter:
    """The message for one person."""
    pdf_name = f"{Path(person.calendar).stem}-agenda.pdf"
    context = _context(folder, person, kind, changes, pdf_name if pdf is not None else "")
    subject = " ".join(_render(env, "subject.txt.j2", context).split())
    context["subject"] = subject
    message = EmailMessage()
    contact = folder.mission.contact
    sender = Address(contact.name if contact else "", addr_spec=contact.email or "") \
        if contact else Address()
    message["From"] = sender
    message["Reply-To"] = sender
    message["To"] = Address(person.name, addr_spec=person.email)
    message["Subject"] = subject
    message["Date"] = format_datetime(schedule.generated)
    message.set_content(_render(env, "body.txt.j2", context))
    message.add_alternative(_render(env, "body.html.j2", context), subtype="html")
    message.add_attachment(ics, maintype="text", subtype="calendar",
                           filename=Path(person.calendar).name,
                           params={"method": calendar_method(ics)})
    if pdf is not None:
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=pdf_name)
    seal(message, f"{folder.mission.id}\n{kind}\n{person.key}")
    return Letter(person, kind, changes, message)


def calendar_method(ics: bytes) -> str:
    """The METHOD a calendar file declares (PUBLISH when it declares none)."""
    for line in ics.splitlines():
        if line.startswith(b"METHOD:"):
            return line[7:].decode("ascii", "replace").strip()
        if line.startswith(b"BEGIN:VEVENT"):
            break
    return "PUBLISH"


def seal(message: EmailMessage, whom: str) -> None:
    """Boundaries and Message-ID derived from the content (never random)."""
    parts = [p for p in message.walk() if p.is_multipart()]
    body = hashlib.sha256(whom.encode())
    for part in message.walk():
        if not part.is_multipart():
            body.update(part.as_bytes())
    digest = body.hexdigest()
    for number, part in enumerate(parts):
        part.set_boundary(f"=_mission_{digest[:24]}_{number}")
    message["Message-ID"] = f"<{digest[:32]}@{MESSAGE_DOMAIN}>"

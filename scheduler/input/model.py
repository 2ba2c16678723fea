"""Input models of a mission folder: mission.yaml and one file per company.

Times are wall-clock times in the zone of the venue (or of the mission, for
company availability), parsed by the field types in scheduler.input.types.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from scheduler.input.types import (
    Country,
    Day,
    Email,
    Folded,
    Id,
    Line,
    LocalDateTime,
    Period,
    Text,
    TimeZone,
    Url,
    Website,
    Window,
    shown,
    slugify,
)

Priority = Literal["must", "high", "normal", "low"]
Mode = Literal["in-person", "virtual", "any"]
PRIORITY_WEIGHT: dict[str, int] = {"must": 3, "high": 3, "normal": 2, "low": 1}
Side = Literal["delegation", "host", "investor", "agency", "government", "academic"]
# Limits on every count that sizes memory or solving time, far above any real event (the
# largest partnering events run a few thousand tables over a handful of days).
MAX_TABLES = 10_000  # per session
MAX_BOOTHS = 10_000  # per session
MAX_WINDOWS = 100  # per session
MAX_SESSION_DAYS = 100
MAX_PROGRAMME = 10_000
MAX_DELEGATES = 1_000  # per company
MAX_MEETINGS_PER_PAIR = 5

ItemKind = Literal[
    "arrival", "departure", "workshop", "talk", "visit", "reception", "meal",
    "transfer", "fair", "meeting", "other",
]


class Model(BaseModel):
    """Base of every input model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Venue(Model):
    """A named place with its time zone."""

    name: Line
    city: Line = ""
    country: Country | None = None
    address: Folded = ""
    timezone: TimeZone
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class Contact(Model):
    """Who to call about the mission."""

    name: Line
    email: Email | None = None
    phone: Line = ""


class ProgrammeItem(Model):
    """A fixed-time activity: timed (start/end) or all-day (date, optional until)."""

    id: Id | None = Field(None, description="Stable id; defaults to a slug of the title.")
    title: Folded
    kind: ItemKind = "other"
    date: Day | None = Field(None, description="All-day item: its (first) day.")
    until: Day | None = Field(None, description="All-day item: its last day, if several.")
    start: LocalDateTime | None = None
    end: LocalDateTime | None = None
    venue: Id | None = None
    from_: Id | None = Field(None, alias="from", description="Transfer: venue left.")
    to: Id | None = Field(None, description="Transfer: venue reached.")
    attendees: list[Line] = Field(
        default_factory=lambda: ["delegation"],
        description="delegation, hosts, everyone, cluster:<name>, group:<id> or company ids.",
    )
    description: Text = ""
    blocks_meetings: bool | None = Field(
        None, description="Whether attendees are unavailable for meetings; default: timed items do."
    )

    @property
    def ident(self) -> str:
        """Its id, or the slug of its title that the loader gives as its id."""
        return self.id or slugify(self.title)

    @property
    def all_day(self) -> bool:
        """True for an item with a date and no start time."""
        return self.start is None

    @property
    def blocks(self) -> bool:
        """Whether attending this item rules out meetings at the same time."""
        return (not self.all_day) if self.blocks_meetings is None else self.blocks_meetings


TABLE = "Table"  # `tables: 20` names tables 'Table 1' .. 'Table 20'
VIDEO_ROOM = "Video room"  # on a virtual session, 'Video room 1' ..


def _tables(value: object, label: str = TABLE) -> object:
    """`tables: 20` names tables 'Table 1' .. 'Table 20'; a list names them itself."""
    count = None
    if isinstance(value, str) and value.strip().isdigit():
        count = int(value) if len(value.strip()) < 10 else MAX_TABLES + 1
    elif isinstance(value, int) and not isinstance(value, bool):
        count = value
    size = count if count is not None else len(value) if isinstance(value, list) else 0
    if size > MAX_TABLES:
        written = shown(value) if count is not None else size
        raise ValueError(f"{written} tables is more than the limit of {MAX_TABLES} per session")
    return value if count is None else [f"{label} {i}" for i in range(1, count + 1)]


Tables = Annotated[
    list[Line],
    BeforeValidator(_tables),
    WithJsonSchema({"oneOf": [{"type": "integer", "minimum": 0, "maximum": MAX_TABLES},
                              {"type": "array", "items": {"type": "string"},
                               "maxItems": MAX_TABLES}]}),
]


class Booth(Model):
    """A stand where its owners hold their meetings (at one or several tables)."""

    id: Id
    name: Line
    owners: list[Line] = Field(description="Company ids or cluster:<name>.")
    tables: int = Field(1, ge=1, le=100)


def _true(value: object) -> bool:
    """Whether a raw value reads as true the way a bool field reads it (`true`, `yes`, ...)."""
    try:
        return _BOOL.validate_python(value)
    except ValidationError:
        return False


_BOOL = TypeAdapter(bool)


class PartneringSession(Model):
    """A window of 1-on-1 meetings at a venue, or virtual."""

    id: Id
    title: Folded
    venue: Id | None = None
    virtual: bool = False
    video_link: Url | None = Field(
        None, description="Virtual sessions: link for every meeting; {meeting} becomes the "
        "meeting's id, {room} its video room's name as an id (video-room-2).",
    )
    timezone: TimeZone | None = Field(None, description="Virtual sessions without a venue.")
    date: Day | None = None
    dates: list[Day] | None = Field(None, max_length=MAX_SESSION_DAYS)
    windows: list[Window] = Field(min_length=1, max_length=MAX_WINDOWS)
    meeting_minutes: int = Field(30, ge=5, le=480)
    changeover_minutes: int = Field(5, ge=0, le=120)
    tables: Tables | None = Field(
        None, description="Tables, a count or a list of names. On a virtual session: video "
        "rooms ('Video room 1' ..), which cap its parallel meetings (default: any number)."
    )
    booths: list[Booth] = Field(default_factory=list, max_length=MAX_BOOTHS)
    max_meetings_per_company: int | None = Field(None, ge=0)
    max_meetings: int | None = Field(None, ge=0, description="Cap on the session's meetings.")
    host: Line = Field("", description="The organisation that arranges the meetings.")
    description: Text = ""

    @model_validator(mode="before")
    @classmethod
    def _video_rooms(cls, data: object) -> object:
        """A virtual session's `tables: 4` counts video rooms, so they are named so."""
        if isinstance(data, dict) and "tables" in data and _true(data.get("virtual")):
            return {**data, "tables": _tables(data["tables"], VIDEO_ROOM)}
        return data
    @model_validator(mode="after")
    def _few_enough_tables(self) -> PartneringSession:
        """Tables and booth tables together stay within the limit (they size the solver)."""
        total = len(self.tables or []) + sum(booth.tables for booth in self.booths)
        if total > MAX_TABLES:
            raise ValueError(f"{total} tables, counting the booths' tables, is more than the "
                             f"limit of {MAX_TABLES} per session")
        return self

    @property
    def days(self) -> list[dt.date]:  # `date` in this class names a field
        """The session's days, sorted."""
        return sorted({*(self.dates or []), *([self.date] if self.date else [])})


# A longer meeting over consecutive slots of one session window, at one table; a multiple
# of the session's meeting_minutes (checked against the sessions in load/lengths.py).
MINUTES_HELP = ("A longer meeting: its length in minutes, a multiple of the session's "
                "meeting_minutes (e.g. 60 in a session of 30-minute meetings); it takes "
                "consecutive slots of one window, at one table, with no changeover inside.")


class Asked(Model):
    """What a wish and an organiser's match both say about the meetings of a pair: how
    many, how long, in which mode, sessions and days."""

    meetings: int = Field(1, ge=1, le=MAX_MEETINGS_PER_PAIR)
    minutes: int | None = Field(None, ge=5, le=480, description=MINUTES_HELP)
    mode: Mode = Field("any", description="in-person, virtual, or any (in person preferred).")
    sessions: list[Id] | None = Field(None, min_length=1,
                                      description="Partnering sessions it may be placed in.")
    days: list[Day] | None = Field(None, min_length=1, description="Days it may be placed on.")


class Match(Asked):
    """An organiser-set meeting between two companies."""

    companies: list[Id] = Field(min_length=2, max_length=2)
    priority: Priority = "high"
    reason: Text = ""
    by: Line = Field("", description="Who proposed it, e.g. the host organisation.")
    delegates: list[Line] | None = Field(
        None, min_length=1,
        description="Names or ids of the delegates, of either company, who take the meeting.")


class Exclusion(Model):
    """Two companies the organiser never schedules together."""

    companies: list[Id] = Field(min_length=2, max_length=2)
    reason: Text = Field("", description="Shown in the organiser's report only.")


class SuggestSettings(Model):
    """How `mission suggest` pairs companies."""

    within_delegation: bool = Field(
        False, description="Suggest any pair, also two delegation companies or two hosts "
        "(a fair); default: delegation companies with hosts, investors, agencies and "
        "government, academics with anyone.")


class Mission(Model):
    """mission.yaml: the trip, its venues, programme and partnering sessions."""

    id: Id
    title: Folded
    organisers: list[Line] = Field(min_length=1)
    timezone: TimeZone
    start: Day
    end: Day
    description: Text = ""
    contact: Contact | None = None
    updated: LocalDateTime | None = Field(
        None, description="When the plan last changed; stamps the calendars (DTSTAMP)."
    )
    venues: dict[Id, Venue] = Field(default_factory=dict)
    groups: dict[Id, list[Id]] = Field(default_factory=dict)
    programme: list[ProgrammeItem] = Field(default_factory=list, max_length=MAX_PROGRAMME)
    partnering: list[PartneringSession] = Field(default_factory=list)
    matches: list[Match] = Field(default_factory=list)
    exclude: list[Exclusion] = Field(
        default_factory=list, description="Pairs never to schedule (competitors, conflicts).")
    suggest: SuggestSettings = Field(default_factory=SuggestSettings)


class Delegate(Model):
    """A person of a company."""

    id: Id | None = Field(None, description="Defaults to a slug of the name.")
    name: Line
    email: Email
    role: Line = ""
    phone: Line = ""
    unavailable: list[Period] = Field(default_factory=list)

    @property
    def ident(self) -> str:
        """Its id, or the slug of its name that the loader gives as its id."""
        return self.id or slugify(self.name)


class Profile(Model):
    """What a company offers and seeks."""

    sectors: list[Folded] = Field(default_factory=list)
    offers: list[Folded] = Field(default_factory=list)
    seeks: list[Folded] = Field(default_factory=list)
    description: Text = ""


class Wish(Asked):
    """A company's wish to meet another."""

    company: Id
    priority: Priority = "normal"
    reason: Text = ""
    delegates: list[Line] | None = Field(
        None, min_length=1,
        description="Names or ids of this company's delegates who take the meeting.")


class Company(Model):
    """companies/<id>.yaml: a participant organisation and its delegates."""

    id: Id
    name: Line
    side: Side
    cluster: Line | None = None
    country: Country
    city: Line = ""
    website: Website = ""
    timezone: TimeZone | None = Field(
        None, description="Where the company joins virtual sessions from; also the zone of "
        "its unavailable periods (default: the mission's)."
    )
    delegates: list[Delegate] = Field(default_factory=list, max_length=MAX_DELEGATES)
    profile: Profile = Field(default_factory=Profile)
    attends: list[Id] | None = Field(None, description="Partnering sessions; default: all.")
    unavailable: list[Period] = Field(default_factory=list)
    max_meetings: int | None = Field(None, ge=0)
    parallel: bool = Field(False, description="Delegates may hold meetings at the same time.")
    wants_to_meet: list[Wish] = Field(default_factory=list)
    declines: list[Id] = Field(default_factory=list, description="Companies it will not meet.")
    withdrawn: bool = Field(
        False, description="The company withdrew: it is out of the plan, references to it stay "
        "valid, and its people receive calendars that cancel its meetings.")
    withdrawn_reason: Text = Field("", description="Why it withdrew, shown in change lists.")

    @property
    def withdrawal(self) -> str:
        """'x withdrew (reason)': how messages and change lists say it."""
        return f"{self.id} withdrew" + (f" ({self.withdrawn_reason})" if self.withdrawn_reason
                                        else "")


class MissionFolder(BaseModel):
    """A loaded, validated mission: the mission and its companies by id."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    mission: Mission
    companies: dict[str, Company] = Field(description="The companies taking part.")
    withdrawn: dict[str, Company] = Field(
        default_factory=dict, description="Companies that withdrew: known, but out of the plan.")
    files: dict[str, str] = Field(default_factory=dict, description="company id -> file")

    @model_validator(mode="after")
    def _set_withdrawn_apart(self) -> MissionFolder:
        """Withdrawn companies never take part, however the folder was built."""
        for company_id in [i for i, c in self.companies.items() if c.withdrawn]:
            self.withdrawn[company_id] = self.companies.pop(company_id)
        return self

    @cached_property
    def _sessions(self) -> dict[str, PartneringSession]:
        """Sessions by id (the mission is not changed after loading)."""
        return {s.id: s for s in self.mission.partnering}

    def session(self, session_id: str) -> PartneringSession:
        """The partnering session with this id."""
        return self._sessions[session_id]

    def attends(self, company: Company) -> list[str]:
        """Ids of the sessions a company attends."""
        every = [s.id for s in self.mission.partnering]
        return every if company.attends is None else [s for s in every if s in company.attends]

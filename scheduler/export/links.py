"""Subscription links: where each calendar is published, and how people subscribe to it.

With a base URL, a file at OUT/<name> is published at <base>/<name>. With private links,
each person's (company's, cluster's, organiser's) files go under a folder named by an
HMAC of the secret and that calendar, so knowing one link tells nothing of the others.
The folder depends only on the secret, the mission and the calendar's plain file name,
so it stays the same from one export to the next.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from scheduler.errors import ExportError

if TYPE_CHECKING:
    from scheduler.export.ics.events import Audience
    from scheduler.input.model import MissionFolder

TOKEN_BYTES = 16  # 128 bits: not guessable; 26 characters of base32, safe in any file system
TOKEN = re.compile(r"[a-z2-7]{26}")
MIN_SECRET = 16  # characters: a shorter HMAC key is easier to guess than the paths it makes
REFRESH = "PT4H"  # how often subscribers are asked to look for changes
GOOGLE = "https://calendar.google.com/calendar/r?cid="
OUTLOOK = "https://outlook.live.com/calendar/0/addfromweb?"
OFFICE = "https://outlook.office.com/calendar/0/addfromweb?"


def check_base_url(url: str) -> str:
    """A base URL as given, without trailing slashes; ExportError unless http(s) with a host."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or \
            parts.fragment or any(c.isspace() for c in url.strip()):
        raise ExportError(f"--base-url '{url}' is not a web address; write it like "
                          "https://example.org/mission (http or https, no ? or #)")
    return url.strip().rstrip("/")


def token(secret: str, mission: str, calendar: str) -> str:
    """The private folder of one calendar: HMAC-SHA256 of mission and calendar, in lowercase
    base32 (url-safe, and distinct on file systems that ignore case)."""
    mac = hmac.new(secret.encode("utf-8"), f"{mission}\0{calendar}".encode(), hashlib.sha256)
    return base64.b32encode(mac.digest()[:TOKEN_BYTES]).decode().lower().rstrip("=")


def plain(name: str) -> str:
    """A file name without its private folder (the name it has without private links)."""
    first, _, rest = name.partition("/")
    return rest if rest and TOKEN.fullmatch(first) else name


@dataclass(frozen=True)
class Links:
    """Where files are published: a base URL (or none) and the private-link secret (or none)."""

    base_url: str = ""
    secret: str = field(default="", repr=False)
    mission: str = ""

    def place(self, calendar: str, name: str) -> str:
        """Where a file belonging to a calendar (given by its plain name) goes in OUT."""
        if not self.secret:
            return name
        return f"{token(self.secret, self.mission, calendar)}/{name}"

    def url(self, name: str) -> str:
        """The public address of a file of OUT ('' without a base URL)."""
        return f"{self.base_url}/{quote(name, safe='/')}" if self.base_url else ""


def placed(audiences: list[Audience], links: Links) -> list[Audience]:
    """The calendars with the names they have in OUT (in their private folders, if any)."""
    if not links.secret:
        return audiences
    return [replace(a, name=links.place(a.name, a.name)) for a in audiences]


def agenda_calendars(folder: MissionFolder) -> dict[tuple[str, str | None], str]:
    """(company, delegate or None) -> the plain name of the calendar its agenda goes with."""
    from scheduler.export.ics.events import audiences

    found: dict[tuple[str, str | None], str] = {}
    for audience in audiences(folder):
        if audience.kind == "company":
            found[next(iter(audience.companies)), None] = audience.name
        elif audience.kind == "person" and audience.delegate:
            company, _, person = audience.delegate.partition("/")
            found[company, person] = audience.name
    return found


@dataclass(frozen=True)
class Subscribe:
    """The ways to subscribe to one published calendar."""

    url: str

    @property
    def webcal(self) -> str:
        """The webcal:// link calendar apps open as a subscription."""
        return "webcal://" + self.url.split("://", 1)[1]

    @property
    def google(self) -> str:
        """Google Calendar's 'add by URL' page for this calendar."""
        return GOOGLE + quote(self.webcal, safe="")

    def outlook(self, name: str, office: bool = False) -> str:
        """Outlook's 'add calendar from the web' page (outlook.com, or Microsoft 365)."""
        query = f"url={quote(self.url, safe='')}&name={quote(name, safe='')}"
        return (OFFICE if office else OUTLOOK) + query


def calendar_head_lines(url: str) -> list[str]:
    """RFC 7986 properties of a published calendar: how often to refresh, and where it is."""
    return [f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}", f"X-PUBLISHED-TTL:{REFRESH}",
            f"SOURCE;VALUE=URI:{url}", f"URL;VALUE=URI:{url}"]


@lru_cache(maxsize=4096)
def qr_svg(text: str) -> str:
    """A QR code of the text as inline SVG (same text, same bytes)."""
    import segno

    return str(segno.make(text, error="m", micro=False).svg_inline(scale=2, omitsize=True))

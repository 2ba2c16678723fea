"""Events written straight to content lines: what icalendar writes, without its per-event cost.

`Lines` takes the calls the exporter makes on an icalendar Event (add,
add_component, [name], decoded) and keeps each property as its finished, folded
content line. Text properties are escaped as icalendar's vText escapes them;
every other value (times, GEO, categories, URLs, parameters) is written once by
icalendar itself and remembered by its value, so the bytes are icalendar's.
"""

from __future__ import annotations

import re

from icalendar import Alarm, Component, Event
from icalendar.caselessdict import canonsort_keys
from icalendar.parser.string import _escape_char  # vText's escaping; no public name
from icalendar.prop import vText

# An ASCII piece: 74 characters, or 73 when the 74th would start an escape; taken only
# while more than 74 characters are left (the loop of fold(), in one search).
_PIECE = re.compile(r"(?=[\s\S]{75})(?:[\s\S]{73}[^\\^]|[\s\S]{73})")


def fold(line: str) -> str:
    """icalendar's line folding, byte for byte: 74-octet pieces, an escape never split."""
    if len(line) < 75 and (line.isascii() or len(line.encode("utf-8")) < 75):
        return line
    if line.isascii():
        pieces = _PIECE.findall(line)
        return "\r\n ".join([*pieces, line[sum(map(len, pieces)):]])
    data = line.encode("utf-8")
    pieces, start = [], 0
    while len(data) - start > 74:
        end = start + 74
        while data[end] & 0xC0 == 0x80:  # never split a character
            end -= 1
        if data[end - 1] in b"\\^":  # keep a backslash or caret escape whole
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8")


def text_line(name: str, value: str) -> str:
    """A TEXT property's content line as icalendar writes it: escaped, folded, CRLF."""
    return fold(f"{name}:{_escape_char(value)}") + "\r\n"


def serialise(component: Component | Lines) -> str:
    """component.to_ical() as text, byte for byte, with the faster folding."""
    if isinstance(component, Lines):
        return component.text()
    return "\r\n".join(fold(line) for line in component.content_lines() if line) + "\r\n"


class Lines:
    """A VEVENT or VALARM kept as content lines; sorted and written as icalendar would."""

    def __init__(self, memo: dict, kind: type[Component] = Event):
        """An empty component of a kind; `memo` keeps lines of non-text values across events."""
        self.memo, self.kind = memo, kind
        self.lines: dict[str, list[str]] = {}
        self.values: dict[str, object] = {}
        self.subcomponents: list[Lines] = []

    def add(self, name: str, value: object, parameters: dict[str, str] | None = None) -> None:
        """Add a property as Component.add would."""
        name = name.upper()
        self.values.setdefault(name, value)
        self.lines.setdefault(name, []).append(self.line(name, value, parameters))

    def line(self, name: str, value: object, parameters: dict[str, str] | None) -> str:
        """The folded content line(s) of one property, with its CRLF."""
        if not parameters and isinstance(value, str) and self._text(name):
            return text_line(name, value)
        key = (self.kind.name, name, type(value), repr(value),
               repr(sorted(parameters.items())) if parameters else None)
        if key not in self.memo:
            one = self.kind()
            one.add(name, value, parameters=parameters or {})
            text = serialise(one)
            self.memo[key] = text[text.index("\r\n") + 2:text.rindex("END:")]
        return self.memo[key]

    def _text(self, name: str) -> bool:
        """Whether a property is plain TEXT (escaped by hand), remembered per name."""
        key = ("text", self.kind.name, name)
        if key not in self.memo:
            self.memo[key] = self.kind.types_factory.for_property(name) is vText
        return self.memo[key]

    def add_component(self, component: Lines) -> None:
        """Add a subcomponent (a VALARM)."""
        self.subcomponents.append(component)

    def alarm(self) -> Lines:
        """A new VALARM to fill and add."""
        return Lines(self.memo, Alarm)

    def __getitem__(self, name: str) -> object:
        """A property's value as given."""
        return self.values[name.upper()]

    def __contains__(self, name: str) -> bool:
        """Whether the component has a property."""
        return name.upper() in self.values

    def decoded(self, name: str) -> object:
        """A property's value as given (dates and times are kept as Python values)."""
        return self.values[name.upper()]

    def text(self) -> str:
        """The component as Component.to_ical writes it."""
        names = canonsort_keys(self.lines, self.kind.canonical_order)
        return (f"BEGIN:{self.kind.name}\r\n" + "".join(x for n in names for x in self.lines[n])
                + "".join(c.text() for c in self.subcomponents) + f"END:{self.kind.name}\r\n")

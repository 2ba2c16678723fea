"""What the last publishing sent to each CalDAV collection: per event, its ETag and digest.

Some servers store an event otherwise than it was sent (Radicale drops part of an
X-APPLE-STRUCTURED-LOCATION, for one), so its content alone cannot tell that it is
unchanged. The ETag the server gave for what was sent can: while the server's ETag and
the exported event are both as recorded, the event is not sent again. The record is a
cache, never the truth: when it is missing or disagrees, the server's content decides.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.atomic import write_atomic

FILE = ".publish-state.json"
FORMAT = 1


def digest(text: str) -> str:
    """The digest of an event's text as sent."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Status:
    """Per server and collection: UID -> [ETag or None, digest of the text sent]."""

    path: Path
    targets: dict[str, dict[str, dict[str, list]]] = field(default_factory=dict)

    @classmethod
    def load(cls, out: Path) -> Status:
        """The record in OUT (empty when missing or unreadable: the server then decides)."""
        path = out / FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(data, dict) or data.get("format") != FORMAT or \
                not isinstance(data.get("targets"), dict):
            return cls(path)
        return cls(path, data["targets"])

    def collection(self, target: str, cal_id: str) -> dict[str, list]:
        """The record of one collection on one server (changed in place, then saved)."""
        return self.targets.setdefault(target, {}).setdefault(cal_id, {})

    def save(self) -> None:
        """Write the record atomically."""
        text = json.dumps({"format": FORMAT, "targets": self.targets}, indent=1,
                          sort_keys=True, ensure_ascii=False)
        write_atomic(self.path, text + "\n")

"""The commands for the work around the plan (intake, suggestions, delivery, outcomes).

cli.py keeps the group and the planning commands; each module here holds the click
commands of one package above the plan, and cli.py adds them to the group.
"""

from __future__ import annotations

import click

from scheduler.commands.deliver import mail, publish
from scheduler.commands.intake import catalogue, import_
from scheduler.commands.outcomes import attendance, impact
from scheduler.commands.suggest import suggest, wishes

AROUND_THE_PLAN: tuple[click.Command, ...] = (import_, catalogue, suggest, wishes, mail, publish,
                                              attendance, impact)

"""What `mission check` prints: violations, recomputed quality figures, a summary."""

from __future__ import annotations

from collections import Counter

from scheduler.check.quality import quality_differences, quality_figures
from scheduler.check.rules import Violation, check_schedule
from scheduler.input.model import MissionFolder
from scheduler.schedule import Schedule


def check_report(folder: MissionFolder, schedule: Schedule,
                 previous: Schedule | None = None) -> tuple[list[str], int]:
    """The lines `mission check` prints, and the number of violations."""
    found = check_schedule(folder, schedule, previous)
    if schedule.mission != folder.mission.id:
        found.insert(0, Violation("mission", None, f"the schedule is for mission "
                                  f"'{schedule.mission}', not '{folder.mission.id}'"))
    q = quality_figures(folder, schedule)
    lines = [str(v) for v in found]
    lines.append(f"quality (recomputed): {q['placed']} of {q['requested']} requested meetings "
                 f"placed, {q['idle_slots']} idle slot(s) in {q['holes']} hole(s), "
                 f"fairness {q['fairness']:.2f}")
    lines += [f"quality differs from schedule.json: {d}"
              for d in quality_differences(folder, schedule)]
    if found:
        per_rule = Counter(v.rule for v in found)
        lines.append(f"{len(found)} violation(s): "
                     + ", ".join(f"{n} {rule}" for rule, n in per_rule.items()))
    else:
        lines.append(f"every rule holds for the {len(schedule.meetings)} meeting(s)")
    return lines, len(found)

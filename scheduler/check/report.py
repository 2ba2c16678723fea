"""What `mission check` prints: violations, recomputed quality figures, a summary."""

from __future__ import annotations

from collections import Counter

from scheduler.check.quality import quality_differences, quality_figures, withdrawn_meetings
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
    lines += _withdrawn(folder, schedule)
    lines += [f"quality differs from schedule.json: {d}"
              for d in quality_differences(folder, schedule)]
    if found:
        per_rule = Counter(v.rule for v in found)
        lines.append(f"{len(found)} violation(s): "
                     + ", ".join(f"{n} {rule}" for rule, n in per_rule.items()))
    else:
        lines.append(f"every rule holds for the {len(schedule.meetings)} meeting(s)")
    return lines, len(found)


def _withdrawn(folder: MissionFolder, schedule: Schedule) -> list[str]:
    """A line saying how many meetings belong to withdrawn companies, if any do."""
    found = withdrawn_meetings(folder, schedule)
    if not found:
        return []
    names = sorted({folder.withdrawn[c].name for m in found for c in m.companies
                    if c in folder.withdrawn})
    return [f"{len(found)} meeting(s) belong to withdrawn {' and '.join(names)}: counted in "
            "neither figure; `mission schedule` drops them"]

"""The impact figures: who took part, what was planned, what was held, who met whom.

Computed from the mission, schedule.json and (when there is one) outcomes.yaml. Without
outcomes every "held" figure is None and the counts of who met whom are the planned ones,
so a report made before the day says what was planned and nothing more.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from scheduler import meaning
from scheduler.outcomes.common import Mission
from scheduler.outcomes.model import Outcomes

Figures = dict[str, object]


@dataclass(frozen=True)
class Met:
    """One meeting that took place (or, without outcomes, that is planned)."""

    companies: tuple[str, str]
    session: str
    day: date
    follow_up: bool


def rate(part: int, whole: int) -> float | None:
    """A share rounded to four decimals; None when there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


def _day(mission: Mission, session_id: str, moment: object) -> date:
    """The local day of an instant in a session's zone."""
    zone = meaning.session_zone(mission.folder, mission.folder.session(session_id))
    return moment.astimezone(zone).date()  # type: ignore[attr-defined]


def met_meetings(mission: Mission, outcomes: Outcomes | None) -> list[Met]:
    """Held meetings and walk-ins; every planned meeting when there are no outcomes."""
    met = []
    for meeting in mission.schedule.meetings:
        outcome = outcomes.meetings.get(meeting.id) if outcomes else None
        if outcomes is not None and (outcome is None or outcome.status != "held"):
            continue
        start = outcome.moved_to.start if outcome and outcome.moved_to else None
        met.append(Met((meeting.companies[0], meeting.companies[1]), meeting.session,
                       _day(mission, meeting.session, start or meeting.start),
                       bool(outcome and outcome.follow_up)))
    for walk_in in outcomes.walk_ins if outcomes else []:
        met.append(Met((walk_in.companies[0], walk_in.companies[1]), walk_in.session,
                       _day(mission, walk_in.session, walk_in.start), walk_in.follow_up))
    return met


def participants(mission: Mission) -> Figures:
    """Companies and delegates taking part, in all, by side and by country."""
    companies = mission.folder.companies.values()
    by_side: dict[str, dict[str, int]] = {}
    by_country: dict[str, dict[str, int]] = {}
    for company in companies:
        for table, key in ((by_side, company.side), (by_country, company.country)):
            entry = table.setdefault(key, {"companies": 0, "delegates": 0})
            entry["companies"] += 1
            entry["delegates"] += len(company.delegates)
    return {"companies": len(companies),
            "delegates": sum(len(c.delegates) for c in companies),
            "countries": len(by_country),
            "by_side": dict(sorted(by_side.items())),
            "by_country": dict(sorted(by_country.items()))}


def meeting_counts(mission: Mission, outcomes: Outcomes | None) -> Figures:
    """Meetings requested, planned, held, no-shows, cancelled, walk-ins, follow-ups."""
    statuses = Counter(o.status for o in outcomes.meetings.values()) if outcomes else Counter()
    walk_ins = len(outcomes.walk_ins) if outcomes else 0
    known = outcomes is not None
    planned = len(mission.schedule.meetings)
    held = statuses["held"]
    follow_ups = sum(m.follow_up for m in met_meetings(mission, outcomes)) if known else None
    expected = statuses["held"] + statuses["no-show"]
    return {"requested": mission.schedule.quality.requested, "planned": planned,
            "recorded": sum(statuses.values()) if known else None,
            "not_recorded": planned - sum(statuses.values()) if known else None,
            "held": held if known else None,
            "no_shows": statuses["no-show"] if known else None,
            "cancelled": statuses["cancelled"] if known else None,
            "walk_ins": walk_ins if known else None,
            "held_with_walk_ins": held + walk_ins if known else None,
            "follow_ups": follow_ups,
            "follow_up_rate": rate(follow_ups, held + walk_ins) if follow_ups is not None
            else None,
            "no_show_rate": rate(statuses["no-show"], expected) if known else None}


def no_show_rates(mission: Mission, outcomes: Outcomes | None) -> Figures:
    """No-shows as a share of the meetings expected to happen (recorded, not cancelled):
    by side, counting each company expected at a meeting, and by session, counting meetings."""
    side_expected: Counter[str] = Counter()
    side_absent: Counter[str] = Counter()
    session_expected: Counter[str] = Counter()
    session_absent: Counter[str] = Counter()
    companies = mission.folder.companies
    for meeting in mission.schedule.meetings:
        outcome = outcomes.meetings.get(meeting.id) if outcomes else None
        if outcome is None or outcome.status == "cancelled":
            continue
        session_expected[meeting.session] += 1
        session_absent[meeting.session] += outcome.status == "no-show"
        for company_id in meeting.companies:
            side = companies[company_id].side if company_id in companies else "unknown"
            side_expected[side] += 1
            side_absent[side] += company_id in outcome.absent
    return {"by_side": {s: rate(side_absent[s], side_expected[s]) for s in sorted(side_expected)},
            "by_session": {s.id: rate(session_absent[s.id], session_expected[s.id])
                           for s in mission.folder.mission.partnering
                           if session_expected[s.id]}}


def per_session_day(mission: Mission, outcomes: Outcomes | None) -> list[Figures]:
    """Per session-day (of the planned start): planned meetings, what became of them, and
    walk-ins; held counts planned meetings only, as in the totals."""
    rows: dict[tuple[str, date], Counter[str]] = {}
    order = {s.id: n for n, s in enumerate(mission.folder.mission.partnering)}
    for meeting in mission.schedule.meetings:
        counts = rows.setdefault((meeting.session, _day(mission, meeting.session,
                                                        meeting.start)), Counter())
        counts["planned"] += 1
        outcome = outcomes.meetings.get(meeting.id) if outcomes else None
        counts[outcome.status if outcome else "not recorded"] += 1
    for walk_in in outcomes.walk_ins if outcomes else []:
        rows.setdefault((walk_in.session, _day(mission, walk_in.session, walk_in.start)),
                        Counter())["walk-in"] += 1
    known = outcomes is not None
    return [{"session": session, "day": day.isoformat(), "planned": counts["planned"],
             "held": counts["held"] if known else None,
             "no_shows": counts["no-show"] if known else None,
             "cancelled": counts["cancelled"] if known else None,
             "not_recorded": counts["not recorded"] if known else None,
             "walk_ins": counts["walk-in"] if known else None,
             "held_with_walk_ins": counts["held"] + counts["walk-in"] if known else None}
            for (session, day), counts in sorted(rows.items(),
                                                 key=lambda r: (order.get(r[0][0], 0), r[0][1]))]


def per_company(mission: Mission, met: list[Met]) -> dict[str, int]:
    """Meetings each company had (held, or planned without outcomes), 0 included."""
    counts = Counter(c for item in met for c in item.companies)
    return {company_id: counts[company_id] for company_id in sorted(mission.folder.companies)}


def distribution(counts: dict[str, int]) -> list[list[int]]:
    """[meetings, companies with that many] for every count from 0 to the most."""
    spread = Counter(counts.values())
    return [[k, spread[k]] for k in range(max(spread, default=0) + 1)]


def pairs(met: list[Met], keys: dict[str, list[str]]) -> list[Figures]:
    """Meetings between each pair of keys (countries, sectors), each pair once, a <= b."""
    counts: Counter[tuple[str, str]] = Counter()
    for item in met:
        first, second = (keys.get(c, []) for c in item.companies)
        seen = {(min(a, b), max(a, b)) for a in first for b in second}
        counts.update(seen)
    return [{"a": a, "b": b, "meetings": n} for (a, b), n in sorted(counts.items())]


def wishes(mission: Mission, met: list[Met]) -> list[Figures]:
    """Per delegation company: meetings it wished for, how many of them took place, share."""
    together: Counter[tuple[str, str]] = Counter()
    for item in met:
        a, b = item.companies
        together[(a, b)] += 1
        together[(b, a)] += 1
    rows = []
    for company in sorted(mission.folder.companies.values(), key=lambda c: c.id):
        if company.side != "delegation" or not company.wants_to_meet:
            continue
        wished = sum(w.meetings for w in company.wants_to_meet)
        done = sum(min(w.meetings, together[(company.id, w.company)])
                   for w in company.wants_to_meet)
        rows.append({"company": company.id, "wished": wished, "met": done,
                     "share": rate(done, wished)})
    return rows


def impact_figures(mission: Mission, outcomes: Outcomes | None) -> Figures:
    """Every figure of the impact report, as impact.json holds them."""
    met = met_meetings(mission, outcomes)
    companies = mission.folder.companies.values()
    counts = per_company(mission, met)
    wished = wishes(mission, met)
    total_wished = sum(int(str(w["wished"])) for w in wished)
    total_met = sum(int(str(w["met"])) for w in wished)
    return {
        "mission": mission.folder.mission.id, "title": mission.folder.mission.title,
        "schedule": mission.fingerprint, "outcomes": outcomes is not None,
        "basis": "held" if outcomes is not None else "planned",
        "participants": participants(mission),
        "meetings": meeting_counts(mission, outcomes),
        "no_show_rate": no_show_rates(mission, outcomes),
        "per_session_day": per_session_day(mission, outcomes),
        "meetings_per_company": counts,
        "meetings_per_company_distribution": distribution(counts),
        "country_pairs": pairs(met, {c.id: [c.country] for c in companies}),
        "sector_pairs": pairs(met, {c.id: sorted(set(c.profile.sectors)) for c in companies}),
        "wishes": {"wished": total_wished, "met": total_met,
                   "share": rate(total_met, total_wished), "by_company": wished},
    }

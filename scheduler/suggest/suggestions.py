"""Ranked, explained suggestions: whom each company should meet, and why in words."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from scheduler.errors import MissionError
from scheduler.input.model import Company, MissionFolder
from scheduler.suggest.rank import Pair, Progress, Ranker, Scored, blocks, build_ranker
from scheduler.suggest.text import sector_key

MATCHING = 0.12  # an item pair at least this similar is named in a reason


@dataclass(frozen=True)
class Suggestion:
    """One partner suggested to a company, with its rank, score and reason."""

    company: str
    partner: str
    rank: int
    score: float
    reason: str  # "its need ..." under the company's heading
    written: str  # the same with the company's name, as a match in mission.yaml says it
    clear: bool = True  # False when only related words, no need, offer or sector, match

    def as_dict(self) -> dict[str, object]:
        """The suggestion as JSON-ready data."""
        return {"company": self.company, "partner": self.partner, "rank": self.rank,
                "score": round(self.score, 4), "reason": self.reason}


Matched = tuple[str, str, float] | None  # a need, the offer meeting it, their similarity


def _named(sims: np.ndarray, seeker: Company, offerer: Company) -> Matched:
    """The need and offer of the highest entry similarity (rows: needs, columns: offers)."""
    if not seeker.profile.seeks or not offerer.profile.offers:
        return None
    i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
    return seeker.profile.seeks[int(i)], offerer.profile.offers[int(j)], float(sims[i, j])


def best_entries(ranker: Ranker, seeker: Company, offerer: Company) -> Matched:
    """The seeker's need and the offerer's offer most alike, with their similarity."""
    i, j = ranker.index(seeker.id), ranker.index(offerer.id)
    need = ranker.need.vectors[ranker.need.ids[ranker.need.span(i, i + 1)]]
    offer = ranker.offer.vectors[ranker.offer.ids[ranker.offer.span(j, j + 1)]]
    return _named((need @ offer.T).toarray(), seeker, offerer)


def block_entries(ranker: Ranker, scored: Scored, row: int, col: int
                  ) -> tuple[Matched, Matched]:
    """Both ways, the matching need and offer of a scored row and a column."""
    lo = scored.rows.start
    mine = ranker.need.span(row, row + 1)
    theirs = ranker.offer.span(col, col + 1)
    base_need, base_offer = int(ranker.need.starts[lo]), int(ranker.offer.starts[lo])
    need = scored.need[mine.start - base_need:mine.stop - base_need, theirs]
    offers = ranker.offer.span(row, row + 1)
    seeks = ranker.need.span(col, col + 1)
    give = scored.give[offers.start - base_offer:offers.stop - base_offer, seeks].T
    company, partner = ranker.companies[row], ranker.companies[col]
    return _named(need, company, partner), _named(give, partner, company)


def shared_sectors(company: Company, partner: Company) -> list[str]:
    """The company's sectors (as it writes them) that the partner also names."""
    theirs = {sector_key(s) for s in partner.profile.sectors}
    return [s for s in company.profile.sectors if sector_key(s) in theirs]


def possessive(name: str) -> str:
    """"Kansai BioWorks'" or "Genomix's"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


@dataclass(frozen=True)
class Explanation:
    """What two profiles have in common: a need met each way, and shared sectors."""

    partner: str  # the partner's name
    need: Matched  # the company's need, the partner's offer
    give: Matched  # the partner's need, the company's offer
    sectors: list[str]

    @property
    def clear(self) -> bool:
        """Whether a need meets an offer (either way) or a sector is shared."""
        return bool(self.sectors) or any(m is not None and m[2] >= MATCHING
                                         for m in (self.need, self.give))

    def words(self, subject: str = "its") -> str:
        """The reason in words, the company called `subject` ('its', 'your' or "Genomix's")."""
        them = possessive(self.partner)
        parts = []
        if self.need and self.need[2] >= MATCHING:
            parts.append(f"{subject} need '{self.need[0]}' matches {them} offer "
                         f"'{self.need[1]}'")
        if self.give and self.give[2] >= MATCHING:  # the company named first: 'its' is it
            parts.append(f"{subject} offer '{self.give[1]}' meets {them} need "
                         f"'{self.give[0]}'")
        if self.sectors:
            parts.append("shared sectors: " + ", ".join(self.sectors))
        return "; ".join(parts) or "no clear match, only related words in the profiles"


def explain(ranker: Ranker, company: Company, partner: Company) -> Explanation:
    """Why two companies should meet."""
    return Explanation(partner.name, best_entries(ranker, company, partner),
                       best_entries(ranker, partner, company), shared_sectors(company, partner))


def suggest(folder: MissionFolder, company_ids: list[str] | None = None, top: int = 10,
            blocked: Collection[Pair] = frozenset(), progress: Progress | None = None
            ) -> list[Suggestion]:
    """The top partners of each company (or of the ones named), best first, explained."""
    unknown = [c for c in company_ids or [] if c not in folder.companies]
    if unknown:
        raise MissionError(f"no company with id '{unknown[0]}' in this mission"
                           + (" (it withdrew)" if unknown[0] in folder.withdrawn else ""))
    ranker = build_ranker(folder, blocked)
    rows = sorted(ranker.index(c) for c in company_ids) if company_ids else None
    ranges = [range(r, r + 1) for r in rows] if rows is not None else blocks(len(ranker.ids))
    out = []
    for span in ranges:
        scored = ranker.scored(span)
        for row, best in zip(span, ranker.top(scored, top), strict=True):
            company = ranker.companies[row]
            for rank, (col, score) in enumerate(best, start=1):
                partner = ranker.companies[col]
                why = Explanation(partner.name, *block_entries(ranker, scored, row, col),
                                  shared_sectors(company, partner))
                out.append(Suggestion(company.id, partner.id, rank, score, why.words(),
                                      why.words(possessive(company.name)), why.clear))
        if progress:
            progress(len(span))
    return out


def text_lines(folder: MissionFolder, suggestions: list[Suggestion]) -> list[str]:
    """Suggestions for people: a heading per company, one numbered line per partner."""
    lines: list[str] = []
    for s in suggestions:
        if s.rank == 1:
            company = folder.companies[s.company]
            lines += ([""] if lines else []) + [f"{company.name} ({s.company}, {company.side})"]
        partner = folder.companies[s.partner]
        lines.append(f"  {s.rank:2d}. {partner.name} ({s.partner}, {partner.side}) "
                     f"{s.score:.2f}: {s.reason}")
    return lines

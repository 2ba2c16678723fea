"""Leave-one-out on a mission's own wishes: how often the ranking recovers a hidden wish."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from scheduler.input.model import MissionFolder
from scheduler.suggest.rank import Pair, Progress, Ranker, blocks, build_ranker


@dataclass(frozen=True)
class Evaluation:
    """Recall at 5 and 10 and the mean reciprocal rank over the wishes."""

    wishes: int
    out_of_reach: int  # wishes the side rules or a blocked pair keep from any suggestion
    recall_5: float
    recall_10: float
    mrr: float
    chance_10: float  # recall@10 of a ranking by lot, for comparison

    def lines(self) -> list[str]:
        """The evaluation for people."""
        return [f"wishes hidden in turn: {self.wishes} (missed by rule: {self.out_of_reach}, "
                "which the side rules or a blocked pair keep out of every suggestion)",
                f"found in the top 5: {self.recall_5:.1%} (recall@5)",
                f"found in the top 10: {self.recall_10:.1%} (recall@10; a random order would "
                f"find {self.chance_10:.1%})",
                f"mean reciprocal rank: {self.mrr:.3f} (1 = always ranked first)"]

    def as_dict(self) -> dict[str, object]:
        """The evaluation as JSON-ready data."""
        return {"wishes": self.wishes, "out_of_reach": self.out_of_reach,
                "recall@5": round(self.recall_5, 4), "recall@10": round(self.recall_10, 4),
                "mrr": round(self.mrr, 4), "chance@10": round(self.chance_10, 4)}


def _hidden_wishes(folder: MissionFolder, ranker: Ranker) -> list[tuple[int, int]]:
    """(asker row, wished row) of every wish between two companies taking part."""
    ids = set(ranker.ids)
    return sorted((ranker.index(c.id), ranker.index(w.company))
                  for c in folder.companies.values() for w in c.wants_to_meet
                  if w.company in ids and w.company != c.id)


def _rank(masked: np.ndarray, value: float, target: int) -> float:
    """The rank a score would take in a row (ties go to the lower column); inf if -inf."""
    if not np.isfinite(value):
        return float("inf")
    ahead = np.count_nonzero(masked > value) + np.count_nonzero(masked[:target] == value)
    return float(ahead + 1)


def ranks(ranker: Ranker, wishes: list[tuple[int, int]], blocked: Collection[Pair],
          progress: Progress | None = None) -> list[tuple[float, int]]:
    """The rank of each hidden wish among its asker's suggestions (inf: never suggested),
    and how many partners were ranked with it."""
    by_asker: dict[int, list[int]] = {}
    for asker, target in wishes:
        by_asker.setdefault(asker, []).append(target)
    found: dict[tuple[int, int], tuple[float, int]] = {}
    for span in blocks(len(ranker.ids)):
        rows = [a for a in span if a in by_asker]
        if not rows:
            continue
        part = range(rows[0], rows[-1] + 1)
        raw = ranker.raw(part)
        masked = ranker.block(part, raw)
        for asker in rows:
            line = masked[asker - part.start]
            ranked = int(np.count_nonzero(np.isfinite(line))) + 1
            for target in by_asker[asker]:
                hidden = frozenset((ranker.ids[asker], ranker.ids[target])) in blocked
                value = -np.inf if hidden else raw[asker - part.start, target]
                found[asker, target] = _rank(line, value, target), ranked
        if progress:
            progress(sum(len(by_asker[a]) for a in rows))
    return [found[w] for w in wishes]


def evaluate(folder: MissionFolder, blocked: Collection[Pair] = frozenset(),
             progress: Progress | None = None) -> Evaluation:
    """Hide each wish in turn, rank its asker's partners, and score where the wish lands."""
    ranker = build_ranker(folder, blocked)
    wishes = _hidden_wishes(folder, ranker)
    results = ranks(ranker, wishes, blocked, progress)
    found = [r for r, _ in results]
    chance = sum(min(1.0, 10 / n) for r, n in results if np.isfinite(r))
    total = max(1, len(found))
    return Evaluation(len(found), sum(not np.isfinite(r) for r in found),
                      sum(r <= 5 for r in found) / total, sum(r <= 10 for r in found) / total,
                      sum(1 / r for r in found) / total, chance / total)

"""Scores of every eligible pair of companies from their profiles.

TF-IDF (scikit-learn) over word 1-2-grams and character 3-5-grams of the profile text, with
the vocabulary's group tokens added (text.py). A company's seeks against the other's offers
weigh most, the other direction counts too, shared sectors and similar descriptions help.
Rows are scored in blocks, so memory stays at a block of rows times the companies.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from scheduler.input.model import Company, MissionFolder
from scheduler.suggest.text import expanded, sector_key

NEED, GIVE, SECTORS, DESCRIPTION = 1.0, 0.3, 0.15, 0.1  # weights of the four similarities
PART_WEIGHTS = (0.6, 1.0)  # words, characters: character n-grams carry word forms
HOSTING = ("host", "investor", "agency", "government")
BLOCK = 512  # rows scored at once
SUGGESTED = "suggested"  # `by:` of the matches `mission suggest --write` adds
Pair = frozenset[str]
Progress = Callable[[int], None]  # told how many more rows are scored


def vectorizers() -> list[TfidfVectorizer]:
    """Word and character n-gram TF-IDF: words for meaning, characters for word forms."""
    return [TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english",
                            dtype=np.float32),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                            min_df=2, dtype=np.float32)]


@dataclass
class Encoder:
    """Turns texts into unit TF-IDF vectors, fitted once on every text of the mission."""

    parts: list[TfidfVectorizer]

    @classmethod
    def fit(cls, texts: list[str]) -> Encoder:
        """An encoder fitted on these (expanded) texts."""
        parts = vectorizers()
        for part in parts:
            part.fit(texts or ["-"])
        return cls(parts)

    def encode(self, texts: list[str]) -> sparse.csr_matrix:
        """Unit row vectors of expanded texts (an empty text gives a zero row)."""
        stacked = sparse.hstack([weight * part.transform(texts)
                                 for weight, part in zip(PART_WEIGHTS, self.parts, strict=True)],
                                format="csr")
        return normalize(stacked).astype(np.float32)


@dataclass
class Entries:
    """Unit vectors of every company's entries of one kind (seeks or offers), by company.

    Company i owns entries starts[i]..starts[i+1]; a company without entries owns one empty
    entry, so every company has at least one (numpy's reduceat needs non-empty groups).
    Entries written the same way share one vector (`ids`), computed once."""

    vectors: sparse.csr_matrix  # one row per distinct text
    ids: np.ndarray  # entry -> its row in `vectors`
    starts: np.ndarray  # n + 1 entry offsets

    @classmethod
    def of(cls, encoder: Encoder, lists: list[list[str]]) -> Entries:
        """The entries of each company, each distinct text encoded once."""
        texts = [expanded(t) for entries in lists for t in (entries or [""])]
        distinct = {text: i for i, text in enumerate(dict.fromkeys(texts))}
        sizes = [max(1, len(entries)) for entries in lists]
        starts = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        ids = np.array([distinct[t] for t in texts], dtype=np.int64)
        return cls(encoder.encode(list(distinct)), ids, starts)

    def span(self, lo: int, hi: int) -> slice:
        """The entries of companies lo..hi-1."""
        return slice(int(self.starts[lo]), int(self.starts[hi]))


def entry_sims(left: Entries, right: Entries, lo: int, hi: int) -> np.ndarray:
    """Similarity of each entry of companies lo..hi-1 (one kind) with every entry of the
    other kind: rows are the block's entries, columns every company's entries."""
    distinct, inverse = np.unique(left.ids[left.span(lo, hi)], return_inverse=True)
    sims = (left.vectors[distinct] @ right.vectors.T).toarray()
    return np.take(np.take(sims, inverse, axis=0), right.ids, axis=1)


def best_match(sims: np.ndarray, left: Entries, right: Entries, lo: int, hi: int
               ) -> np.ndarray:
    """Per pair of companies, the best similarity of one entry with one entry (a need met
    by an offer), from the entry similarities of companies lo..hi-1."""
    per_row = np.maximum.reduceat(sims, left.starts[lo:hi] - left.starts[lo], axis=0)
    return np.maximum.reduceat(per_row, right.starts[:-1], axis=1)


@dataclass
class Scored:
    """A block of rows scored against every company, with the entry similarities that
    name the matching need and offer."""

    rows: range
    score: np.ndarray
    need: np.ndarray  # the rows' seeks x every offer
    give: np.ndarray  # the rows' offers x every seek


def wished_pairs(folder: MissionFolder) -> set[Pair]:
    """Pairs that already have a wish or an organiser's match (but not a suggested one)."""
    pairs = {frozenset((c.id, w.company)) for c in folder.companies.values()
             for w in c.wants_to_meet}
    pairs |= {frozenset(m.companies) for m in folder.mission.matches if m.by != SUGGESTED}
    return pairs


@dataclass
class Ranker:
    """Every company's profile vectors and the pairs the side rules leave out."""

    ids: list[str]
    companies: list[Company]
    need: Entries  # seeks
    offer: Entries
    sectors: sparse.csr_matrix  # unit rows over sector groups
    description: sparse.csr_matrix
    delegation: np.ndarray  # side: delegation
    hosting: np.ndarray  # the sides a delegation comes to meet (academics meet anyone)
    within_delegation: bool  # any pair may meet (a fair)
    excluded: dict[int, set[int]]  # row -> columns never suggested (wished, blocked)
    blocked: dict[int, set[int]]  # row -> columns of blocked pairs (declined, excluded)
    encoder: Encoder

    def index(self, company_id: str) -> int:
        """The row of a company."""
        return self._index[company_id]

    def __post_init__(self) -> None:
        self._index = {cid: i for i, cid in enumerate(self.ids)}

    def raw(self, rows: range) -> np.ndarray:
        """Scores of these rows against every company; -inf where the side rules forbid."""
        return self.scored(rows).score

    def scored(self, rows: range) -> Scored:
        """These rows scored against every company; -inf where the side rules forbid."""
        lo, hi = rows.start, rows.stop
        need = entry_sims(self.need, self.offer, lo, hi)
        give = entry_sims(self.offer, self.need, lo, hi)
        score = NEED * best_match(need, self.need, self.offer, lo, hi)
        score += GIVE * best_match(give, self.offer, self.need, lo, hi)
        score += SECTORS * (self.sectors[lo:hi] @ self.sectors.T).toarray()
        score += DESCRIPTION * (self.description[lo:hi] @ self.description.T).toarray()
        if not self.within_delegation:  # the side rules: the delegation meets the hosts
            score[np.ix_(self.delegation[lo:hi], self.delegation)] = -np.inf
            score[np.ix_(self.hosting[lo:hi], self.hosting)] = -np.inf
        score[np.arange(hi - lo), np.arange(lo, hi)] = -np.inf
        return Scored(rows, score, need, give)

    def block(self, rows: range, raw: np.ndarray | None = None) -> np.ndarray:
        """Scores of these rows with every pair never suggested (wished, blocked) at -inf."""
        score = self.raw(rows) if raw is None else raw.copy()
        for row in rows:
            cols = self.excluded.get(row)
            if cols:
                score[row - rows.start, sorted(cols)] = -np.inf
        return score

    def top(self, scored: Scored, n: int) -> list[list[tuple[int, float]]]:
        """The n best eligible partners of each row: (column, score), best first, ties by id."""
        score = self.block(scored.rows, scored.score)
        out = []
        for line in score:
            order = np.lexsort((np.arange(len(line)), -line))[:n]
            out.append([(int(j), float(line[j])) for j in order if np.isfinite(line[j])])
        return out


def _sector_matrix(companies: list[Company]) -> sparse.csr_matrix:
    """Unit rows over the sector groups each company names."""
    keys = sorted({sector_key(s) for c in companies for s in c.profile.sectors})
    column = {k: j for j, k in enumerate(keys)}
    rows, cols = [], []
    for i, company in enumerate(companies):
        for j in sorted({column[sector_key(s)] for s in company.profile.sectors}):
            rows.append(i)
            cols.append(j)
    data = np.ones(len(rows), dtype=np.float32)
    matrix = sparse.csr_matrix((data, (rows, cols)), shape=(len(companies), max(1, len(keys))))
    return normalize(matrix).astype(np.float32)


def _by_row(pairs: Collection[Pair], position: dict[str, int]) -> dict[int, set[int]]:
    """Pairs of company ids as row -> columns, both ways (pairs with others are skipped)."""
    out: dict[int, set[int]] = {}
    for pair in pairs:
        members = [position[c] for c in pair if c in position]
        if len(members) == 2:
            a, b = members
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    return out


def build_ranker(folder: MissionFolder, blocked: Collection[Pair] = frozenset()) -> Ranker:
    """The ranker of a mission; `blocked` pairs (declined, excluded) are never suggested."""
    ids = sorted(folder.companies)
    companies = [folder.companies[i] for i in ids]
    seeks = [c.profile.seeks for c in companies]
    offers = [c.profile.offers for c in companies]
    descriptions = [expanded(c.profile.description) for c in companies]
    texts = dict.fromkeys(expanded(t) for entries in seeks + offers for t in entries)
    encoder = Encoder.fit(list(texts) + descriptions)  # each text counted once for IDF
    position = {cid: i for i, cid in enumerate(ids)}
    excluded = _by_row(wished_pairs(folder) | set(blocked), position)
    delegation = np.array([c.side == "delegation" for c in companies], dtype=bool)
    hosting = np.array([c.side in HOSTING for c in companies], dtype=bool)
    return Ranker(ids, companies, Entries.of(encoder, seeks), Entries.of(encoder, offers),
                  _sector_matrix(companies), encoder.encode(descriptions), delegation, hosting,
                  folder.mission.suggest.within_delegation or not delegation.any(), excluded,
                  _by_row(set(blocked), position), encoder)


def blocks(total: int) -> list[range]:
    """Row ranges of at most BLOCK rows covering 0..total."""
    return [range(lo, min(lo + BLOCK, total)) for lo in range(0, total, BLOCK)]

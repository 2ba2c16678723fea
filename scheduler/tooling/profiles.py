"""Offers and seeks of generated companies, consistent with the wishes the generator plants.

Each company offers two services (a capability, a modality and one of its sectors); a
company that wishes to meet another mostly seeks what that one offers, worded the way a
buyer writes it (abbreviations and synonyms: 'a CDMO to manufacture mAbs' for 'GMP contract
manufacturing of monoclonal antibodies'), and sometimes something else (noise), so that
`mission suggest --evaluate` measures something on every preset.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Protocol

# (how a provider words it, how a seeker words it); {m}: the modality, {s}: the sector.
CAPABILITIES = (
    ("GMP contract manufacturing of {m} for {s}", "a CDMO to manufacture {m} in {s}"),
    ("preclinical CRO services for {m} in {s}", "contract research on {m} for {s}"),
    ("out-licensing of {s} {m}", "in-licensing opportunities: {m} in {s}"),
    ("clinical trial sites for {s} studies of {m}", "sites for a first-in-human trial of {m}, "
     "{s}"),
    ("venture capital for {s} start-ups developing {m}", "Series A investors for {m} in {s}"),
    ("process development and scale-up of {m} ({s})", "bioprocess scale-up for {m}, {s}"),
    ("regulatory affairs support for {m} in {s}", "regulatory approval strategy for {s} {m}"),
    ("companion diagnostics for {s} {m}", "biomarker assays for {m} in {s}"),
    ("co-development of {m} for {s}", "a co-development partner for {s} {m}"),
    ("distribution of {s} {m} in Europe and Asia", "distributors for {m} in {s}"),
)
MODALITIES = (
    ("monoclonal antibodies", "mAbs"), ("antibody-drug conjugates", "ADCs"),
    ("CAR-T cell therapies", "CAR-T"), ("mRNA vaccines", "mRNA"),
    ("AAV gene therapies", "viral vectors"), ("small-molecule APIs", "small molecules"),
    ("peptide therapeutics", "peptides"), ("in-vitro diagnostics", "IVD tests"),
    ("biosimilars", "biosimilar products"), ("bispecific antibodies", "bispecifics"),
    ("NGS assays", "next-generation sequencing"), ("medical devices", "devices"),
)
FAITHFUL = 0.75  # share of a wish's seeks that name what the wished company offers
OFFERS = 2
Service = tuple[int, int, str]  # capability, modality, sector


class Profiled(Protocol):
    """What the planting reads and writes on a generated company."""

    id: str
    sectors: list[str]
    wishes: list[tuple[str, str, str]]
    offers: list[str]
    seeks: list[str]


def _service(rng: random.Random, sectors: list[str]) -> Service:
    """A random service in one of these sectors."""
    return (rng.randrange(len(CAPABILITIES)), rng.randrange(len(MODALITIES)),
            rng.choice(sectors))


def offer_text(service: Service) -> str:
    """A service as its provider words it."""
    capability, modality, sector = service
    return CAPABILITIES[capability][0].format(m=MODALITIES[modality][0], s=sector)


def seek_text(service: Service) -> str:
    """A service as a seeker words it."""
    capability, modality, sector = service
    return CAPABILITIES[capability][1].format(m=MODALITIES[modality][1], s=sector)


def plant_profiles(rng: random.Random, companies: Sequence[Profiled]) -> None:
    """Give every company offers, and seeks that mostly match the companies it wishes to meet."""
    services = {c.id: [_service(rng, c.sectors) for _ in range(OFFERS)] for c in companies}
    for company in companies:
        company.offers = list(dict.fromkeys(offer_text(s) for s in services[company.id]))
    for company in companies:
        wanted = [rng.choice(services[target]) if rng.random() < FAITHFUL
                  else _service(rng, company.sectors) for target, _, _ in company.wishes]
        wanted = wanted or [_service(rng, company.sectors)]
        company.seeks = list(dict.fromkeys(seek_text(s) for s in wanted))

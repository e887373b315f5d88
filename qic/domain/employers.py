"""Employers in a school's directory: sectors, size bands and the variety pupils have met.

The refreshed Benchmark 5 (DOMAIN.md §3b) asks that, over the programme, learners meet employers
of different sizes and sectors, including the self-employed. Size bands follow the UK's usual
employee counts (micro 0-9, small 10-49, medium 50-249, large 250+).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


class SizeBand(str, enum.Enum):  # noqa: UP042 - stored value
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"

    @property
    def label(self) -> str:
        return SIZE_LABELS[self]


SIZE_LABELS = {
    SizeBand.MICRO: "Micro (fewer than 10 people)",
    SizeBand.SMALL: "Small (10 to 49 people)",
    SizeBand.MEDIUM: "Medium (50 to 249 people)",
    SizeBand.LARGE: "Large (250 people or more)",
}


def size_band_for(employees: int) -> SizeBand:
    """The band of an employer with this many people working for it."""
    if employees < 0:
        raise ValueError("The number of people cannot be negative")
    if employees < 10:
        return SizeBand.MICRO
    if employees < 50:
        return SizeBand.SMALL
    if employees < 250:
        return SizeBand.MEDIUM
    return SizeBand.LARGE


BAND_VALUES = frozenset(band.value for band in SizeBand)


# Broad sectors as schools and Careers Hubs talk about them (close to the UK SIC sections, with
# the public services split out the way careers programmes show them).
SECTORS = {
    "agriculture": "Agriculture, forestry and fishing",
    "construction": "Construction and the built environment",
    "creative": "Creative, arts and media",
    "digital": "Digital and technology",
    "education": "Education and childcare",
    "energy": "Energy, utilities and environment",
    "engineering": "Engineering and manufacturing",
    "finance": "Finance, accounting and insurance",
    "health": "Health and social care",
    "hospitality": "Hospitality, tourism and leisure",
    "legal": "Legal services",
    "logistics": "Transport and logistics",
    "public": "Public services and government",
    "retail": "Retail and customer service",
    "science": "Science and research",
    "sport": "Sport and fitness",
    "business": "Business, administration and professional services",
    "charity": "Charity and voluntary sector",
    "other": "Other",
}


@dataclass(frozen=True)
class Variety:
    """The employers pupils met in a period: how many of each size band and sector, and how many
    were self-employed people. Bands and sectors with none are listed too, so a gap shows."""

    employers: int
    sizes: dict[str, int]
    sectors: dict[str, int]
    self_employed: int
    unknown_size: int
    unknown_sector: int

    @property
    def size_bands_met(self) -> int:
        return sum(1 for count in self.sizes.values() if count)

    @property
    def sectors_met(self) -> int:
        return sum(1 for count in self.sectors.values() if count)


def variety(met: Iterable[tuple[str, str, bool]]) -> Variety:
    """The variety of distinct employers met, each given as (size band, sector, self-employed);
    blank or unknown bands and sectors are counted as unknown."""
    sizes: Counter[str] = Counter()
    sectors: Counter[str] = Counter()
    total = self_employed = unknown_size = unknown_sector = 0
    for size, sector, is_self_employed in met:
        total += 1
        if size in BAND_VALUES:
            sizes[str(size)] += 1
        else:
            unknown_size += 1
        if sector in SECTORS:
            sectors[sector] += 1
        else:
            unknown_sector += 1
        self_employed += bool(is_self_employed)
    return Variety(
        employers=total,
        sizes={band.value: sizes[band.value] for band in SizeBand},
        sectors={key: sectors[key] for key in SECTORS},
        self_employed=self_employed,
        unknown_size=unknown_size,
        unknown_sector=unknown_sector,
    )

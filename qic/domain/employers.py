"""Employers in a school's directory: sectors, size bands and the variety pupils have met.

The refreshed Benchmark 5 (DOMAIN.md §3b) asks that, over the programme, learners meet employers
of different sizes and sectors, including the self-employed. Size bands follow the UK's usual
employee counts (micro 0-9, small 10-49, medium 50-249, large 250+).
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from qic.domain.names import fold

T = TypeVar("T")


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


# --- Reading what people type or import -------------------------------------------------------

# Words that say what kind of company a name is, not which one: "Acme Ltd" and "ACME Limited"
# are the same employer.
_LEGAL_WORDS = frozenset({"ltd", "limited", "plc", "llp", "llc", "inc", "co", "cic", "uk", "the"})
_NUMBER = re.compile(r"[0-9][0-9,]*\+?")


def name_key(name: str) -> str:
    """An employer's name as duplicates are compared: case, accents and punctuation ignored, "&"
    read as "and", and words such as Ltd, Limited, PLC and "The" left out ("The Acme Co. Ltd" and
    "acme" are the same). A name of nothing but such words keeps them, so it still compares."""
    words = fold(name.replace("&", " and ")).split()
    kept = [word for word in words if word not in _LEGAL_WORDS]
    return " ".join(kept or words)


def postcode_key(postcode: str) -> str:
    """A postcode as duplicates are compared: capitals, no spaces ("pr9 9qx" is "PR99QX")."""
    return "".join(postcode.split()).upper()


def same_employer(name_a: str, postcode_a: str, name_b: str, postcode_b: str) -> bool:
    """Two entries are the same employer when their names compare the same (`name_key`) and their
    postcodes do too, or one of the postcodes is blank (nothing then tells them apart). The same
    name at two different postcodes is two places (a chain's shops in two towns)."""
    if name_key(name_a) != name_key(name_b):
        return False
    first, second = postcode_key(postcode_a), postcode_key(postcode_b)
    return not first or not second or first == second


class DuplicateIndex(Generic[T]):
    """Entries already seen, each with a reference (a directory row, a line number), to ask
    whether a new entry is the same employer as one of them (`same_employer`)."""

    def __init__(self) -> None:
        self._by_name: dict[str, list[tuple[str, T]]] = {}

    def add(self, name: str, postcode: str, ref: T) -> None:
        self._by_name.setdefault(name_key(name), []).append((postcode_key(postcode), ref))

    def find(self, name: str, postcode: str) -> T | None:
        """The first entry that is the same employer, or None."""
        wanted = postcode_key(postcode)
        for known, ref in self._by_name.get(name_key(name), []):
            if not known or not wanted or known == wanted:
                return ref
        return None


def size_band_from_text(text: str) -> SizeBand | None:
    """A size as a file or a person writes it: a band ("micro", "Small", "medium-sized", "LARGE")
    or a number of people ("12", "1,200", "250+"). Blank is None; anything else raises ValueError
    with the reason."""
    value = text.strip().casefold()
    if not value:
        return None
    for band in SizeBand:
        if value == band.value or value.split()[0].removesuffix("-sized") == band.value:
            return band
    if _NUMBER.fullmatch(value):
        return size_band_for(int(value.rstrip("+").replace(",", "")))
    raise ValueError(f"{text.strip()!r} is not a size: write micro, small, medium or large, or the number of people")


def sector_from_text(text: str) -> str:
    """A sector's key from its key or its name, without regard to case or punctuation
    ("Digital", "digital and technology"); "" for blank. Raises ValueError for anything else."""
    value = fold(text)
    if not value:
        return ""
    for key, label in SECTORS.items():
        if value in (key, fold(label)):
            return key
    raise ValueError(f"{text.strip()!r} is not one of the sectors")


_YES = frozenset({"yes", "y", "true", "1", "x"})
_NO = frozenset({"no", "n", "false", "0", ""})


def yes_no(text: str) -> bool:
    """A yes/no cell: yes, y, true, 1 or x; no, n, false, 0 or blank. Raises ValueError otherwise."""
    value = text.strip().casefold()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(f"{text.strip()!r} is not yes or no")


def variety_words(figures: Variety, year: str) -> str:
    """The portfolio's line for the refreshed Benchmark 5: "Learners met 12 employers in 2025/26:
    3 of 4 size bands, 7 sectors, 2 self-employed"."""
    if not figures.employers:
        return f"No employers recorded as met by learners in {year}"
    plural = "s" if figures.employers != 1 else ""
    sectors = figures.sectors_met
    return (
        f"Learners met {figures.employers} employer{plural} in {year}: {figures.size_bands_met} of "
        f"{len(SizeBand)} size bands, {sectors} sector{'s' if sectors != 1 else ''}, "
        f"{figures.self_employed} self-employed"
    )

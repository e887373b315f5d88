"""The kinds of learning provider QiC deals with, and how to tell them from GIAS data.

The Quality in Careers Standard covers secondary and special schools (including pupil
referral units), sixth-form and FE colleges, independent schools and, since the refreshed
Gatsby Benchmarks (September 2025), independent training providers; primary schools work
towards a primary careers award instead. Which kind a provider is decides, for example,
whether the school or the college wording of the Gatsby Benchmarks applies, so the type is
worked out once here, from the three GIAS columns that describe an establishment, rather
than in every place that needs it.

This module is pure Python on purpose: no Django, so the rules can be tested and reused
(importers, reports, the admin) without a settings module.
"""

from __future__ import annotations

import enum
import re


# A str mixin rather than enum.StrEnum, deliberately: str(member) stays
# "ProviderType.SECONDARY", so a template or message that forgets `.label` (or `.value`)
# shows up in review instead of quietly printing the stored code.
class ProviderType(str, enum.Enum):  # noqa: UP042
    """A learning provider's kind, as QiC (not GIAS) sees it.

    The values are stable identifiers, safe to store; `label` is for people.
    """

    SECONDARY = "secondary"
    SPECIAL = "special"
    ALTERNATIVE_PROVISION = "alternative_provision"
    SIXTH_FORM_COLLEGE = "sixth_form_college"
    FE_COLLEGE = "fe_college"
    INDEPENDENT = "independent"
    # Never worked out from GIAS, which does not list independent training providers: they
    # are added by hand, by the Consortium or an Awarding Body, identified by their UKPRN.
    INDEPENDENT_TRAINING_PROVIDER = "independent_training_provider"
    PRIMARY = "primary"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: dict[ProviderType, str] = {
    ProviderType.SECONDARY: "Secondary school",
    ProviderType.SPECIAL: "Special school",
    ProviderType.ALTERNATIVE_PROVISION: "Alternative provision / PRU",
    ProviderType.SIXTH_FORM_COLLEGE: "Sixth-form college",
    ProviderType.FE_COLLEGE: "FE college",
    ProviderType.INDEPENDENT: "Independent school",
    ProviderType.INDEPENDENT_TRAINING_PROVIDER: "Independent training provider",
    ProviderType.PRIMARY: "Primary school",
    ProviderType.OTHER: "Other",
}


# The refreshed benchmarks (DOMAIN.md §3b) word BM5-BM8 once for "colleges and independent
# training providers": both teach 16-18 study programmes, so an ITP is measured with the
# college variants, never the school ones.
COLLEGE_TYPES: frozenset[ProviderType] = frozenset(
    {
        ProviderType.SIXTH_FORM_COLLEGE,
        ProviderType.FE_COLLEGE,
        ProviderType.INDEPENDENT_TRAINING_PROVIDER,
    }
)


def uses_college_benchmarks(provider_type: ProviderType | str) -> bool:
    """True if the provider is measured with the college wording of the benchmarks.

    Takes the enum or its stored value (a Provider row holds the string).
    """
    return _as_type(provider_type) in COLLEGE_TYPES


def works_towards_the_standard(provider_type: ProviderType | str) -> bool:
    """True if the provider may seek the (secondary) Quality in Careers Standard.

    Primary schools are not in the Standard (DOMAIN.md §1): they work towards a primary
    careers award instead, so they neither ask for the certificate of commitment nor are
    measured against the secondary benchmarks. Every other kind, OTHER included, may: an
    unknown kind is a person's to correct, not a reason to refuse.
    """
    return _as_type(provider_type) is not ProviderType.PRIMARY


# What a primary school is told where the secondary Standard does not apply to it.
NO_SECONDARY_BENCHMARKS_FOR_PRIMARY = (
    "The secondary Gatsby Benchmarks do not apply to primary schools. "
    "A primary school works towards its Awarding Body's primary careers award instead."
)
NO_COMMITMENT_FOR_PRIMARY = (
    "Primary schools cannot request commitment to the Quality in Careers Standard: the Standard is for "
    "secondary schools, colleges and training providers. A primary school works towards its Awarding "
    "Body's primary careers award instead."
)


def _as_type(provider_type: ProviderType | str) -> ProviderType:
    # ValueError for a string that is no ProviderType: a typo should not pass as "not a college".
    return provider_type if isinstance(provider_type, ProviderType) else ProviderType(provider_type)


def _key(text: str) -> str:
    """Normalise a GIAS name for lookup.

    GIAS spells its names consistently, but files pass through spreadsheets and people:
    compare without case, surrounding or doubled spaces, or curly apostrophes (cp1252 0x92,
    which Excel likes to substitute in "Service children's education").
    """
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip().casefold()


# Step 1: TypeOfEstablishment (name). Every type in the GIAS establishment-type list
# (download of 22 April 2025) that is not plain mainstream is listed here. The plain
# mainstream types (Community school, Voluntary aided/controlled school, Foundation school,
# Academy converter, Academy sponsor led, Free schools) are deliberately absent: their kind
# depends on the phase, which steps 2-3 deal with.
_BY_TYPE: dict[str, ProviderType] = {
    _key(name): provider_type
    for provider_type, names in {
        ProviderType.ALTERNATIVE_PROVISION: (
            "Pupil referral unit",
            "Academy alternative provision converter",
            "Academy alternative provision sponsor led",
            "Free schools alternative provision",
        ),
        ProviderType.SPECIAL: (
            "Community special school",
            "Foundation special school",
            "Non-maintained special school",
            # In the "Special schools" group, not "Independent schools": for careers work
            # the SEND setting matters more than who owns the school.
            "Other independent special school",
            "Academy special converter",
            "Academy special sponsor led",
            "Free schools special",
            # Specialist post-16 institutions are independent colleges for learners with
            # SEND (EHC plans, to 25): closer to a special school than to an FE college.
            "Special post 16 institution",
        ),
        ProviderType.SIXTH_FORM_COLLEGE: (
            "Sixth form centres",
            # Stand-alone 16-19 academies and free schools: many are former sixth-form
            # colleges that converted, and all teach only 16-19, so the college wording of
            # the benchmarks fits them better than the school wording.
            "Academy 16-19 converter",
            "Academy 16 to 19 sponsor led",
            "Free schools 16 to 19",
        ),
        # GIAS records sixth-form colleges as "Further education" too; the
        # FurtherEducationType column tells them apart (see provider_type_for).
        ProviderType.FE_COLLEGE: ("Further education",),
        ProviderType.INDEPENDENT: ("Other independent school",),
        ProviderType.SECONDARY: (
            # State-funded 11-18 schools, though GIAS files the last CTCs under
            # "Independent schools".
            "City technology college",
            # 14-19 schools in the Free Schools group; their phase is normally Secondary
            # already, but the type says it even when the phase is "Not applicable".
            "University technical college",
            "Studio schools",
        ),
        ProviderType.PRIMARY: ("Local authority nursery school",),
        ProviderType.OTHER: (
            "Higher education institutions",
            "Welsh establishment",
            "Secure units",
            "Academy secure 16 to 19",
            "Offshore schools",
            "Service children's education",
            "British schools overseas",
            "Miscellaneous",
            "Institution funded by other government department",
            "Online provider",
            # Closed types that still appear in extracts with closed establishments.
            "Children's centre",
            "Children's centre linked site",
        ),
    }.items()
    for name in names
}

# Step 2: EstablishmentTypeGroup (name). Reached only for the mainstream types above and for
# type names this module does not know yet (GIAS adds types now and then: 56 and 57 are
# recent). A group that says what the provider is decides; the mainstream groups (None)
# leave it to the phase.
_BY_GROUP: dict[str, ProviderType | None] = {
    _key("Colleges"): ProviderType.FE_COLLEGE,
    _key("Independent schools"): ProviderType.INDEPENDENT,
    _key("Special schools"): ProviderType.SPECIAL,
    _key("Universities"): ProviderType.OTHER,
    _key("Welsh schools"): ProviderType.OTHER,
    _key("Other types"): ProviderType.OTHER,
    _key("Online provider"): ProviderType.OTHER,
    _key("Children's centres"): ProviderType.OTHER,
    _key("Local authority maintained schools"): None,
    _key("Academies"): None,
    _key("Free Schools"): None,
}

# Step 3: PhaseOfEducation (name), for mainstream schools only. "16 plus" is here because a
# mainstream school whose phase is 16 plus is still a school (it uses the school wording of
# the benchmarks); stand-alone 16-19 institutions were caught by type in step 1.
_BY_PHASE: dict[str, ProviderType] = {
    _key("Nursery"): ProviderType.PRIMARY,
    _key("Primary"): ProviderType.PRIMARY,
    _key("Middle deemed primary"): ProviderType.PRIMARY,
    _key("Secondary"): ProviderType.SECONDARY,
    _key("Middle deemed secondary"): ProviderType.SECONDARY,
    _key("All-through"): ProviderType.SECONDARY,
    _key("16 plus"): ProviderType.SECONDARY,
}


def provider_type_for(
    *,
    type_name: str,
    type_group: str,
    phase: str,
    further_education_type: str = "",
) -> ProviderType:
    """Map a GIAS establishment to a ProviderType.

    Arguments are the GIAS columns `TypeOfEstablishment (name)`,
    `EstablishmentTypeGroup (name)` and `PhaseOfEducation (name)`, plus, optionally,
    `FurtherEducationType (name)`, the only column that tells a sixth-form college from
    another FE college (GIAS gives both the type "Further education").

    Precedence: type first, then group, then phase.

    1. The establishment type is the most specific thing GIAS says, and the group can
       mislead: pupil referral units sit in "Local authority maintained schools", special
       and alternative-provision academies in "Academies", independent special schools in
       "Special schools". So a known type decides on its own. Unknown type names that say
       "alternative provision", "pupil referral" or "special" are trusted too, so that a
       type GIAS adds later is not mistaken for a mainstream school.
    2. The group decides for types this module does not know, when the group itself says
       what the provider is (Colleges, Special schools, Independent schools, the
       non-English and non-school groups).
    3. The phase only says how old the pupils are, not what kind of provider it is: a PRU,
       a special school or an FE college can have any phase. So it is used last, and only
       for the mainstream groups (maintained schools, academies, free schools), where it
       tells a primary from a secondary school.

    Anything still undecided (no group, or a mainstream school with phase "Not
    applicable") is OTHER: better to show "Other" and let a person correct it than to
    guess a kind that changes which benchmark wording applies.
    """
    by_type = _by_type_name(_key(type_name), _key(further_education_type))
    if by_type is not None:
        return by_type

    group_key = _key(type_group)
    if group_key not in _BY_GROUP:
        return ProviderType.OTHER
    by_group = _BY_GROUP[group_key]
    if by_group is not None:
        return by_group

    return _BY_PHASE.get(_key(phase), ProviderType.OTHER)


def _by_type_name(type_key: str, further_education_type_key: str) -> ProviderType | None:
    """Step 1 of provider_type_for: what the type name alone says, or None."""
    by_type = _BY_TYPE.get(type_key)
    if by_type is ProviderType.FE_COLLEGE and further_education_type_key.startswith("sixth form college"):
        # "Sixth Form College (General)", "(Voluntary Aided)", "(Voluntary Controlled)".
        return ProviderType.SIXTH_FORM_COLLEGE
    if by_type is not None:
        return by_type
    if "alternative provision" in type_key or "pupil referral" in type_key:
        return ProviderType.ALTERNATIVE_PROVISION
    if "special" in type_key:
        return ProviderType.SPECIAL
    return None

"""provider_type_for: every GIAS establishment type, then the group and phase fallbacks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.domain.provider_types import (
    ProviderType,
    provider_type_for,
    uses_college_benchmarks,
    works_towards_the_standard,
)

P = ProviderType

# Every (group, type) pair in the GIAS establishment-type list downloaded on 22 April 2025,
# with a phase typical for that type and the kind we expect. The mainstream types appear
# once per phase that matters, because for them the phase decides.
GIAS_TYPES: list[tuple[str, str, str, ProviderType]] = [
    ("Colleges", "Further education", "16 plus", P.FE_COLLEGE),
    ("Colleges", "Sixth form centres", "16 plus", P.SIXTH_FORM_COLLEGE),
    ("Universities", "Higher education institutions", "Not applicable", P.OTHER),
    ("Independent schools", "City technology college", "Secondary", P.SECONDARY),
    ("Independent schools", "Other independent school", "All-through", P.INDEPENDENT),
    ("Independent schools", "Other independent school", "Primary", P.INDEPENDENT),
    ("Local authority maintained schools", "Community school", "Primary", P.PRIMARY),
    ("Local authority maintained schools", "Community school", "Secondary", P.SECONDARY),
    ("Local authority maintained schools", "Voluntary aided school", "Primary", P.PRIMARY),
    (
        "Local authority maintained schools",
        "Voluntary controlled school",
        "Middle deemed primary",
        P.PRIMARY,
    ),
    (
        "Local authority maintained schools",
        "Foundation school",
        "Middle deemed secondary",
        P.SECONDARY,
    ),
    (
        "Local authority maintained schools",
        "Pupil referral unit",
        "Not applicable",
        P.ALTERNATIVE_PROVISION,
    ),
    # The phase of a PRU does not make it a secondary school.
    (
        "Local authority maintained schools",
        "Pupil referral unit",
        "Secondary",
        P.ALTERNATIVE_PROVISION,
    ),
    ("Local authority maintained schools", "Local authority nursery school", "Nursery", P.PRIMARY),
    ("Special schools", "Community special school", "Not applicable", P.SPECIAL),
    ("Special schools", "Non-maintained special school", "Not applicable", P.SPECIAL),
    ("Special schools", "Other independent special school", "Not applicable", P.SPECIAL),
    ("Special schools", "Foundation special school", "Secondary", P.SPECIAL),
    ("Welsh schools", "Welsh establishment", "Not applicable", P.OTHER),
    ("Other types", "Secure units", "Not applicable", P.OTHER),
    ("Other types", "Offshore schools", "Not applicable", P.OTHER),
    ("Other types", "Service children's education", "Not applicable", P.OTHER),
    ("Other types", "Miscellaneous", "Not applicable", P.OTHER),
    ("Other types", "Special post 16 institution", "16 plus", P.SPECIAL),
    ("Other types", "British schools overseas", "Not applicable", P.OTHER),
    (
        "Other types",
        "Institution funded by other government department",
        "16 plus",
        P.OTHER,
    ),
    ("Academies", "Academy sponsor led", "Secondary", P.SECONDARY),
    ("Academies", "Academy sponsor led", "Primary", P.PRIMARY),
    ("Academies", "Academy special sponsor led", "Not applicable", P.SPECIAL),
    ("Academies", "Academy converter", "All-through", P.SECONDARY),
    ("Academies", "Academy converter", "16 plus", P.SECONDARY),
    ("Academies", "Academy converter", "Nursery", P.PRIMARY),
    (
        "Academies",
        "Academy alternative provision converter",
        "Not applicable",
        P.ALTERNATIVE_PROVISION,
    ),
    (
        "Academies",
        "Academy alternative provision sponsor led",
        "Secondary",
        P.ALTERNATIVE_PROVISION,
    ),
    ("Academies", "Academy special converter", "Not applicable", P.SPECIAL),
    ("Academies", "Academy 16-19 converter", "16 plus", P.SIXTH_FORM_COLLEGE),
    ("Academies", "Academy 16 to 19 sponsor led", "16 plus", P.SIXTH_FORM_COLLEGE),
    ("Academies", "Academy secure 16 to 19", "16 plus", P.OTHER),
    ("Free Schools", "Free schools", "Primary", P.PRIMARY),
    ("Free Schools", "Free schools", "Secondary", P.SECONDARY),
    ("Free Schools", "Free schools special", "Not applicable", P.SPECIAL),
    (
        "Free Schools",
        "Free schools alternative provision",
        "Not applicable",
        P.ALTERNATIVE_PROVISION,
    ),
    ("Free Schools", "Free schools 16 to 19", "16 plus", P.SIXTH_FORM_COLLEGE),
    ("Free Schools", "University technical college", "Secondary", P.SECONDARY),
    ("Free Schools", "University technical college", "Not applicable", P.SECONDARY),
    ("Free Schools", "Studio schools", "Secondary", P.SECONDARY),
    ("Online provider", "Online provider", "Not applicable", P.OTHER),
]


@pytest.mark.parametrize(("group", "type_name", "phase", "expected"), GIAS_TYPES)
def test_every_gias_type(group: str, type_name: str, phase: str, expected: ProviderType) -> None:
    assert provider_type_for(type_name=type_name, type_group=group, phase=phase) == expected


@pytest.mark.parametrize(
    ("further_education_type", "expected"),
    [
        ("Sixth Form College (General)", P.SIXTH_FORM_COLLEGE),
        ("Sixth Form College (Voluntary Aided)", P.SIXTH_FORM_COLLEGE),
        ("Sixth Form College (Voluntary Controlled)", P.SIXTH_FORM_COLLEGE),
        ("General Further Education College", P.FE_COLLEGE),
        ("Tertiary College", P.FE_COLLEGE),
        ("Land-Based College", P.FE_COLLEGE),
        ("Art, Design and Performing Arts College", P.FE_COLLEGE),
        ("Specialist Designated College", P.FE_COLLEGE),
        ("", P.FE_COLLEGE),
    ],
)
def test_further_education_type_tells_sixth_form_colleges_apart(
    further_education_type: str, expected: ProviderType
) -> None:
    assert (
        provider_type_for(
            type_name="Further education",
            type_group="Colleges",
            phase="16 plus",
            further_education_type=further_education_type,
        )
        == expected
    )


def test_further_education_type_only_matters_for_further_education() -> None:
    assert (
        provider_type_for(
            type_name="Academy converter",
            type_group="Academies",
            phase="Secondary",
            further_education_type="Sixth Form College (General)",
        )
        == P.SECONDARY
    )


@pytest.mark.parametrize(
    ("type_name", "group", "phase", "expected"),
    [
        # Type names GIAS might add later: the group decides when it can...
        ("Some future college", "Colleges", "16 plus", P.FE_COLLEGE),
        ("Some future independent", "Independent schools", "Secondary", P.INDEPENDENT),
        ("Some future type", "Special schools", "Secondary", P.SPECIAL),
        ("Some future type", "Universities", "Not applicable", P.OTHER),
        ("Some future type", "Other types", "Secondary", P.OTHER),
        ("Children's centre", "Children's centres", "Not applicable", P.OTHER),
        # ...otherwise a mainstream group hands over to the phase...
        ("Some future academy", "Academies", "Primary", P.PRIMARY),
        ("Some future academy", "Academies", "Secondary", P.SECONDARY),
        ("Some future free school", "Free Schools", "Middle deemed primary", P.PRIMARY),
        ("Some future maintained", "Local authority maintained schools", "16 plus", P.SECONDARY),
        # ...unless the new type name itself says what it is.
        ("Free schools AP sponsor led", "Free Schools", "Primary", P.PRIMARY),
        ("New alternative provision type", "Free Schools", "Secondary", P.ALTERNATIVE_PROVISION),
        ("Academy special free school", "Academies", "Secondary", P.SPECIAL),
    ],
)
def test_unknown_types_fall_back_to_group_then_phase(
    type_name: str, group: str, phase: str, expected: ProviderType
) -> None:
    assert provider_type_for(type_name=type_name, type_group=group, phase=phase) == expected


@pytest.mark.parametrize(
    ("type_name", "group", "phase"),
    [
        # A mainstream school whose phase says nothing about age.
        ("Community school", "Local authority maintained schools", "Not applicable"),
        ("Academy converter", "Academies", ""),
        # Nothing to go on at all.
        ("", "", ""),
        ("Something else", "Some other group", "Secondary"),
    ],
)
def test_undecidable_is_other(type_name: str, group: str, phase: str) -> None:
    assert provider_type_for(type_name=type_name, type_group=group, phase=phase) == P.OTHER


@pytest.mark.parametrize(
    ("type_name", "group", "phase", "expected"),
    [
        ("  pupil REFERRAL unit ", "", "", P.ALTERNATIVE_PROVISION),
        ("Service children\u2019s education", "Other types", "", P.OTHER),
        ("community  school", "local authority maintained schools", " primary ", P.PRIMARY),
    ],
)
def test_names_are_compared_loosely(type_name: str, group: str, phase: str, expected: ProviderType) -> None:
    assert provider_type_for(type_name=type_name, type_group=group, phase=phase) == expected


@pytest.mark.parametrize(
    ("provider_type", "value", "label"),
    [
        (P.SECONDARY, "secondary", "Secondary school"),
        (P.SPECIAL, "special", "Special school"),
        (P.ALTERNATIVE_PROVISION, "alternative_provision", "Alternative provision / PRU"),
        (P.SIXTH_FORM_COLLEGE, "sixth_form_college", "Sixth-form college"),
        (P.FE_COLLEGE, "fe_college", "FE college"),
        (P.INDEPENDENT, "independent", "Independent school"),
        (P.INDEPENDENT_TRAINING_PROVIDER, "independent_training_provider", "Independent training provider"),
        (P.PRIMARY, "primary", "Primary school"),
        (P.OTHER, "other", "Other"),
    ],
)
def test_values_and_labels(provider_type: ProviderType, value: str, label: str) -> None:
    assert (provider_type.value, provider_type.label) == (value, label)
    assert ProviderType(value) == provider_type
    # A str enum, so stored values compare equal to plain strings.
    assert provider_type == value


def test_every_member_has_a_label() -> None:
    assert len({t.label for t in ProviderType}) == len(ProviderType) == 9


# --- Independent training providers and primary schools (issue 10, items 6 and 7) -------------

GIAS_NAMES = (
    [row[0] for row in GIAS_TYPES]
    + [row[1] for row in GIAS_TYPES]
    + [row[2] for row in GIAS_TYPES]
    + ["Independent training provider", "independent_training_provider", "Training provider", ""]
)


@pytest.mark.parametrize(("group", "type_name", "phase", "expected"), GIAS_TYPES)
def test_gias_never_says_independent_training_provider(
    group: str, type_name: str, phase: str, expected: ProviderType
) -> None:
    assert provider_type_for(type_name=type_name, type_group=group, phase=phase) != P.INDEPENDENT_TRAINING_PROVIDER


@given(
    type_name=st.one_of(st.sampled_from(GIAS_NAMES), st.text(max_size=40)),
    group=st.one_of(st.sampled_from(GIAS_NAMES), st.text(max_size=40)),
    phase=st.one_of(st.sampled_from(GIAS_NAMES), st.text(max_size=40)),
    further=st.one_of(st.just(""), st.sampled_from(GIAS_NAMES), st.text(max_size=40)),
)
def test_no_gias_row_whatever_it_says_is_an_independent_training_provider(
    type_name: str, group: str, phase: str, further: str
) -> None:
    """GIAS does not list ITPs, so a GIAS row that names one is still something else."""
    found = provider_type_for(type_name=type_name, type_group=group, phase=phase, further_education_type=further)
    assert found is not P.INDEPENDENT_TRAINING_PROVIDER


@pytest.mark.parametrize(
    ("provider_type", "college"),
    [
        (P.SECONDARY, False),
        (P.SPECIAL, False),
        (P.ALTERNATIVE_PROVISION, False),
        (P.SIXTH_FORM_COLLEGE, True),
        (P.FE_COLLEGE, True),
        # The refreshed benchmarks word BM5-BM8 once for colleges and ITPs (DOMAIN.md §3b).
        (P.INDEPENDENT_TRAINING_PROVIDER, True),
        (P.INDEPENDENT, False),
        (P.PRIMARY, False),
        (P.OTHER, False),
    ],
)
def test_which_kinds_use_the_college_benchmarks(provider_type: ProviderType, college: bool) -> None:
    assert uses_college_benchmarks(provider_type) is college
    # A Provider row stores the value: the stored string answers the same.
    assert uses_college_benchmarks(provider_type.value) is college


@pytest.mark.parametrize(
    ("provider_type", "may_seek"),
    [
        (P.PRIMARY, False),
        (P.SECONDARY, True),
        (P.SPECIAL, True),
        (P.ALTERNATIVE_PROVISION, True),
        (P.SIXTH_FORM_COLLEGE, True),
        (P.FE_COLLEGE, True),
        (P.INDEPENDENT, True),
        (P.INDEPENDENT_TRAINING_PROVIDER, True),
        (P.OTHER, True),
    ],
)
def test_only_primary_schools_are_outside_the_standard(provider_type: ProviderType, may_seek: bool) -> None:
    assert works_towards_the_standard(provider_type) is may_seek
    assert works_towards_the_standard(provider_type.value) is may_seek


@pytest.mark.parametrize("rule", [uses_college_benchmarks, works_towards_the_standard])
def test_an_unknown_stored_kind_is_an_error_not_a_guess(rule: object) -> None:
    with pytest.raises(ValueError, match="is not a valid ProviderType"):
        rule("college")  # type: ignore[operator]

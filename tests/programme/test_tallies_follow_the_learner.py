"""A college learner's curriculum area, changed in the learners app, moves their stored tallies.

College Benchmark 5 counts encounters in the learner's own curriculum area (DOMAIN.md), and the
figures read stored tallies. The learners app may not import the programme (the layer contract),
so it says the area changed (`qic.learners.signals`) and the programme refreshes the tallies in
the same transaction: after an edit and after an import the figures follow the new area.
"""

from __future__ import annotations

import pytest

from qic.core.actors import SystemActor
from qic.domain import benchmarks as bm
from qic.domain.provider_types import ProviderType
from qic.domain.upn import upn_check_letter
from qic.learners import actions as learner_actions
from qic.learners.models import Learner, LearnerImport
from qic.organisations.models import Provider
from qic.programme import actions, queries
from qic.programme.models import LearnerTally
from tests.factories import ProviderFactory, leader_of, make_activity, make_learner

BODY = "888900700001"
UPN = upn_check_letter(BODY) + BODY


@pytest.fixture
def college(db: None) -> Provider:
    return ProviderFactory(name="Area College", provider_type=ProviderType.FE_COLLEGE.value)


@pytest.fixture
def engineer(college: Provider) -> Learner:
    """A learner in Engineering who went to one Engineering employer encounter."""
    learner = make_learner(
        college, upn=UPN, forename="Eve", surname="Engineer", curriculum_area="Engineering", study_programme="Eng L3"
    )
    talk = make_activity(college, title="Engineering employer", curriculum_area="Engineering")
    actions.record_participation(activity=talk, attended=[learner.pk], absent=[], actor=SystemActor("tests"))
    return learner


def in_area(college: Provider, learner: Learner) -> tuple[bm.Tally, int]:
    """The figures' tally and the stored row's in-area count."""
    evidence = queries.evidence_up_to(college, 2025)[learner.pk][(bm.Category.EMPLOYER, 2025)]
    return evidence, LearnerTally.objects.get(learner=learner, category=bm.Category.EMPLOYER.value).in_curriculum_area


def test_an_edit_of_the_curriculum_area_moves_the_in_area_count(college: Provider, engineer: Learner) -> None:
    assert in_area(college, engineer) == (bm.Tally(1, 1), 1)

    learner_actions.update_learner(learner=engineer, changes={"curriculum_area": "Digital"}, actor=leader_of(college))
    assert in_area(college, engineer) == (bm.Tally(1, 0), 0)

    learner_actions.update_learner(
        learner=engineer, changes={"curriculum_area": "Engineering"}, actor=SystemActor("tests")
    )
    assert in_area(college, engineer) == (bm.Tally(1, 1), 1)


def test_an_import_that_changes_the_curriculum_area_moves_the_in_area_count(
    college: Provider, engineer: Learner
) -> None:
    csv = (
        "UPN,Forename,Surname,Date of birth,Sex,Study programme,Curriculum area\r\n"
        f"{UPN},Eve,Engineer,15/01/2011,F,Eng L3,Digital\r\n"
    ).encode()
    job = learner_actions.start_learner_import(
        provider=college,
        kind="csv",
        file_name="roll.csv",
        data=csv,
        full_import=False,
        actor=SystemActor("tests"),
        wait=True,
    )
    assert job.status == LearnerImport.Status.READY, job.errors
    assert learner_actions.confirm_learner_import(
        job=job, digest=job.plan_digest, actor=SystemActor("tests"), wait=True
    )
    job.refresh_from_db()
    assert job.updated_count == 1
    assert in_area(college, engineer) == (bm.Tally(1, 0), 0)

"""The migration to meaning per activity type: old answers carried over, evidence re-judged, tallies rebuilt."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from qic.programme.models import Activity, ActivityCategory, LearnerTally
from tests.conftest import Cast
from tests.factories import make_learner

BEFORE = [("programme", "0003_api_token_scope_and_expiry")]


def test_existing_activities_are_judged_on_the_new_elements_and_tallies_follow(
    transactional_db: None, cast: Cast
) -> None:
    from django.db.migrations.executor import MigrationExecutor

    learner = make_learner(cast.p1)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        OldActivity = old.get_model("programme", "Activity")
        old_category = old.get_model("programme", "ActivityCategory")
        old_participation = old.get_model("programme", "Participation")
        old_tally = old.get_model("programme", "LearnerTally")
        common = {"provider_id": cast.p1.pk, "date": dt.date(2025, 11, 5), "academic_year": 2025}
        # "employer_feedback" then meant "an employer-set task and employer feedback".
        placement = OldActivity.objects.create(
            title="Placement",
            activity_type="workplace_experience",
            subtype="work_experience",
            shared_purpose=True,
            two_way=True,
            reflection=True,
            employer_feedback=True,
            categories=["workplace"],
            **common,
        )
        lesson = OldActivity.objects.create(
            title="LMI", activity_type="careers_information", subtype="lmi_lesson", categories=["clmi"], **common
        )
        for activity, category in ((placement, "workplace"), (lesson, "clmi")):
            old_category.objects.create(activity=activity, category=category)
            old_participation.objects.create(activity=activity, learner_id=learner.pk, attended=True)
            old_tally.objects.create(
                provider_id=cast.p1.pk, learner_id=learner.pk, category=category, academic_year=2025, count=1
            )
        old_tally.objects.create(
            provider_id=cast.p1.pk, learner_id=learner.pk, category="interview", academic_year=2025, count=2
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())  # every app back to its latest

    placement_now = Activity.objects.get(pk=placement.pk)
    assert (placement_now.employer_task, placement_now.employer_feedback) == (True, True)
    # Preparation, extensive interaction and a range of people were never recorded: it stops counting.
    assert placement_now.categories == []
    assert [e.field for e in placement_now.meaningful_elements.missing(placement_now.type_enum)] == [
        "preparation",
        "extensive_interaction",
        "range_of_people",
    ]
    assert not ActivityCategory.objects.filter(activity_id=placement.pk).exists()
    assert Activity.objects.get(pk=lesson.pk).categories == ["clmi"]  # needs no meaning: unchanged
    assert sorted(LearnerTally.objects.filter(learner=learner).values_list("category", "academic_year", "count")) == [
        ("clmi", 2025, 1),
        ("interview", 2025, 2),
    ]

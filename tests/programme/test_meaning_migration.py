"""The migration to meaning per activity type: old answers carried over, evidence re-judged by the
definition of each activity's academic year, tallies rebuilt.

DOMAIN.md §3/§3b: up to 2024/25 the 2018 definition (shared purpose, two-way interaction,
reflection; for workplace experiences also an employer's task and feedback); from 2025/26 the
refreshed one, which adds preparation (and for workplace experiences extensive interaction and a
range of people)."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from qic.programme.models import Activity, ActivityCategory, LearnerTally
from tests.conftest import Cast
from tests.factories import make_learner

BEFORE = [("programme", "0003_api_token_scope_and_expiry")]


def test_existing_activities_are_judged_by_their_years_definition_and_tallies_follow(
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
        last_year = {"provider_id": cast.p1.pk, "date": dt.date(2025, 8, 31), "academic_year": 2024}
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
        # The same elements on the last day of 2024/25, and an employer talk of that year.
        old_placement = OldActivity.objects.create(
            title="Placement in the summer",
            activity_type="workplace_experience",
            subtype="work_experience",
            shared_purpose=True,
            two_way=True,
            reflection=True,
            employer_feedback=True,
            categories=["workplace"],
            **last_year,
        )
        old_talk = OldActivity.objects.create(
            title="Employer talk",
            activity_type="employer_encounter",
            subtype="talk",
            shared_purpose=True,
            two_way=True,
            reflection=True,
            categories=["employer"],
            **last_year,
        )
        # ...and one of 2025/26 with the same three elements: it lacks preparation.
        talk = OldActivity.objects.create(
            title="Employer talk",
            activity_type="employer_encounter",
            subtype="talk",
            shared_purpose=True,
            two_way=True,
            reflection=True,
            categories=["employer"],
            **common,
        )
        lesson = OldActivity.objects.create(
            title="LMI", activity_type="careers_information", subtype="lmi_lesson", categories=["clmi"], **common
        )
        for activity, category in (
            (placement, "workplace"),
            (talk, "employer"),
            (lesson, "clmi"),
            (old_placement, "workplace"),
            (old_talk, "employer"),
        ):
            old_category.objects.create(activity=activity, category=category)
            old_participation.objects.create(activity=activity, learner_id=learner.pk, attended=True)
            old_tally.objects.create(
                provider_id=cast.p1.pk,
                learner_id=learner.pk,
                category=category,
                academic_year=activity.academic_year,
                count=1,
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
    # 2025/26: preparation, extensive interaction and a range of people were never recorded, so it stops counting.
    assert placement_now.categories == []
    assert [e.field for e in placement_now.missing_meaning] == [
        "preparation",
        "extensive_interaction",
        "range_of_people",
    ]
    assert not ActivityCategory.objects.filter(activity_id=placement.pk).exists()
    talk_now = Activity.objects.get(pk=talk.pk)
    assert talk_now.categories == []
    assert [e.field for e in talk_now.missing_meaning] == ["preparation"]
    assert not ActivityCategory.objects.filter(activity_id=talk.pk).exists()
    # 2024/25 is measured on the 2018 definition: the same elements keep counting.
    for kept, category in ((old_placement, "workplace"), (old_talk, "employer")):
        now = Activity.objects.get(pk=kept.pk)
        assert now.categories == [category]
        assert now.missing_meaning == ()
        assert now.why_not_counting == ""
        assert list(ActivityCategory.objects.filter(activity_id=kept.pk).values_list("category", flat=True)) == [
            category
        ]
    assert Activity.objects.get(pk=old_placement.pk).employer_task  # the task, carried over from the old tick
    assert Activity.objects.get(pk=lesson.pk).categories == ["clmi"]  # needs no meaning: unchanged
    assert sorted(LearnerTally.objects.filter(learner=learner).values_list("category", "academic_year", "count")) == [
        ("clmi", 2025, 1),
        ("employer", 2024, 1),
        ("interview", 2025, 2),
        ("workplace", 2024, 1),
    ]

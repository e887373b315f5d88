"""Synthetic careers records: a school or college with several years of learners and activities.

Used by the demo dataset (a realistic secondary school and an FE college) and by `make bench`
(1,500 learners, five years, ~150,000 participations). Everything is random but seeded, so the
same call gives the same data. Names are invented from short lists and clearly fictional.
Writes with bulk inserts: this is generated data, not changes made through the app.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from qic.domain.academic import academic_year_of, year_end
from qic.domain.activities import ALL_ELEMENTS, ActivityType, MeaningfulElements, categories_for, elements_for
from qic.domain.names import search_key
from qic.domain.upn import upn_check_letter
from qic.learners.models import Learner
from qic.organisations.models import Provider
from qic.programme import tallies
from qic.programme.models import (
    Activity,
    ActivityCategory,
    Adviser,
    AdviserCpd,
    Interview,
    Participation,
    ProgrammeAnswer,
)

FORENAMES = [
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Finn",
    "Grace",
    "Hamza",
    "Isla",
    "Jack",
    "Kai",
    "Lily",
    "Mason",
    "Nia",
    "Oscar",
    "Priya",
    "Quinn",
    "Ruby",
    "Sami",
    "Tia",
    "Umar",
    "Vera",
    "Will",
    "Yusuf",
    "Zara",
    "Aled",
    "Bethan",
    "Callum",
    "Dara",
    "Eilidh",
]
SURNAMES = [
    "Ahmed",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morris",
    "Nowak",
    "Okafor",
    "Patel",
    "Quirke",
    "Roberts",
    "Singh",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walker",
    "Young",
    "Zielinski",
]
CURRICULUM_AREAS = ["Engineering", "Health and Social Care", "Digital", "Construction", "Creative Arts", "Business"]


@dataclass(frozen=True)
class PlannedActivity:
    title: str
    activity_type: ActivityType
    subtype: str
    year_groups: tuple[int, ...]
    month: int  # calendar month it happens in
    rate: float  # share of the year groups who take part
    meaningful: bool = True
    subject: str = ""
    partner: str = ""


SCHOOL_PLAN = [
    PlannedActivity(
        "Careers lesson: jobs in our region", ActivityType.CAREERS_INFORMATION, "lmi_lesson", (8,), 1, 0.96
    ),
    PlannedActivity(
        "Careers platform: explore pathways", ActivityType.CAREERS_INFORMATION, "careers_platform", (9, 10), 10, 0.9
    ),
    PlannedActivity(
        "Science: careers in STEM week",
        ActivityType.CURRICULUM_LEARNING,
        "subject_lesson",
        (8, 9),
        3,
        0.93,
        subject="Science",
    ),
    PlannedActivity(
        "Maths in the workplace",
        ActivityType.CURRICULUM_LEARNING,
        "subject_lesson",
        (10,),
        2,
        0.9,
        subject="Mathematics",
    ),
    PlannedActivity(
        "Employer talks: local businesses",
        ActivityType.EMPLOYER_ENCOUNTER,
        "talk",
        (7, 8),
        11,
        0.92,
        partner="Walsall Chamber of Commerce (demo)",
    ),
    PlannedActivity(
        "Enterprise day", ActivityType.EMPLOYER_ENCOUNTER, "enterprise", (9,), 6, 0.9, partner="Midlands Bank (demo)"
    ),
    PlannedActivity(
        "Careers fair",
        ActivityType.EMPLOYER_ENCOUNTER,
        "careers_fair",
        (10, 11),
        2,
        0.88,
        partner="Over 30 employers (demo)",
    ),
    PlannedActivity(
        "Drop-in employer stand (no preparation)",
        ActivityType.EMPLOYER_ENCOUNTER,
        "talk",
        (11,),
        5,
        0.5,
        meaningful=False,
        partner="Recruitment agency (demo)",
    ),
    PlannedActivity(
        "Mock interviews with employers",
        ActivityType.EMPLOYER_ENCOUNTER,
        "mock_interview",
        (12, 13),
        11,
        0.85,
        partner="Rotary Club volunteers (demo)",
    ),
    PlannedActivity(
        "Year 10 work experience week",
        ActivityType.WORKPLACE_EXPERIENCE,
        "work_experience",
        (10,),
        7,
        0.86,
        partner="Various employers (demo)",
    ),
    PlannedActivity(
        "Sixth form work placement",
        ActivityType.WORKPLACE_EXPERIENCE,
        "work_experience",
        (12,),
        6,
        0.8,
        partner="Various employers (demo)",
    ),
    PlannedActivity("Visit to the sixth form", ActivityType.PROVIDER_ENCOUNTER, "sixth_form", (10,), 11, 0.93),
    PlannedActivity(
        "Hillcrest College taster day",
        ActivityType.PROVIDER_ENCOUNTER,
        "fe_college",
        (10,),
        3,
        0.9,
        partner="Hillcrest College (demo)",
    ),
    PlannedActivity(
        "University campus visit",
        ActivityType.PROVIDER_ENCOUNTER,
        "university",
        (11, 12),
        6,
        0.85,
        partner="University of the Midlands (demo)",
    ),
    PlannedActivity(
        "Apprenticeship providers' assembly",
        ActivityType.PROVIDER_ENCOUNTER,
        "apprenticeship",
        (11,),
        1,
        0.9,
        partner="Apprenticeship providers network (demo)",
    ),
    PlannedActivity(
        "Second university visit",
        ActivityType.PROVIDER_ENCOUNTER,
        "university",
        (13,),
        10,
        0.7,
        partner="Northern University (demo)",
    ),
    PlannedActivity("Parents' careers evening", ActivityType.PARENT_ENGAGEMENT, "parents_evening", (9, 11), 1, 0.6),
]

# From 2025/26 the school also runs what the refreshed Gatsby Benchmarks ask for (DOMAIN.md §3b):
# information used in every key stage, careers in every subject every year, and more than one
# workplace experience by 16. Earlier years keep the 2018-era plan above, so the demo shows
# 2024/25 on the 2018 definitions and 2025/26 on, with realistic gaps, on the refreshed ones.
REFRESHED_FIRST_YEAR = 2025
REFRESHED_SCHOOL_PLAN = [
    PlannedActivity(
        "Careers lesson: using labour-market information to choose options",
        ActivityType.CAREERS_INFORMATION,
        "lmi_lesson",
        (7, 11),
        12,
        0.9,
    ),
    PlannedActivity(
        "Sixth form: labour market and next steps", ActivityType.CAREERS_INFORMATION, "lmi_lesson", (12, 13), 1, 0.85
    ),
    PlannedActivity(
        "Careers in every subject",
        ActivityType.CURRICULUM_LEARNING,
        "subject_lesson",
        tuple(range(7, 14)),
        10,
        0.88,
        subject="All subjects",
    ),
    PlannedActivity(
        "Workplace visit",
        ActivityType.WORKPLACE_EXPERIENCE,
        "visit",
        (9, 11),
        11,
        0.8,
        partner="Walsall Manufacturing (demo)",
    ),
]

COLLEGE_PLAN = [
    PlannedActivity(
        "Induction: labour market in your sector", ActivityType.CAREERS_INFORMATION, "lmi_lesson", (12,), 9, 0.95
    ),
    PlannedActivity("Careers in your subject", ActivityType.CURRICULUM_LEARNING, "subject_lesson", (12, 13), 11, 0.92),
    PlannedActivity("Employer masterclass", ActivityType.EMPLOYER_ENCOUNTER, "talk", (12, 13), 10, 0.9),
    PlannedActivity("Employer-set project", ActivityType.EMPLOYER_ENCOUNTER, "employer_project", (12, 13), 2, 0.85),
    PlannedActivity("Industry placement", ActivityType.WORKPLACE_EXPERIENCE, "work_experience", (12, 13), 5, 0.8),
    PlannedActivity("University open day", ActivityType.PROVIDER_ENCOUNTER, "university", (13,), 11, 0.75),
    PlannedActivity("Apprenticeship fair", ActivityType.PROVIDER_ENCOUNTER, "apprenticeship", (12, 13), 3, 0.85),
]


def fictional_upn(rng: random.Random, serial: int) -> str:
    body = f"{rng.choice([201, 330, 335, 392])}{rng.randint(100, 999)}{serial % 10**6:06d}"
    return upn_check_letter(body) + body


def _meaningful(flag: bool, activity_type: ActivityType, year: int) -> MeaningfulElements:
    """Every element the type needs in that academic year, or (for the demo's assembly talks) only
    two-way interaction."""
    if not flag:
        return MeaningfulElements(two_way=True)
    return MeaningfulElements(**{element.field: True for element in elements_for(activity_type, year)})


@dataclass
class BuiltProgramme:
    learners: int
    activities: int
    participations: int
    interviews: int


def build_careers_programme(
    provider: Provider,
    *,
    years: list[int],
    cohort_size: int,
    today: dt.date,
    seed: int = 1,
    college: bool = False,
    extra_encounters_per_year: int = 0,
) -> BuiltProgramme:
    """Create learners, activities, registers, interviews and answers for `years` (oldest first)."""
    rng = random.Random(seed)
    current = academic_year_of(today)
    first, last = years[0], years[-1]
    learners: list[Learner] = []
    serial = provider.urn * 10
    # Cohorts: a school cohort enters Year 7 in year E and leaves after Y11 or Y13; a college
    # cohort enters at 16 for a one- or two-year programme.
    entry_years = range(first - (6 if not college else 1), last + 1)
    for entry in entry_years:
        size = cohort_size
        for _ in range(size):
            serial += 1
            # Aged 11 (school) or 16 (college) on the 31 August before they start.
            born_year = entry - (12 if not college else 17)
            dob = dt.date(born_year, 9, 1) + dt.timedelta(days=rng.randint(0, 364))
            stays_on = college or rng.random() < 0.55
            final_year_group = 13 if stays_on else 11
            start_yg = 7 if not college else 12
            leaves_year = entry + (final_year_group - start_yg)
            disadvantaged = rng.random() < 0.28
            learner = Learner(
                provider=provider,
                upn=fictional_upn(rng, serial) if not college else "",
                uln=f"{9_000_000_000 + serial:010d}" if college else "",
                forename=rng.choice(FORENAMES),
                surname=rng.choice(SURNAMES),
                date_of_birth=dob,
                sex=rng.choice("FM") if rng.random() < 0.98 else "U",
                year_group=start_yg,
                year_group_recorded_in=entry,
                registration_group=f"{start_yg}{rng.choice('ABCDE')}",
                pupil_premium=disadvantaged,
                free_school_meals=disadvantaged and rng.random() < 0.8,
                sen_support=rng.random() < 0.12,
                ehc_plan=rng.random() < 0.03,
                looked_after=rng.random() < 0.01,
                young_carer=rng.random() < 0.03,
                eal=rng.random() < 0.15,
                considering_higher_education=rng.random() < 0.6,
                study_programme=""
                if not college
                else rng.choice(["Level 3 Diploma", "T Level", "Level 2 Certificate"]),
                curriculum_area="" if not college else rng.choice(CURRICULUM_AREAS),
                programme_end=year_end(leaves_year) if college else None,
                part_time_job=college and rng.random() < 0.4,
                joined_on=dt.date(entry, 9, 1) if entry > first else None,
                left_on=year_end(leaves_year) if leaves_year < current else None,
            )
            # Some join late or leave early, as real schools see.
            if entry >= first and rng.random() < 0.03:
                learner.joined_on = dt.date(entry + rng.randint(0, 1), rng.choice([1, 2, 4]), 10)
            if learner.left_on is None and rng.random() < 0.02:
                learner.left_on = today - dt.timedelta(days=rng.randint(20, 200))
            learners.append(learner)
    for learner in learners:
        learner.search_name = search_key(learner.forename, learner.surname)  # bulk_create skips save()
    Learner.objects.bulk_create(learners, batch_size=1000)
    learners = list(Learner.objects.filter(provider=provider).order_by("pk"))  # same order on every database

    advisers = [
        Adviser(
            provider=provider, name="Sam Okoye (demo)", organisation="", qualification_level=6, on_uk_register=True
        ),
        Adviser(
            provider=provider,
            name="Careers Connect Ltd (demo)",
            organisation="Careers Connect Ltd (demo)",
            qualification_level=7,
            on_uk_register=True,
            matrix_accredited=True,
        ),
        Adviser(provider=provider, name="Pat Lee (demo)", organisation="", qualification_level=4, on_uk_register=False),
    ]
    Adviser.objects.bulk_create(advisers)
    AdviserCpd.objects.bulk_create(
        [AdviserCpd(adviser=a, academic_year=y, hours=rng.choice([12, 26, 30, 32])) for a in advisers for y in years]
    )

    plan = COLLEGE_PLAN if college else SCHOOL_PLAN
    activities: list[tuple[Activity, PlannedActivity, str]] = []
    for year in years:
        refreshed = [] if college or year < REFRESHED_FIRST_YEAR else REFRESHED_SCHOOL_PLAN
        for item in [*plan, *refreshed]:
            areas = CURRICULUM_AREAS if college and item.activity_type == ActivityType.EMPLOYER_ENCOUNTER else [""]
            for area in areas:
                month = item.month
                day = dt.date(year if month >= 9 else year + 1, month, rng.randint(3, 25))
                if year == current and day > today:
                    continue  # the rest of this year is still to come
                meaning = _meaningful(item.meaningful, item.activity_type, year)
                categories = categories_for(
                    activity_type=item.activity_type,
                    subtype=item.subtype,
                    meaningful=meaning,
                    year=year,
                    subject=item.subject,
                )
                activity = Activity(
                    provider=provider,
                    title=item.title + (f": {area}" if area else ""),
                    activity_type=item.activity_type.value,
                    subtype=item.subtype,
                    date=day,
                    academic_year=year,
                    partner=item.partner,
                    subject=item.subject,
                    curriculum_area=area,
                    # A week's placement at the 5 hours a day that converted the old records.
                    hours=Decimal(25) if item.activity_type == ActivityType.WORKPLACE_EXPERIENCE else None,
                    year_groups=list(item.year_groups),
                    **{element.field: meaning.has(element) for element in ALL_ELEMENTS},
                    categories=sorted(c.value for c in categories),
                )
                activities.append((activity, item, area))
        for extra in range(extra_encounters_per_year):
            month = [10, 11, 12, 1, 2, 3, 4, 5, 6][extra % 9]
            day = dt.date(year if month >= 9 else year + 1, month, rng.randint(3, 25))
            if year == current and day > today:
                continue
            item = PlannedActivity(
                f"Employer mentoring session {extra + 1}",
                ActivityType.EMPLOYER_ENCOUNTER,
                "mentoring",
                tuple(range(7, 14)),
                month,
                0.9,
            )
            meaning = _meaningful(True, item.activity_type, year)
            activities.append(
                (
                    Activity(
                        provider=provider,
                        title=item.title,
                        activity_type=item.activity_type.value,
                        subtype=item.subtype,
                        date=day,
                        academic_year=year,
                        year_groups=list(item.year_groups),
                        **{element.field: meaning.has(element) for element in ALL_ELEMENTS},
                        categories=["employer"],
                    ),
                    item,
                    "",
                )
            )
    Activity.objects.bulk_create([a for a, _, _ in activities], batch_size=1000)
    ActivityCategory.objects.bulk_create(
        [ActivityCategory(activity=a, category=c) for a, _, _ in activities for c in a.categories], batch_size=2000
    )

    participations: list[Participation] = []
    for activity, item, area in activities:
        for learner in learners:
            if not learner.on_roll(activity.date):
                continue
            if learner.year_group_in(activity.academic_year) not in item.year_groups:
                continue
            if area and learner.curriculum_area != area:
                continue
            rate = item.rate - (0.08 if learner.pupil_premium else 0) - (0.05 if learner.sen_support else 0)
            if rng.random() < rate:
                participations.append(Participation(activity=activity, learner=learner, attended=True))
            elif rng.random() < 0.5:
                participations.append(Participation(activity=activity, learner=learner, attended=False))
    Participation.objects.bulk_create(participations, batch_size=5000)

    interviews: list[Interview] = []
    interview_years = (12, 13) if college else (9, 11, 13)
    for year in years:
        for learner in learners:
            yg = learner.year_group_in(year)
            if yg not in interview_years or rng.random() > (0.9 if yg != 13 else 0.5):
                continue
            day = dt.date(year + 1, rng.choice([1, 2, 3, 4, 5]), rng.randint(1, 28))
            if day > today or not learner.on_roll(day):
                continue
            adviser = rng.choice(advisers)
            interviews.append(
                Interview(
                    provider=provider,
                    learner=learner,
                    adviser=adviser,
                    date=day,
                    academic_year=year,
                    duration_minutes=rng.choice([30, 45, 45, 50, 60]),
                    summary="Discussed interests, options after this year and how to research them.",
                    agreed_actions="Research two routes; visit an open day; book a follow-up.",
                )
            )
    Interview.objects.bulk_create(interviews, batch_size=2000)

    answers = []
    for year in years:
        for benchmark, count in ((1, 3), (3, 5 if college else 3)):
            for index in range(count):
                achieved = year < current or index < count - 1
                answers.append(
                    ProgrammeAnswer(
                        provider=provider,
                        academic_year=year,
                        benchmark=benchmark,
                        indicator=index,
                        achieved=achieved,
                        evidence_url=f"https://example.org/demo/{provider.urn}/bm{benchmark}-{index + 1}"
                        if achieved
                        else "",
                    )
                )
    ProgrammeAnswer.objects.bulk_create(answers)
    tallies.refresh_provider(provider.pk)
    return BuiltProgramme(len(learners), len(activities), len(participations), len(interviews))

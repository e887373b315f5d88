"""Employers and parents taking part at the demo school, through the real actions: placements at
every step (proposed; waiting for the employer's checks, its link made; waiting for consent;
approved; completed with the employer's feedback and the learner's reflection, so it counts), an
encounter the employer confirmed by its link, feedback on one activity from employers, parents
and staff, parents' contacts with their careers links, attendance at a parents' careers event,
and what the parents' page says.

The school's steps are the careers leader's (the actions record a person as the one who made a
link or proposed a placement); what an employer or a parent does goes through their link, with
the link's owner as the actor, as on the link pages. Links are made to copy (`by_email=False`):
nothing is mailed and no token is kept or printed. Dates are counted from today, learners chosen
by name: the same day gives the same data. Nothing is added if the school has placements already.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import RequestFactory

from qic.domain.academic import academic_year_of
from qic.domain.activities import ActivityType
from qic.domain.employer_confirmation import Answers
from qic.domain.feedback import Again, Respondent
from qic.domain.parent_engagement import Relationship
from qic.domain.partner_links import LinkPurpose
from qic.domain.placements import Status
from qic.learners.models import Learner, LearnerAccount
from qic.organisations.models import Provider, User
from qic.partners import confirmation, feedback_actions, links, parent_actions
from qic.partners import placements as actions
from qic.partners.directory_actions import set_activity_employers
from qic.partners.models import (
    ActivityEmployer,
    Employer,
    EmployerContact,
    ParentContact,
    ParentPageSetting,
    PartnerLink,
    Placement,
)
from qic.programme.models import Activity
from qic.programme.sign_in import save_reflection

LEADER_EMAIL = "leader@riverside.demo.qic.test"
STAFF_EMAIL = "staff@riverside.demo.qic.test"
# The address a demo link "was opened" from (a documentation range: no real client).
OPENED_FROM = "192.0.2.10"
SCHOOL_CHECKS = ("health_and_safety", "insurance", "risk_assessment")

# Placements: the step it reached, employer, role, first day (days from today), days, hours.
PLACEMENTS = [
    (Status.COMPLETED, "Pixel & Thread Studio (demo)", "Design assistant", -30, 5, Decimal(30)),
    (Status.APPROVED, "Midlands Bank (demo)", "Customer service team", 21, 5, Decimal(30)),
    (Status.CONSENT, "Walsall Manufacturing (demo)", "Engineering workshop", 28, 5, Decimal(32)),
    (Status.CHECKS, "Brightside Care Home (demo)", "Activities coordinator's assistant", 42, 5, Decimal(30)),
    (Status.PROPOSED, "Green Lanes Veterinary Practice (demo)", "Veterinary nursing", 56, 4, Decimal(24)),
]
PARENT_NAMES = ["Jordan", "Morgan", "Sam", "Robin", "Alex", "Chris"]
FEEDBACK = [
    # respondent, name, email, rating, went well, could be better, would take part again
    (
        Respondent.EMPLOYER,
        "Priya Shah",
        "priya.shah@midlandsbank.demo.qic.test",
        5,
        "Good questions from the pupils about apprenticeships in banking.",
        "A little more time for questions at the end.",
        Again.YES,
    ),
    (
        Respondent.EMPLOYER,
        "Tom Reid",
        "tom.reid@walsallchamber.demo.qic.test",
        4,
        "Well organised; the pupils had prepared.",
        "Smaller groups would let every pupil speak.",
        Again.YES,
    ),
    (
        Respondent.PARENT,
        "Jordan Example",
        "jordan.parent@demo.qic.test",
        4,
        "My son talked about it at home.",
        "",
        None,
    ),
    (
        Respondent.PARENT,
        "Morgan Example",
        "morgan.parent@demo.qic.test",
        3,
        "",
        "We would like to hear about it beforehand.",
        None,
    ),
    (Respondent.STAFF, "Kemi Adeyemi", STAFF_EMAIL, 5, "Pupils were engaged throughout.", "", None),
]
# Asked, not answered yet: the feedback page offers to resend or withdraw it.
FEEDBACK_WAITING = (Respondent.PARENT, "Sam Example", "sam.parent@demo.qic.test")


def build_partners(provider: Provider, *, today: dt.date) -> None:
    """Add the demo school's placements, confirmation, feedback and parents (once)."""
    if Placement.objects.filter(provider=provider).exists():
        return
    leader = User.objects.get(email=LEADER_EMAIL)
    year = academic_year_of(today)
    pupils = _year_10(provider, year)
    employers = {employer.name: employer for employer in Employer.objects.filter(provider=provider)}
    if len(pupils) < len(PLACEMENTS) or not all(name in employers for _, name, *_ in PLACEMENTS):
        return  # not the demo school as the demo builds it
    parent_links = _parents(provider, pupils[: len(PARENT_NAMES)], leader)
    for (status, name, role, start, days, hours), pupil in zip(PLACEMENTS, pupils, strict=False):
        _placement(
            status,
            learner=pupil,
            employer=employers[name],
            role=role,
            start=today + dt.timedelta(days=start),
            end=today + dt.timedelta(days=start + days - 1),
            hours=hours,
            parent_link=parent_links.get(pupil.pk),
            actor=leader,
        )
    _confirmed_encounter(provider, today, leader)
    _feedback(provider, today, employers, leader)
    _parents_event(provider, today, leader)
    parent_actions.save_page_setting(
        setting=ParentPageSetting(
            provider=provider,
            programme_summary=(
                "Every year group has careers lessons, talks from employers and visits to colleges and "
                "universities. Year 10 spend a week on work experience in the summer term; Years 9 and 11 "
                "have a parents' careers evening in January. Talk with your child about what they have done "
                "and what they would like to try next."
            ),
            programme_url=f"https://example.org/demo/{provider.urn}/careers-programme",
            booking_text=(
                "Our careers adviser, Ms Grant (demo), is in school on Tuesdays and Thursdays. Any pupil can ask "
                "for a guidance meeting, and you are welcome to come too: email or phone the careers office."
            ),
            booking_email="careers@riverside.demo.qic.test",
            booking_phone="01922 000 000",
        ),
        actor=leader,
    )


def _year_10(provider: Provider, year: int) -> list[Learner]:
    """This year's Year 10 on roll, the demo learner with an account first (they reflect on the
    completed placement when they sign in), then by name."""
    with_account = set(LearnerAccount.objects.filter(learner__provider=provider).values_list("learner_id", flat=True))
    candidates = Learner.objects.filter(provider=provider, left_on__isnull=True, anonymised_at__isnull=True).order_by(
        "surname", "forename", "pk"
    )
    year_10 = [learner for learner in candidates if learner.year_group_in(year) == 10]
    return sorted(year_10, key=lambda learner: learner.pk not in with_account)


def _parents(provider: Provider, pupils: list[Learner], leader: User) -> dict[int, PartnerLink]:
    """A parent or carer for each pupil, with the careers link made to hand over; the first four
    opened it. Returns each pupil's link."""
    made = {}
    for n, (pupil, first) in enumerate(zip(pupils, PARENT_NAMES, strict=False)):
        contact = parent_actions.save_contact(
            contact=ParentContact(
                learner=pupil,
                name=f"{first} {pupil.surname}",
                relationship=(Relationship.CARER if n == 3 else Relationship.PARENT).value,
                email=f"{first.lower()}.{pupil.surname.lower()}@parents.demo.qic.test",
            ),
            actor=leader,
        )
        link, token = parent_actions.send_link(contact=contact, by_email=False, actor=leader)
        if token and n < 4:
            _open(link, token)
        made[pupil.pk] = link
    return made


def _open(link: PartnerLink, token: str) -> None:
    """The recipient opens the link's page (counted as the link pages count it)."""
    request = RequestFactory().get("/", REMOTE_ADDR=OPENED_FROM)
    links.resolve(request, token, LinkPurpose(link.purpose))


def _employer_link(placement: Placement, actor: User) -> PartnerLink:
    contact = placement.contact
    link, _ = links.issue(
        provider=placement.provider,
        purpose=LinkPurpose.PLACEMENT_EMPLOYER,
        recipient_name=contact.name if contact else "Placement supervisor",
        placement=placement,
        employer=placement.employer,
        contact=contact,
        by_email=False,
        actor=actor,
    )
    return link


def _placement(
    status: Status,
    *,
    learner: Learner,
    employer: Employer,
    role: str,
    start: dt.date,
    end: dt.date,
    hours: Decimal,
    parent_link: PartnerLink | None,
    actor: User,
) -> None:
    """One placement taken through the steps to `status`, as the school, employer and parent would."""
    placement = actions.propose_placement(
        provider=learner.provider,
        learner=learner,
        employer=employer,
        contact=EmployerContact.objects.filter(employer=employer).order_by("pk").first(),
        role=role,
        start_date=start,
        end_date=end,
        hours=hours,
        actor=actor,
    )
    if status == Status.PROPOSED:
        return
    link = _employer_link(placement, actor)
    placement = actions.move_placement(placement=placement, to=Status.CHECKS, actor=actor)
    if status == Status.CHECKS:
        return
    employer_actor = links.actor_for(link)
    placement = actions.save_employer_details(
        placement=placement,
        details={
            "role_confirmed": True,
            "supervisor_name": "Chris Example",
            "supervisor_phone": "01922 000 111",
            "working_hours": "9am to 3pm, Monday to Friday",
            "workplace_address": f"{employer.name}\n{employer.town or 'Walsall'}",
        },
        actor=employer_actor,
    )
    placement = actions.record_school_checks(
        placement=placement, kinds=SCHOOL_CHECKS, insurance_expires=end + dt.timedelta(days=300), actor=actor
    )
    placement = actions.move_placement(placement=placement, to=Status.CONSENT, actor=actor)
    if status == Status.CONSENT:
        return
    if parent_link is not None:
        contact = ParentContact.objects.filter(learner=learner).order_by("pk").first()
        placement = actions.record_consent(
            placement=placement,
            given=True,
            name=contact.name if contact else parent_link.recipient_name,
            relationship="Parent",
            emergency_phone="07700 900000",
            link=parent_link,
            actor=links.actor_for(parent_link),
        )
    else:
        placement = actions.record_consent(
            placement=placement, given=True, name="Parent (demo)", relationship="Parent", on=start, actor=actor
        )
    placement = actions.move_placement(placement=placement, to=Status.APPROVED, actor=actor)
    if status == Status.APPROVED:
        return
    placement = actions.move_placement(placement=placement, to=Status.IN_PROGRESS, actor=actor)
    placement = actions.record_feedback(
        placement=placement,
        feedback={
            "feedback_how": "Punctual, polite and keen to learn; worked well with the team.",
            "feedback_task": "Designed a poster for a local business, from the brief to the final version.",
            "feedback_strengths": "Creative ideas and good attention to detail.",
            "feedback_build_on": "Asking for help sooner when unsure.",
        },
        actor=employer_actor,
    )
    placement = actions.complete_placement(
        placement=placement,
        hours_done=hours,
        elements=dict.fromkeys(actions.SCHOOL_ELEMENTS, True),
        feedback=None,
        actor=actor,
    )
    account = LearnerAccount.objects.filter(learner=learner).select_related("user").first()
    if placement.activity is not None:
        save_reflection(
            activity=placement.activity,
            learner=learner,
            learnt="How a design studio works with its clients, and that deadlines matter.",
            next_step="Take Art and Design at GCSE and look for a creative apprenticeship.",
            rating=5,
            actor=account.user if account else actor,
        )


def _last(provider: Provider, today: dt.date, **filters: object) -> Activity | None:
    return (
        Activity.objects.filter(provider=provider, date__lte=today, **filters)
        .order_by("-date", "-pk")
        .select_related("provider")
        .first()
    )


def _confirmed_encounter(provider: Provider, today: dt.date, leader: User) -> None:
    """The latest past activity with an employer from the directory, confirmed through its link."""
    activity = _last(provider, today, employer_rows__employer__isnull=False)
    if activity is None:
        return
    row = ActivityEmployer.objects.filter(activity=activity).select_related("employer").order_by("pk").first()
    employer = row.employer if row else None
    contact = EmployerContact.objects.filter(employer=employer).order_by("pk").first()
    link, _ = confirmation.ask_employer(
        activity=activity,
        recipient_name=contact.name if contact else "Early careers lead",
        recipient_email="",
        employer=employer,
        contact=contact,
        by_email=False,
        actor=leader,
    )
    confirmation.confirm(
        link=link,
        answers=Answers(
            took_place=True,
            purpose="To show pupils the jobs in a modern factory and the routes into them, apprenticeships first.",
            task="In teams, pupils planned a small production run and presented how they would check its quality.",
            feedback="The groups asked thoughtful questions; two teams' quality plans were as good as our trainees'.",
        ),
        name=contact.name if contact else "Early careers lead",
    )


def _feedback(provider: Provider, today: dt.date, employers: dict[str, Employer], leader: User) -> None:
    """Feedback on the latest past employer encounter: two employers who took part, two parents
    and a member of staff answered; one parent has not yet."""
    activity = _last(provider, today, activity_type=ActivityType.EMPLOYER_ENCOUNTER.value)
    if activity is None:
        return
    visiting = [employers["Midlands Bank (demo)"], employers["Walsall Chamber of Commerce (demo)"]]
    set_activity_employers(
        activity=activity,
        employers=visiting,
        actor=leader,
        keep=ActivityEmployer.objects.filter(activity=activity).values_list("employer_id", flat=True),
    )
    visiting_iter = iter(visiting)
    for respondent, name, email, rating, went_well, could_be_better, again in FEEDBACK:
        employer = next(visiting_iter) if respondent is Respondent.EMPLOYER else None
        link, _ = links.issue(
            provider=provider,
            purpose=LinkPurpose.FEEDBACK,
            recipient_name=name,
            recipient_email=email,
            activity=activity,
            employer=employer,
            respondent=respondent.value,
            by_email=False,
            actor=leader,
        )
        feedback_actions.submit_feedback(
            link=link, rating=rating, went_well=went_well, could_be_better=could_be_better, take_part_again=again
        )
    respondent, name, email = FEEDBACK_WAITING
    links.issue(
        provider=provider,
        purpose=LinkPurpose.FEEDBACK,
        recipient_name=name,
        recipient_email=email,
        activity=activity,
        respondent=respondent.value,
        by_email=False,
        actor=leader,
    )


def _parents_event(provider: Provider, today: dt.date, leader: User) -> None:
    """Parents or carers of about half the learners it was for came to the latest parents' evening."""
    activity = _last(provider, today, activity_type=ActivityType.PARENT_ENGAGEMENT.value)
    if activity is None:
        return
    learners = Learner.objects.filter(provider=provider, anonymised_at__isnull=True).order_by("pk")
    came = [
        learner.pk
        for learner in learners
        if learner.on_roll(activity.date)
        and learner.year_group_in(activity.academic_year) in set(activity.year_groups)
        and learner.pk % 2 == 0
    ]
    parent_actions.set_parent_attendance(activity=activity, learner_ids=came, actor=leader)

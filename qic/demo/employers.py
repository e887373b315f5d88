"""The demo school's employer directory: a handful of fictional employers of every size and
several sectors, a self-employed person among them, linked to the school's employer encounters of
this year and last, so the "Employers pupils met" panel has something to show (and a gap: no
medium-sized employer this year)."""

from __future__ import annotations

from qic.core import audit
from qic.core.actors import SystemActor
from qic.domain.activities import ActivityType
from qic.organisations.models import Provider
from qic.partners.models import ActivityEmployer, Employer, EmployerContact
from qic.programme.models import Activity

# name, sector, size band, self-employed, town, the activity titles it is linked to (by start)
DIRECTORY = [
    ("Midlands Bank (demo)", "finance", "large", False, "Birmingham", ("Enterprise day",)),
    ("Walsall Manufacturing (demo)", "engineering", "large", False, "Walsall", ("Workplace visit", "Employer-set")),
    ("Walsall Chamber of Commerce (demo)", "business", "small", False, "Walsall", ("Careers fair",)),
    ("Brightside Care Home (demo)", "health", "small", False, "Walsall", ("Employer mentoring session 1",)),
    ("Pixel & Thread Studio (demo)", "creative", "micro", False, "Walsall", ("Employer mentoring session 2",)),
    ("Sam Okafor, electrician (demo)", "construction", "micro", True, "Walsall", ("Employer mentoring session 3",)),
    ("Green Lanes Veterinary Practice (demo)", "science", "medium", False, "Lichfield", ()),
]


def build_employer_directory(provider: Provider, *, years: list[int], actor: SystemActor) -> None:
    """Add the directory once (nothing if the school has employers already); link each employer to
    the school's activities of `years` whose title starts with one of its titles."""
    if Employer.all_objects.filter(provider=provider).exists():
        return
    employers = Employer.objects.bulk_create(
        [
            Employer(
                provider=provider,
                name=name,
                sector=sector,
                size_band=size,
                self_employed=self_employed,
                town=town,
            )
            for name, sector, size, self_employed, town, _ in DIRECTORY
        ]
    )
    EmployerContact.objects.bulk_create(
        [
            EmployerContact(employer=employer, name="Alex Example", job_title="Early careers lead")
            for employer in employers[:3]
        ]
    )
    activities = list(
        Activity.objects.filter(
            provider=provider,
            academic_year__in=years,
            activity_type__in=[ActivityType.EMPLOYER_ENCOUNTER.value, ActivityType.WORKPLACE_EXPERIENCE.value],
        ).only("pk", "title")
    )
    links = [
        ActivityEmployer(activity=activity, employer=employer)
        for employer, (*_, titles) in zip(employers, DIRECTORY, strict=True)
        for activity in activities
        if titles and activity.title.startswith(titles)
    ]
    ActivityEmployer.objects.bulk_create(links, ignore_conflicts=True)
    audit.record(
        actor=actor,
        action="employers.imported",
        obj=provider,
        after={"file_name": "demo", "employers": len(employers), "contacts": 3},
        provider_id=provider.pk,
    )

"""What the Consortium's DfE page reads: the releases loaded and what figures are held. Three queries
whatever the number of releases or figures. (The comparison beside a school's own figures reads
`DfeFigure` elsewhere.)"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from qic.destinations.models import STAGE_CHOICES, DfeFigure, DfeRelease

RELEASES_SHOWN = 50


@dataclass(frozen=True)
class HeldYear:
    time_period: str
    national_rows: int
    la_rows: int
    local_authorities: int


@dataclass
class HeldStage:
    stage: str
    label: str
    years: list[HeldYear] = field(default_factory=list)  # newest first


@dataclass
class ReleasesSummary:
    releases: list[DfeRelease]  # newest first, at most RELEASES_SHOWN
    release_count: int
    held: list[HeldStage]  # each stage, with the years held (none: an empty list)


def releases_summary() -> ReleasesSummary:
    releases = list(DfeRelease.objects.select_related("loaded_by").order_by("-loaded_at", "-pk")[:RELEASES_SHOWN])
    held = {value: HeldStage(value, label) for value, label in STAGE_CHOICES}
    rows = (
        DfeFigure.objects.values("stage", "time_period")
        .annotate(
            national=Count("pk", filter=Q(geographic_level=DfeFigure.Level.NATIONAL)),
            la=Count("pk", filter=Q(geographic_level=DfeFigure.Level.LOCAL_AUTHORITY)),
            las=Count("area_code", filter=Q(geographic_level=DfeFigure.Level.LOCAL_AUTHORITY), distinct=True),
        )
        .order_by("stage", "-time_period")
    )
    for row in rows:
        held[row["stage"]].years.append(HeldYear(row["time_period"], row["national"], row["la"], row["las"]))
    return ReleasesSummary(releases=releases, release_count=DfeRelease.objects.count(), held=list(held.values()))

"""The schema of an issued document's frozen snapshot (docs/decisions.md §11).

An `IssuedDocument` stores, as JSON, everything its report or certificate prints. These models are
that format, written down once: `documents.snapshot_for` builds one at the moment of issue, the
HTML page and the PDF are drawn from one, and a correction loads one, changes it and stores it
again. The format is permanent, so every snapshot ever written must still load:

- `provider.identifier_label` arrived with independent training providers; a snapshot without it
  means "URN".
- The first snapshots also wrote the award's outcome among the dates, under the same `outcome`
  key, so they need nothing extra.
- `awarded_on` and `expires_on` are absent (not null) when there was no award, and `correction`
  is absent unless the report corrects an earlier version; `stored()` leaves them out in the same
  way, so a snapshot written through the schema has exactly the keys it always had.

Every other key has been written since the first version. Keys a snapshot lacks take the value
the PDF has always drawn for them (an empty text, no date, not met), so a sparse snapshot renders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)

from qic.domain.accreditation import Judgment, Outcome

FULLY_MEETING = Judgment.FULLY_MEETING.label


def _one_of(*allowed: str) -> AfterValidator:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(map(repr, allowed))}")
        return value

    return AfterValidator(check)


# A judgment as the snapshot records it: its label, or "" for none.
JudgmentLabel = Annotated[str, _one_of(*(j.label for j in Judgment), "")]
# What the provider's key is called: "UKPRN" for an independent training provider (§33).
IdentifierLabel = Annotated[str, _one_of("URN", "UKPRN")]

# Where the assessor's judgment of a section and the provider's benchmark figure disagree, the
# report says why both can stand (they measure different things).
JUDGED_FULLY_FIGURE_SHORT = (
    "Both can be true: the judgment is the assessor’s view of this section’s criteria, from the evidence seen "
    "at the assessment, while the figure is the provider’s own benchmark measure for {year}, which counts as "
    "fully achieved only at 100%."
)
FIGURE_FULL_JUDGED_SHORT = (
    "Both can be true: the figure shows that the provider’s own benchmark measure reached 100% in {year}, while "
    "the judgment is the assessor’s view of everything this section’s criteria ask for, from the evidence seen "
    "at the assessment."
)


class _Part(BaseModel):
    """A part of a snapshot: immutable, and refusing keys the format does not have."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class _Snapshot(_Part):
    """A whole snapshot. `stored()` is the JSON kept in `IssuedDocument.content`."""

    # Keys that are left out, rather than written as null, when they have no value.
    absent_when_none: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _leave_out_absent(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for key in self.absent_when_none:
            if data.get(key, ...) is None:
                del data[key]
        return data

    def stored(self) -> dict[str, Any]:
        """The snapshot as the JSON an `IssuedDocument` keeps."""
        return self.model_dump(mode="json")


class ProviderFacts(_Part):
    name: str
    urn: int
    identifier_label: IdentifierLabel = "URN"  # absent from the first snapshots, which mean "URN"
    la_name: str
    region: str
    postcode: str
    type: str

    @property
    def identifier(self) -> str:
        """'URN 137245' or 'UKPRN 10012345'."""
        return f"{self.identifier_label} {self.urn}"


class AwardingBodyFacts(_Part):
    name: str
    validity_months: int


class EditionFacts(_Part):
    code: str
    title: str

    @property
    def name(self) -> str:
        return self.title or self.code


class BenchmarkFigures(_Part):
    """The provider's own figure for one benchmark in the last complete academic year."""

    year: str = ""  # "2025/26"
    percent: float | None  # None: nothing to measure that year
    fully_achieved: bool

    def line(self, number: int) -> str:
        """'Benchmark 5 in 2025/26: 84.0%, not fully achieved', or that there are no figures."""
        where = f"Benchmark {number} in {self.year}" if self.year else f"Benchmark {number}"
        if self.percent is None:
            return f"{where}: no figures"
        return f"{where}: {self.percent:.1f}%, {'fully achieved' if self.fully_achieved else 'not fully achieved'}"


class CriterionRecord(_Part):
    code: str
    text: str
    judgment: JudgmentLabel
    comment: str


class SectionRecord(_Part):
    number: int
    title: str = ""
    benchmark: str = ""  # "Benchmark 5: Encounters with employers and employees"
    judgment: JudgmentLabel = ""
    figures: BenchmarkFigures | None = None
    criteria: tuple[CriterionRecord, ...] = ()

    @property
    def figures_line(self) -> str:
        return self.figures.line(self.number) if self.figures else f"Benchmark {self.number}: no figures"

    @property
    def why_both(self) -> str:
        """One sentence saying why the section judgment and the benchmark figure can both be true
        when one says "fully" and the other does not; empty when they agree or either is missing."""
        figures = self.figures
        if figures is None or figures.percent is None or not self.judgment:
            return ""
        year = figures.year or "that year"
        judged_fully = self.judgment == FULLY_MEETING
        if judged_fully and not figures.fully_achieved:
            return JUDGED_FULLY_FIGURE_SHORT.format(year=year)
        if figures.fully_achieved and not judged_fully:
            return FIGURE_FULL_JUDGED_SHORT.format(year=year)
        return ""


class Conversation(_Part):
    kind: str  # "Learner voice"
    held_on: dt.date
    participants: str


class Correction(_Part):
    replaces_number: int
    reason: str


class _Common(_Snapshot):
    provider: ProviderFacts
    awarding_body: AwardingBodyFacts
    edition: EditionFacts


class CommitmentSnapshot(_Common):
    """The certificate of commitment."""

    kind: ClassVar[str] = "commitment"
    committed_on: dt.date | None = None
    wording: str


class CertificateSnapshot(_Common):
    """The certificate of accreditation (Outcome 2a or 2b)."""

    kind: ClassVar[str] = "certificate"
    absent_when_none = frozenset({"awarded_on", "expires_on"})
    outcome: Outcome
    words: str
    wording: str
    awarded_on: dt.date | None = None
    expires_on: dt.date | None = None  # the last day the award is valid

    @field_validator("outcome")
    @classmethod
    def _awarded(cls, outcome: Outcome) -> Outcome:
        if not outcome.awarded:
            raise ValueError("a certificate is issued only for Outcome 2a or 2b")
        return outcome


class ReportSnapshot(_Common):
    """The assessment report."""

    kind: ClassVar[str] = "report"
    absent_when_none = frozenset({"awarded_on", "expires_on", "correction"})
    outcome: Outcome
    outcome_label: str = ""
    citation: str = ""
    wording: str = ""
    reasons: tuple[str, ...] = ()
    assessor: str = ""
    visit_on: dt.date | None = None
    key_principles_met: bool = False
    compass_up_to_date: bool = False
    reaccreditation: bool = False
    sections: tuple[SectionRecord, ...] = ()
    conversations: tuple[Conversation, ...] = ()
    strengths: str = ""
    areas_for_development: str = ""
    recommendations: str = ""
    awarded_on: dt.date | None = None
    expires_on: dt.date | None = None
    correction: Correction | None = None


IssuedSnapshot = CommitmentSnapshot | CertificateSnapshot | ReportSnapshot
SCHEMAS: dict[str, type[IssuedSnapshot]] = {
    schema.kind: schema for schema in (CommitmentSnapshot, CertificateSnapshot, ReportSnapshot)
}


def load_snapshot(kind: str, content: Mapping[str, Any]) -> IssuedSnapshot:
    """The stored `content` of an issued document of `kind`, checked against its schema.

    Raises ValueError for a kind that has no snapshot, and pydantic's ValidationError (a
    ValueError) for content that is not a snapshot of that kind."""
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise ValueError(f"No snapshot is issued for documents of kind {kind!r}")
    return schema.model_validate(content)

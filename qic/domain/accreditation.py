"""The rules of the Quality in Careers accreditation (Guide §4.4–4.7), as pure functions.

Outcomes are judged section by section: any section making insufficient progress gives
Outcome 1; every criterion fully met gives 2b; otherwise 2a. Key principles met and an
up-to-date Compass (or Compass+) report are preconditions of both awards. An award lasts the
Awarding Body's period (36 months, or 24 for a two-year body) from the award date, with an
annual review in each year of validity; re-issuing a 2a as 2b at the first review keeps the
expiry date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from qic.domain.dates import long_date


class Judgment(str, enum.Enum):  # noqa: UP042 - stored value
    INSUFFICIENT = "insufficient"
    GOOD_PROGRESS = "good_progress"
    FULLY_MEETING = "fully_meeting"

    @property
    def label(self) -> str:
        return {
            "insufficient": "Making insufficient progress",
            "good_progress": "Making good progress",
            "fully_meeting": "Fully meeting",
        }[self.value]


# Worst first: a section is only as good as its weakest criterion.
_RANK = {Judgment.INSUFFICIENT: 0, Judgment.GOOD_PROGRESS: 1, Judgment.FULLY_MEETING: 2}


class Outcome(str, enum.Enum):  # noqa: UP042 - stored value
    NOT_AWARDED = "1"
    GOOD_PROGRESS = "2a"
    FULLY_MEETING = "2b"

    @property
    def awarded(self) -> bool:
        return self is not Outcome.NOT_AWARDED


COMMITMENT_WORDING = (
    "Committed to work towards meeting the Quality in Careers Standard incorporating the Gatsby Benchmarks"
)
CERTIFICATE_WORDS = (
    "Congratulations on achieving the Quality in Careers Standard which fully incorporates the Gatsby Benchmarks."
)
_CITATION_START = (
    "Congratulations on achieving the Quality In Careers Standard which fully incorporates the Gatsby Benchmarks. "
    "This is an excellent achievement and recognises the quality and breadth of your careers provision. "
)
CITATIONS = {
    Outcome.GOOD_PROGRESS: _CITATION_START
    + "As you are “making good progress” towards meeting the Benchmarks and all of the accreditation criteria, as we "
    "comment upon below in the detail of your report, we will continue to review your progress with the Benchmarks, "
    "and the additional career-related learning outcomes for students which the national Standard requires, "
    "through our annual reviews with you.",
    Outcome.FULLY_MEETING: _CITATION_START
    + "As you are “fully meeting” the Benchmarks and all of the accreditation criteria, as we comment upon below in "
    "the detail of your report, we will continue to review your progress in maintaining meeting the Benchmarks, "
    "and the additional career-related learning outcomes for students which the national Standard requires, "
    "through our annual reviews with you.",
}
AUTHORISED_WORDING = {
    Outcome.GOOD_PROGRESS: "Nationally assessed as achieving the Quality in Careers Standard, making good progress "
    "towards meeting all the accreditation criteria incorporating the Gatsby Benchmarks",
    Outcome.FULLY_MEETING: "Nationally assessed as achieving the Quality in Careers Standard, fully meeting all the "
    "accreditation criteria incorporating the Gatsby Benchmarks",
}
ADDITIONAL_RECOGNITION_LABEL = "This additional recognition is not part of the national arrangements."


def section_judgment(judgments: Iterable[Judgment]) -> Judgment:
    """A section's judgment: the weakest of its criteria's judgments."""
    found = list(judgments)
    if not found:
        raise ValueError("A section needs at least one judged criterion")
    return min(found, key=_RANK.__getitem__)


@dataclass(frozen=True)
class OutcomeDecision:
    outcome: Outcome
    sections: dict[int, Judgment]
    reasons: tuple[str, ...]  # why not a higher outcome, in words


def decide_outcome(
    *,
    criteria: Mapping[str, Judgment | None],
    key_principles_met: bool,
    compass_up_to_date: bool,
) -> OutcomeDecision:
    """The outcome from every criterion's judgment (codes like "5.1"; None: not yet judged).

    Raises ValueError if any criterion is unjudged: an outcome needs them all (§4.5).
    """
    missing = sorted(code for code, judgment in criteria.items() if judgment is None)
    if missing:
        raise ValueError("Judge every criterion first: " + ", ".join(missing))
    by_section: dict[int, list[Judgment]] = {}
    for code, judgment in criteria.items():
        assert judgment is not None
        by_section.setdefault(int(code.split(".")[0]), []).append(judgment)
    sections = {number: section_judgment(found) for number, found in sorted(by_section.items())}
    reasons: list[str] = []
    insufficient = [n for n, j in sections.items() if j is Judgment.INSUFFICIENT]
    if insufficient:
        reasons.append(
            "Section"
            + ("s " if len(insufficient) > 1 else " ")
            + ", ".join(map(str, insufficient))
            + " making insufficient progress"
        )
    if not key_principles_met:
        reasons.append("The key principles are not met")
    if not compass_up_to_date:
        reasons.append("There is no up-to-date Compass or Compass+ report")
    if reasons:
        return OutcomeDecision(Outcome.NOT_AWARDED, sections, tuple(reasons))
    if all(j is Judgment.FULLY_MEETING for j in sections.values()):
        return OutcomeDecision(Outcome.FULLY_MEETING, sections, ())
    not_full = [n for n, j in sections.items() if j is not Judgment.FULLY_MEETING]
    return OutcomeDecision(
        Outcome.GOOD_PROGRESS, sections, ("Not yet fully meeting sections " + ", ".join(map(str, not_full)),)
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the last day of the month when it has no such day
    (29 February 2024 + 12 months = 28 February 2025)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def anniversary(day: dt.date, years: int) -> dt.date:
    """The same date `years` later. The anniversary of 29 February in a year without one is
    1 March, the day after 28 February: a leap-day award's year is not a day short."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, and the year has none
        return dt.date(day.year + years, 3, 1)


@dataclass(frozen=True)
class AwardDates:
    awarded_on: dt.date
    expires_on: dt.date  # the last day the award is valid, and on the register
    reviews_due: tuple[dt.date, ...]  # one annual review for each year of validity before expiry
    reaccreditation_review: int  # which annual review (1-based) prepares reaccreditation


def award_dates(awarded_on: dt.date, validity_months: int) -> AwardDates:
    """Validity runs from the award date for the body's period (24 or 36 months, whole years):
    the award's last day is the day before the anniversary that ends the period, so 29 February
    2024 for 36 months is valid through 28 February 2027 (the anniversary is 1 March). Reviews
    are due on the anniversaries inside the period, by the same rule: a 29 February award's
    reviews fall on 1 March. A 36-month body prepares reaccreditation at the second review, a
    24-month body at the first (§4.4.2)."""
    if validity_months not in (24, 36):
        raise ValueError("Awards last 24 or 36 months")
    years = validity_months // 12
    expires = anniversary(awarded_on, years) - dt.timedelta(days=1)
    reviews = tuple(anniversary(awarded_on, n) for n in range(1, years))
    return AwardDates(awarded_on, expires, reviews, len(reviews))


def reissue_dates(original: AwardDates, reissued_on: dt.date) -> AwardDates:
    """Re-issuing a 2a as 2b at the first review: a new certificate date, the same expiry."""
    if not original.awarded_on <= reissued_on <= original.expires_on:
        raise ValueError("A re-issue must fall within the award's validity")
    return AwardDates(reissued_on, original.expires_on, original.reviews_due, original.reaccreditation_review)


def is_current(dates: AwardDates, today: dt.date) -> bool:
    return dates.awarded_on <= today <= dates.expires_on


# --- The workflow ------------------------------------------------------------------------------
#
# One table says who may do what at which stage of a round (`WORKFLOW`, below). Views, templates
# and actions all ask it through `allowed_moves`, `move`, `may_edit` and `may_reissue`; nothing
# else decides a stage rule.


class Stage(str, enum.Enum):  # noqa: UP042 - stored value
    COMMITMENT_REQUESTED = "commitment_requested"
    COMMITMENT_DECLINED = "commitment_declined"  # the Awarding Body said no, with reasons; the round ends
    COMMITTED = "committed"
    SUBMITTED = "submitted"
    ASSESSOR_ASSIGNED = "assessor_assigned"
    VISIT_SCHEDULED = "visit_scheduled"
    JUDGED = "judged"  # the assessor has submitted judgments and a recommended outcome
    ISSUED = "issued"  # the Awarding Body has issued the report (and certificate, if awarded)

    @property
    def words(self) -> str:
        return self.value.replace("_", " ")


# A round at one of these stages is finished: the provider may start another.
CLOSED_STAGES = frozenset({Stage.COMMITMENT_DECLINED, Stage.ISSUED})
OPEN_STAGES = frozenset(Stage) - CLOSED_STAGES


class WorkflowActor(str, enum.Enum):  # noqa: UP042 - named in messages
    """Who a person is to one round (derived from their role by `qic.accreditation.access.workflow_actor`).

    Provider staff, governors, the Consortium and assessors not assigned to the round may read
    what their role lets them see, but have no part in the workflow (no actor at all)."""

    CAREERS_LEADER = "careers_leader"  # a careers leader of the round's provider
    BODY_ADMIN = "body_admin"  # an admin of the round's Awarding Body
    ASSESSOR = "assessor"  # the assessor assigned to the round

    @property
    def words(self) -> str:
        return self.value.replace("_", " ")


# The old name, kept for callers outside the workflow.
Actor = WorkflowActor


class Step(str, enum.Enum):  # noqa: UP042 - used in URLs
    """The moves of a round; the value is the step's name in URLs and audit."""

    REQUEST_COMMITMENT = "request_commitment"
    GRANT_COMMITMENT = "grant_commitment"
    DECLINE_COMMITMENT = "decline_commitment"
    SUBMIT_PORTFOLIO = "submit_portfolio"
    RETURN_INCOMPLETE = "return_incomplete"
    ASSIGN_ASSESSOR = "assign_assessor"
    SCHEDULE_VISIT = "schedule_visit"
    SUBMIT_JUDGMENTS = "submit_judgments"
    RETURN_TO_ASSESSOR = "return_to_assessor"
    ISSUE_OUTCOME = "issue_outcome"
    REISSUE_AWARD = "reissue_award"
    START_REACCREDITATION = "start_reaccreditation"
    CANCEL_REACCREDITATION = "cancel_reaccreditation"

    @property
    def words(self) -> str:
        return self.value.replace("_", " ")


class Editable(str, enum.Enum):  # noqa: UP042 - readable in tests
    """What may be changed in a round without moving it."""

    EVIDENCE = "evidence"  # the documents before the assessment (§5.1.1)
    COMMENTARY = "commentary"  # the provider's commentary on each criterion
    JUDGMENTS = "judgments"  # the assessor's judgment and comment on each criterion
    CONVERSATIONS = "conversations"  # learner voice and other conversations during the visit (§5.1.2)
    SUMMARY = "summary"  # key principles, strengths, areas for development, action points
    REPORT_CORRECTION = "report_correction"  # a corrected version of the issued report
    ANNUAL_REVIEW = "annual_review"  # the record of an annual review (§4.6)

    @property
    def words(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True)
class Move:
    step: Step
    source: Stage | None  # None: the provider has no open round
    target: Stage | None  # None: the round is removed (a cancelled reaccreditation)
    by: frozenset[WorkflowActor]
    # False for a move that turns the round back or ends it: nobody is waiting for it.
    forward: bool = True
    # A move only a reaccreditation has (cancelling it before its evidence is submitted).
    reaccreditation_only: bool = False

    @property
    def name(self) -> str:
        return self.step.value


@dataclass(frozen=True)
class StageRules:
    moves: tuple[Move, ...] = ()
    edits: Mapping[Editable, frozenset[WorkflowActor]] = field(default_factory=dict)


LEADER = frozenset({WorkflowActor.CAREERS_LEADER})
BODY = frozenset({WorkflowActor.BODY_ADMIN})
ASSESSOR = frozenset({WorkflowActor.ASSESSOR})
LEADER_OR_BODY = LEADER | BODY


def _moves(source: Stage | None, *rows: tuple[Step, Stage | None, frozenset[WorkflowActor]]) -> tuple[Move, ...]:
    return tuple(Move(step, source, target, by) for step, target, by in rows)


# Who may do what at which stage (Guide §4.4–4.6, §5.1). Read a row as "at this stage, these may
# make this move, which takes the round to that stage" and "while at this stage, these may change
# this". Conditions on the round's content (evidence present, every criterion judged, the visit
# held) are checked by the action that makes the move and say what is missing.
WORKFLOW: dict[Stage | None, StageRules] = {
    # No open round: the careers leader asks for the certificate of commitment (§4.4.1).
    None: StageRules(moves=_moves(None, (Step.REQUEST_COMMITMENT, Stage.COMMITMENT_REQUESTED, LEADER))),
    Stage.COMMITMENT_REQUESTED: StageRules(
        moves=(
            # The body checks the governing body's public commitment and the Compass report (§4.4.1).
            Move(Step.GRANT_COMMITMENT, Stage.COMMITMENT_REQUESTED, Stage.COMMITTED, BODY),
            # ... or declines, saying why; the leader may ask again (a new request).
            Move(Step.DECLINE_COMMITMENT, Stage.COMMITMENT_REQUESTED, Stage.COMMITMENT_DECLINED, BODY, forward=False),
        ),
        edits={Editable.EVIDENCE: LEADER},
    ),
    Stage.COMMITMENT_DECLINED: StageRules(),
    Stage.COMMITTED: StageRules(
        moves=(
            # The leader builds the evidence the assessor prepares from (§5.1.1), then submits it.
            Move(Step.SUBMIT_PORTFOLIO, Stage.COMMITTED, Stage.SUBMITTED, LEADER),
            # A reaccreditation started by mistake can be called off until its evidence is submitted.
            Move(
                Step.CANCEL_REACCREDITATION,
                Stage.COMMITTED,
                None,
                LEADER_OR_BODY,
                forward=False,
                reaccreditation_only=True,
            ),
        ),
        edits={Editable.EVIDENCE: LEADER, Editable.COMMENTARY: LEADER},
    ),
    Stage.SUBMITTED: StageRules(
        moves=(
            Move(Step.ASSIGN_ASSESSOR, Stage.SUBMITTED, Stage.ASSESSOR_ASSIGNED, BODY),
            # The body sends incomplete evidence back to the leader, saying what to fix.
            Move(Step.RETURN_INCOMPLETE, Stage.SUBMITTED, Stage.COMMITTED, BODY, forward=False),
        ),
    ),
    Stage.ASSESSOR_ASSIGNED: StageRules(
        moves=(Move(Step.SCHEDULE_VISIT, Stage.ASSESSOR_ASSIGNED, Stage.VISIT_SCHEDULED, BODY),),
    ),
    Stage.VISIT_SCHEDULED: StageRules(
        moves=(
            # Moving the date of a visit already scheduled.
            Move(Step.SCHEDULE_VISIT, Stage.VISIT_SCHEDULED, Stage.VISIT_SCHEDULED, BODY),
            # The assessor judges every criterion and recommends the outcome (§4.4.2), after the visit.
            Move(Step.SUBMIT_JUDGMENTS, Stage.VISIT_SCHEDULED, Stage.JUDGED, ASSESSOR),
        ),
        edits={Editable.JUDGMENTS: ASSESSOR, Editable.CONVERSATIONS: ASSESSOR, Editable.SUMMARY: ASSESSOR},
    ),
    Stage.JUDGED: StageRules(
        moves=(
            Move(Step.RETURN_TO_ASSESSOR, Stage.JUDGED, Stage.VISIT_SCHEDULED, BODY, forward=False),
            # The body issues the report, and for 2a or 2b the award and its certificate (§4.4.2, §4.5).
            Move(Step.ISSUE_OUTCOME, Stage.JUDGED, Stage.ISSUED, BODY),
        ),
    ),
    Stage.ISSUED: StageRules(
        moves=(
            # After the first annual review of a 2a recommends it (see `reissue_refusal`).
            Move(Step.REISSUE_AWARD, Stage.ISSUED, Stage.ISSUED, BODY, forward=False),
            # A new round starting from this one, already committed (§4.6: preparing for renewal).
            Move(Step.START_REACCREDITATION, Stage.ISSUED, Stage.ISSUED, LEADER_OR_BODY, forward=False),
        ),
        edits={Editable.REPORT_CORRECTION: BODY, Editable.ANNUAL_REVIEW: ASSESSOR},
    ),
}

# Every move, in the table's order (for lists and the provider's to-do items).
MOVES = tuple(m for rules in WORKFLOW.values() for m in rules.moves)


def allowed_moves(
    stage: Stage | None, actor: WorkflowActor | None, *, reaccreditation: bool = False
) -> tuple[Move, ...]:
    """The moves `actor` may make from `stage` (None: no open round) of a round, a reaccreditation or not."""
    if actor is None:
        return ()
    return tuple(m for m in WORKFLOW[stage].moves if actor in m.by and (reaccreditation or not m.reaccreditation_only))


def may_edit(stage: Stage | None, actor: WorkflowActor | None, thing: Editable) -> bool:
    """Whether `actor` may change `thing` while the round is at `stage`."""
    return actor is not None and actor in WORKFLOW[stage].edits.get(thing, frozenset())


def who_makes(step: Step) -> frozenset[WorkflowActor]:
    """Everyone who makes `step` at some stage (a person who never does gets 403, not a message)."""
    return frozenset(a for m in MOVES if m.step is step for a in m.by)


def who_edits(thing: Editable) -> frozenset[WorkflowActor]:
    """Everyone who may change `thing` at some stage."""
    return frozenset(a for rules in WORKFLOW.values() for a in rules.edits.get(thing, frozenset()))


class MoveRefused(ValueError):
    pass


def move(
    stage: Stage | None, name: Step | str, by: WorkflowActor | None, *, reaccreditation: bool = False
) -> Stage | None:
    """The stage after making move `name` from `stage` (None: the round is removed), or
    MoveRefused with a clear reason."""
    try:
        step = Step(name)
    except ValueError:
        raise MoveRefused(f"There is no step called “{name}”.") from None
    for candidate in WORKFLOW[stage].moves:
        if candidate.step is step and (reaccreditation or not candidate.reaccreditation_only):
            if by not in candidate.by:
                who = " or the ".join(a.words for a in WorkflowActor if a in candidate.by)
                raise MoveRefused(f"Only the {who} can {step.words}.")
            return candidate.target
    allowed = (
        ", ".join(m.step.words for m in WORKFLOW[stage].moves if reaccreditation or not m.reaccreditation_only)
        or "nothing"
    )
    where = f"the “{stage.words}” stage" if stage else "this point"
    raise MoveRefused(f"You cannot {step.words} at {where}; next can be: {allowed}.")


def may_recommend_reissue(*, review_number: int, outcome: Outcome | None) -> bool:
    """Only the first annual review of a 2a award may recommend re-issue as 2b (§4.4.2)."""
    return review_number == 1 and outcome is Outcome.GOOD_PROGRESS


def reissue_refusal(*, outcome: Outcome | None, first_review_recommends: bool) -> str:
    """Why the current award (its outcome; None: no current award) cannot be re-issued as 2b, or ""."""
    if outcome is not Outcome.GOOD_PROGRESS:
        return "Only a current 2a award can be re-issued as fully meeting."
    if not first_review_recommends:
        return "The first annual review has not recommended re-issue."
    return ""


def may_reissue(
    stage: Stage, actor: WorkflowActor | None, *, outcome: Outcome | None, first_review_recommends: bool
) -> bool:
    """The Awarding Body may re-issue a current 2a as 2b once the first review recommends it."""
    return any(m.step is Step.REISSUE_AWARD for m in allowed_moves(stage, actor)) and not reissue_refusal(
        outcome=outcome, first_review_recommends=first_review_recommends
    )


def visit_refusal(step: Step, *, visit_on: dt.date | None, today: dt.date) -> str:
    """Why `step` cannot be made today given the visit date, or "": the assessment is submitted
    and issued only once the visit has taken place."""
    if step in (Step.SUBMIT_JUDGMENTS, Step.ISSUE_OUTCOME):
        if visit_on is None:
            return "The assessment visit has not been scheduled."
        if today < visit_on:
            what = "submitted" if step is Step.SUBMIT_JUDGMENTS else "issued"
            return f"The assessment cannot be {what} before the visit on {long_date(visit_on)}."
    return ""


# --- Before the assessment ---------------------------------------------------------------------

COMPASS_MONTHS = 12


def compass_is_up_to_date(completed_on: dt.date | None, assessed_on: dt.date) -> bool:
    """A Compass / Compass+ self-assessment counts as up to date for an assessment held within
    12 months of its completion (footnote 23 asks for a current one; a year keeps it to the
    provider's current programme)."""
    if completed_on is None:
        return False
    return completed_on <= assessed_on <= add_months(completed_on, COMPASS_MONTHS)


@dataclass(frozen=True)
class EvidenceKind:
    code: str
    label: str
    hint: str
    required: bool  # the assessor cannot start without it (§5.1.1)


# What the assessor prepares from (§5.1.1), in the order the Guide lists it.
EVIDENCE_KINDS = (
    EvidenceKind(
        "previous_report",
        "Previous Quality in Careers assessment report",
        "If you have been assessed before. Added for you when the report was issued here.",
        False,
    ),
    EvidenceKind("inspection", "Latest Ofsted or ISI inspection report", "The most recent full report.", True),
    EvidenceKind(
        "destinations",
        "Destinations data for the last three years",
        "One file or one for each year (a CSV file is accepted), or none: destinations recorded in QiC Platform "
        "for any of the last three leaving cohorts count as provided.",
        True,
    ),
    EvidenceKind(
        "ceiag_policy",
        "CEIAG policy approved by the governing body",
        "With the date of approval; say in the commentary where your programme is published on your website.",
        True,
    ),
    EvidenceKind(
        "provider_access",
        "Provider access policy statement",
        "Meeting the legal duty (the Baker Clause), with the Careers Leader's contact details.",
        True,
    ),
    EvidenceKind(
        "compass",
        "Compass or Compass+ self-assessment report",
        "Required, and up to date: completed within 12 months of the assessment.",
        True,
    ),
    EvidenceKind(
        "impact_review",
        "Careers Impact System outcomes",
        "Optional: any experience of, or outcomes from, the Careers Impact System.",
        False,
    ),
    EvidenceKind(
        "context",
        "Context and management of the careers provision",
        "Optional: context such as deprivation, leadership and governance arrangements, the Careers Leader's "
        "job description, evidence from partners.",
        False,
    ),
    EvidenceKind("other", "Other evidence", "Anything else that supports a criterion.", False),
)
EVIDENCE_KIND_BY_CODE = {kind.code: kind for kind in EVIDENCE_KINDS}


def missing_evidence(present: Iterable[str], *, reaccreditation: bool) -> list[EvidenceKind]:
    """The required kinds of evidence not yet provided (a reaccreditation needs the previous report)."""
    have = set(present)
    return [
        kind
        for kind in EVIDENCE_KINDS
        if kind.code not in have and (kind.required or (reaccreditation and kind.code == "previous_report"))
    ]


# What the assessor gathers during the visit (§5.1.2).
CONVERSATION_KINDS = (
    ("learner_voice", "Learner voice session"),
    ("staff", "Conversation with staff"),
    ("parents", "Conversation with parents and carers"),
    ("employers", "Conversation with employers"),
    ("governors", "Conversation with governors"),
    ("partners", "Conversation with external partners"),
)


# --- Uploaded files ----------------------------------------------------------------------------

ALLOWED_UPLOADS = {
    "pdf": ("application/pdf", "PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook"),
    "png": ("image/png", "PNG image"),
    "jpg": ("image/jpeg", "JPEG image"),
    # Only for the evidence kinds in CSV_EVIDENCE_KINDS, and only where the caller allows it.
    "csv": ("text/csv", "CSV file"),
}
BINARY_UPLOADS_MESSAGE = "The file must be a PDF, Word (.docx) or Excel (.xlsx) document, or a PNG or JPEG image."
# Destinations data is most often a table exported from a tracking system or spreadsheet (§5.1.1 asks
# for three years of it): a CSV is accepted for it, and for nothing else.
CSV_EVIDENCE_KINDS = frozenset({"destinations"})


class UploadRefused(ValueError):
    pass


def sniff_upload(head: bytes, zip_names: Iterable[str] | None = None) -> str:
    """The kind of an uploaded file from its content ("pdf", "docx", ...), whatever its name says.

    `head` is the file's first bytes; `zip_names` the member names when it is a ZIP (Word and Excel
    files are ZIP packages told apart by their main part). Raises UploadRefused for anything else.
    """
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        names = set(zip_names or ())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise UploadRefused("The file is a ZIP archive but not a Word or Excel document.")
    raise UploadRefused(BINARY_UPLOADS_MESSAGE)


# Characters a CSV file never holds: the C0 controls other than tab, line feed and carriage
# return, DEL, and the C1 controls (binary data read as text shows them).
_CONTROL = frozenset(chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))) - {"\t", "\n", "\r"}


def csv_problem(data: bytes) -> str | None:
    """Why `data` is not a CSV file that can be accepted, or None when it is one.

    A CSV is text: UTF-8 (with or without the byte-order mark Excel writes) or Windows-1252 (what
    older Excel and tracking systems export), no NUL byte and no control character, and a first
    line that is a header of at least two columns, separated by commas or tabs. Told by content,
    never by name: a renamed binary file is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "it is saved as UTF-16 text. Save it again as “CSV UTF-8 (comma delimited)”."
    if b"\x00" in data:
        return "it is not a text file (it holds NUL bytes)."
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return "it is not text in UTF-8 or Windows-1252."
    if not text.strip():
        return "it is empty."
    if any(character in _CONTROL for character in text):
        return "it holds control characters, so it is not a text file."
    header = next(line for line in text.splitlines() if line.strip())
    if "," not in header and "\t" not in header:
        return "its first line has no commas or tabs, so it is not a table with a header row."
    return None


def upload_type(data: bytes, zip_names: Iterable[str] | None, *, name: str, csv_allowed: bool) -> str:
    """The kind of an uploaded file from its content: `sniff_upload`'s kinds, or "csv" where a CSV
    may be added (`csv_allowed`) and the content is one (`csv_problem`). Raises UploadRefused
    saying why not; a file named .csv that is not one is told what is wrong with it."""
    try:
        return sniff_upload(data[:16], zip_names)
    except UploadRefused:
        if not csv_allowed or data.startswith(b"PK\x03\x04"):
            raise
    problem = csv_problem(data)
    if problem is None:
        return "csv"
    if name.lower().endswith((".csv", ".tsv", ".txt")):
        raise UploadRefused(f"The file cannot be read as a CSV file: {problem}")
    raise UploadRefused(
        "The file must be a PDF, Word (.docx) or Excel (.xlsx) document, a PNG or JPEG image, "
        "or a CSV file of destinations data."
    )


def upload_refused_for_kind(file_type: str, kind: str) -> str | None:
    """Why a file of `file_type` cannot be evidence of `kind`, or None when it can: a CSV only for
    the kinds in CSV_EVIDENCE_KINDS."""
    if file_type == "csv" and kind not in CSV_EVIDENCE_KINDS:
        labels = " or ".join(f"“{EVIDENCE_KIND_BY_CODE[k].label}”" for k in sorted(CSV_EVIDENCE_KINDS))
        return (
            f"A CSV file can only be added as {labels}. Choose that, or add this evidence as a PDF, Word, "
            "Excel or image file."
        )
    return None

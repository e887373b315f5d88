"""An employer confirms an activity by link: what their answers mean for the activity's record.

Pure rules; `qic.partners.confirmation` stores the answers and passes the elements to the
programme's own save, which works out what the activity counts towards. The employer's word only
adds elements: a confirmation never clears what the school recorded, and one that says the activity
did not take place changes nothing in the figures (the school sees it flagged instead).
"""

from __future__ import annotations

from dataclasses import dataclass

from qic.domain.activities import ActivityType

# The activities an employer is asked about: the point of the link is Benchmarks 5 and 6. Staff
# may ask about any activity with an employer, but these are offered first.
EMPLOYER_FACING = frozenset({ActivityType.EMPLOYER_ENCOUNTER, ActivityType.WORKPLACE_EXPERIENCE})

# How long each answer may be (a phone's textarea, not an essay).
MAX_ANSWER = 2000


@dataclass(frozen=True)
class Answers:
    """What the employer said on the link's form (text already stripped)."""

    took_place: bool
    not_held_reason: str = ""
    purpose: str = ""
    task: str = ""
    feedback: str = ""


def problems(answers: Answers) -> dict[str, str]:
    """Field name -> what is wrong, in words for the employer; empty when the answers can be kept."""
    found: dict[str, str] = {}
    if answers.took_place:
        if not answers.purpose:
            found["purpose"] = "Say what the activity was for and what learners should have gained"
    elif not answers.not_held_reason:
        found["not_held_reason"] = "Say why the activity did not take place"
    for name in ("not_held_reason", "purpose", "task", "feedback"):
        if len(getattr(answers, name)) > MAX_ANSWER:
            found[name] = f"Keep this to {MAX_ANSWER} characters or fewer"
    return found


def elements_confirmed(answers: Answers) -> frozenset[str]:
    """The activity's meaning elements (qic.domain.activities fields) the employer's answers show.

    A stated purpose is the shared purpose and learning outcomes; a task set is the employer's
    task; feedback given is the employer's feedback. Nothing when it did not take place."""
    if not answers.took_place:
        return frozenset()
    found = set()
    if answers.purpose:
        found.add("shared_purpose")
    if answers.task:
        found.add("employer_task")
    if answers.feedback:
        found.add("employer_feedback")
    return frozenset(found)


def confirmed_words(confirmed: int, employer_activities: int, year_label: str) -> str:
    """The portfolio's line under a Benchmark 5 or 6 criterion."""
    noun = "activity" if employer_activities == 1 else "activities"
    return f"{confirmed} of {employer_activities} employer {noun} in {year_label} confirmed by the employer"

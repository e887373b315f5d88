"""The rules for feedback after an activity (criterion 1.6), from hand-computed cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qic.domain.feedback import (
    MAX_PARENT_LINES,
    MIN_FOR_AVERAGE,
    Again,
    Answer,
    Respondent,
    average,
    evaluation_words,
    may_ask,
    parse_people,
    summarise,
    summarise_by_kind,
)

E, P, S = Respondent.EMPLOYER, Respondent.PARENT, Respondent.STAFF


def test_the_average_is_to_one_decimal_with_halves_rounded_up() -> None:
    assert average([4, 4, 5, 4]) == Decimal("4.3")  # 4.25
    assert average([5, 4, 4]) == Decimal("4.3")  # 4.333...
    assert average([1, 2]) == Decimal("1.5")
    assert average([3, 3, 4]) == Decimal("3.3")  # 3.333...
    assert average([2, 3, 3]) == Decimal("2.7")  # 2.666...
    assert average([]) is None


def test_a_summary_counts_spreads_and_averages() -> None:
    summary = summarise(
        [Answer(E, 5, Again.YES), Answer(E, 4, Again.NOT_SURE), Answer(P, 4), Answer(S, 2), Answer(E, 3, Again.YES)]
    )
    assert summary.count == 5
    assert summary.distribution == {1: 0, 2: 1, 3: 1, 4: 2, 5: 1}
    assert summary.average == Decimal("3.6")  # 18 / 5
    assert summary.again_answers == 3
    assert summary.again_yes == 2
    assert summary.again_percent == 67  # 2 of 3, "not sure" is not a yes
    assert summary.words() == "5 responses, average 3.6"


def test_below_the_minimum_only_the_count_is_shown() -> None:
    assert MIN_FOR_AVERAGE == 3
    two = summarise([Answer(E, 5, Again.YES), Answer(E, 1, Again.NO)])
    assert two.average is None
    assert two.again_percent is None
    assert two.words() == "2 responses (too few for an average)"
    assert summarise([]).words() == "0 responses"
    assert summarise([Answer(P, 4)]).words() == "1 response (too few for an average)"
    three = summarise([Answer(P, 5), Answer(P, 5), Answer(P, 4)])
    assert three.average == Decimal("4.7")


def test_only_employers_answers_to_taking_part_again_count() -> None:
    summary = summarise([Answer(P, 4, Again.YES), Answer(S, 4, Again.YES), Answer(S, 4, Again.NO)])
    assert summary.again_answers == 0
    assert summary.again_percent is None


def test_by_kind_has_every_kind_in_order() -> None:
    by_kind = summarise_by_kind([Answer(S, 4), Answer(E, 2, Again.NO), Answer(S, 5)])
    assert list(by_kind) == [E, P, S]
    assert by_kind[E].count == 1
    assert by_kind[P].count == 0
    assert by_kind[S].rating_total == 9


def test_a_rating_outside_one_to_five_is_refused() -> None:
    with pytest.raises(ValueError, match="1 to 5"):
        summarise([Answer(E, 6)])


def test_people_are_read_one_a_line() -> None:
    people, errors = parse_people("Sam Jones <sam@example.com>\n\n  Ali   Khan<ali.khan@mail.example.org>  \r\n")
    assert errors == []
    assert [(p.name, p.email) for p in people] == [
        ("Sam Jones", "sam@example.com"),
        ("Ali Khan", "ali.khan@mail.example.org"),
    ]


def test_every_bad_line_is_reported_with_its_number_and_reason() -> None:
    text = "\n".join(
        [
            "Sam Jones <sam@example.com>",  # 1 fine
            "sam@example.com",  # 2 no name, no brackets
            "<pat@example.com>",  # 3 no name
            "Pat <not an address>",  # 4 space in the address
            "Pat <pat@localhost>",  # 5 no dot in the domain
            "Sam again <SAM@example.com>",  # 6 the same address
            "Lee <lee@example.com",  # 7 unclosed
        ]
    )
    people, errors = parse_people(text)
    assert [p.email for p in people] == ["sam@example.com"]
    assert [(e.line, e.reason) for e in errors] == [
        (2, "write it as: Name <email address>"),
        (3, "add the person's name before the address"),
        (4, "the email address is not valid"),
        (5, "the email address is not valid"),
        (6, "the same address is on line 1"),
        (7, "write it as: Name <email address>"),
    ]
    assert str(errors[0]) == "Line 2 (sam@example.com): write it as: Name <email address>"


def test_too_many_people_at_once_is_refused() -> None:
    text = "\n".join(f"Parent {n} <p{n}@example.com>" for n in range(MAX_PARENT_LINES + 1))
    _people, errors = parse_people(text)
    assert len(errors) == 1
    assert "at most" in errors[0].reason


def test_the_portfolio_line_names_the_four_voices() -> None:
    by_kind = summarise_by_kind(
        [Answer(E, 4), Answer(E, 4), Answer(E, 5), Answer(E, 4), Answer(E, 4), Answer(P, 3), Answer(S, 2)]
    )
    learners = summarise([])
    for rating in (4, 4, 5, 4):
        learners.add_rating(rating)
    assert evaluation_words("2025/26", 2, by_kind, learners) == (
        "Feedback on 2 activities in 2025/26: 5 from employers (average 4.2), 1 from parents and carers, "
        "1 from staff; learners' own reflections: 4 reflections (average 4.3)"
    )
    nothing = summarise_by_kind([])
    assert evaluation_words("2024/25", 0, nothing, summarise([])) == (
        "No feedback from employers, parents and carers or staff in 2024/25; learners' own reflections: 0 reflections"
    )


def test_feedback_is_asked_for_from_the_activitys_day() -> None:
    import datetime as dt

    day = dt.date(2026, 3, 10)
    assert may_ask(day, day)
    assert may_ask(day, day + dt.timedelta(days=30))
    assert not may_ask(day, day - dt.timedelta(days=1))

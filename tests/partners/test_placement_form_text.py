"""What the placement forms say: the shared field template adds "(optional)" and the date
example itself, so the forms' own labels and hints must not say them again (the employer's and
the parent's pages showed "(optional) (optional)" and two examples of a date)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from qic.learners.models import Learner
from qic.partners.models import Employer
from qic.partners.placement_forms import CancelForm, ConsentForm, DocumentForm, PaperConsentForm, ProposeForm


@pytest.mark.django_db
@pytest.mark.parametrize(
    "form",
    [
        lambda: ProposeForm(learners=Learner.objects.none(), employers=Employer.objects.none()),
        DocumentForm,
        ConsentForm,
        PaperConsentForm,
        CancelForm,
    ],
)
def test_no_label_or_hint_says_it_twice(form: Callable[[], Any]) -> None:
    html = str(form().as_div())
    assert "(optional) (optional)" not in html
    for hint in re.findall(r'class="govuk-hint">(.*?)</div>', html, flags=re.S):
        assert hint.count("For example") <= 1, hint


@pytest.mark.django_db
def test_the_optional_fields_are_marked_once() -> None:
    consent = str(ConsentForm().as_div())
    assert "Medical or access needs the employer should know about (optional)</label>" in consent
    assert "Emergency contact phone number during the placement (optional)</label>" in consent
    assert "Needed if you agree" in consent
    propose = str(ProposeForm(learners=Learner.objects.none(), employers=Employer.objects.none()).as_div())
    assert "Contact at the employer (optional)</label>" in propose
    assert "Role or department (optional)</label>" in propose
    document = str(DocumentForm().as_div())
    assert "For example 31 7 2027" not in document
    assert document.count("For example") == 1

"""`manage.py record_mail_bounce`: the operator records bounces the mail service reported."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from qic.domain.partner_links import LinkPurpose
from qic.partners import links
from qic.partners.models import PartnerLink
from tests.factories import ProviderFactory, leader_of, make_activity

pytestmark = pytest.mark.django_db


def sent_link(email: str) -> PartnerLink:
    provider = ProviderFactory()
    link, _ = links.issue(
        provider=provider,
        purpose=LinkPurpose.EMPLOYER_CONFIRMATION,
        recipient_name="Dana",
        activity=make_activity(provider),
        by_email=False,
        actor=leader_of(provider),
    )
    PartnerLink.objects.filter(pk=link.pk).update(recipient_email=email, delivery=PartnerLink.Delivery.SENT)
    return link


def run(*args: str, stdin: str = "", monkeypatch: Any = None) -> str:
    out = io.StringIO()
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("record_mail_bounce", *args, stdout=out)
    return out.getvalue()


def test_an_address_given_as_an_argument_is_marked_with_the_detail() -> None:
    link = sent_link("dana@example.com")
    other = sent_link("sam@example.com")
    output = run("DANA@example.com", "--detail", "550 mailbox unavailable")
    assert "dana@example.com: 1 link marked bounced" in output.lower()
    link.refresh_from_db()
    other.refresh_from_db()
    assert (link.delivery, link.delivery_detail) == (PartnerLink.Delivery.BOUNCED, "550 mailbox unavailable")
    assert other.delivery == PartnerLink.Delivery.SENT


def test_addresses_from_a_file_and_from_standard_input(tmp_path: Path, monkeypatch: Any) -> None:
    first, second, third = sent_link("a@example.com"), sent_link("b@example.com"), sent_link("c@example.com")
    listing = tmp_path / "bounces.txt"
    listing.write_text("# from the mail service\na@example.com\n\nb@example.com\n", encoding="utf-8")
    assert "2 links marked bounced in all" in run("--file", str(listing))
    assert "1 link marked bounced in all" in run("--file", "-", stdin="c@example.com\n", monkeypatch=monkeypatch)
    for link in (first, second, third):
        link.refresh_from_db()
        assert link.delivery == PartnerLink.Delivery.BOUNCED
        assert link.delivery_detail == "The mail bounced."


def test_a_bad_address_records_nothing_and_says_which_line(tmp_path: Path) -> None:
    link = sent_link("a@example.com")
    listing = tmp_path / "bounces.txt"
    listing.write_text("a@example.com\nnot an address\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2: 'not an address'"):
        run("--file", str(listing))
    link.refresh_from_db()
    assert link.delivery == PartnerLink.Delivery.SENT
    with pytest.raises(CommandError, match="at least one address"):
        run()
    with pytest.raises(CommandError, match="Could not read"):
        run("--file", str(tmp_path / "missing.txt"))

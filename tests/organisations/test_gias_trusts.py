"""A school's multi-academy trust comes from GIAS ("Trusts (code)", "Trusts (name)"): it decides
which schools may share employers in their directories (qic.partners.directory_queries)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from qic.organisations.gias import read_gias
from qic.organisations.models import Provider

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gias"
TRUSTS = FIXTURES / "edubasealldata_trusts.csv"
MAIN = FIXTURES / "edubasealldata20250101.csv"


def test_the_reader_takes_the_trust_columns() -> None:
    records = {r.urn: r for r in read_gias(TRUSTS.read_bytes()).records}
    assert (records[990201].trust_code, records[990201].trust_name) == ("TR09901", "Northern Fells Learning Trust")
    assert records[990202].trust_code == "TR09901"
    assert (records[990203].trust_code, records[990203].trust_name) == ("", "")


def test_a_file_without_the_columns_reads_as_no_trust() -> None:
    assert {r.trust_code for r in read_gias(MAIN.read_bytes()).records} == {""}


@pytest.mark.django_db
def test_the_import_stores_the_trust_and_a_later_file_changes_it(tmp_path: Path) -> None:
    call_command("import_gias", str(TRUSTS), "--wait", stdout=io.StringIO())
    fellside = Provider.objects.get(urn=990201)
    assert (fellside.trust_code, fellside.trust_name) == ("TR09901", "Northern Fells Learning Trust")
    assert Provider.objects.get(urn=990203).trust_code == ""
    # The school leaves the trust: the next extract has the cells blank and the import clears them.
    changed = TRUSTS.read_bytes().replace(
        b"990201,Fellside Academy,Academy converter,Academies,Open,Secondary,TR09901,Northern Fells Learning Trust",
        b"990201,Fellside Academy,Academy converter,Academies,Open,Secondary,,",
    )
    path = tmp_path / "trusts.csv"
    path.write_bytes(changed)
    call_command("import_gias", str(path), "--wait", stdout=io.StringIO())
    fellside.refresh_from_db()
    assert (fellside.trust_code, fellside.trust_name) == ("", "")

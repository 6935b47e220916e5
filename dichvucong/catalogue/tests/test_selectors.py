from __future__ import annotations

import pytest

from conftest import publish
from dichvucong.catalogue.models import Field
from dichvucong.catalogue.selectors import (
    ProcedureFilters,
    field_list,
    procedure_search,
    procedure_version_get,
)
from dichvucong.catalogue.tests.records import make_record


def codes(**filters) -> list[str]:
    return [p.code for p in procedure_search(filters=ProcedureFilters(**filters))]


JUSTICE = "1.001776.000.00.00.H10"
PERMIT = "1.008891.000.00.00.H10"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "giay phep xay dung",
        "Giấy phép xây dựng",
        "GIAY PHEP",
        "xây   dựng nhà",
        "xay dung, giay phep!",
        "1.008891",
    ],
)
def test_search_is_accent_and_case_insensitive(procedures, query) -> None:
    assert codes(search=query) == [PERMIT]


@pytest.mark.django_db
def test_search_matches_keywords_and_field(procedures) -> None:
    assert codes(search="phieu ly lich") == [JUSTICE]
    assert codes(search="Lý lịch tư pháp") == [JUSTICE]


@pytest.mark.django_db
def test_every_term_must_match(procedures) -> None:
    assert codes(search="giay phep ly lich") == []


@pytest.mark.django_db
def test_whole_phrase_ranks_first(province) -> None:
    publish(make_record(1))
    other = make_record(
        1, MATTHC="1.009999.000.00.00.H10", TENTTHC="Gia hạn giấy phép xây dựng", TUKHOA=""
    )
    publish(other)
    # "Cấp giấy phép xây dựng" holds the phrase "phep xay dung" ... both do; "cap giay" only one.
    assert codes(search="cap giay phep")[0] == PERMIT
    assert set(codes(search="giay phep xay dung")) == {PERMIT, "1.009999.000.00.00.H10"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["'; DROP TABLE catalogue_procedure; --", "😀" * 50, "x" * 10_000, '"%_\\']
)
def test_hostile_queries_are_harmless(procedures, query) -> None:
    assert isinstance(codes(search=query), list)
    assert len(codes()) == 2


@pytest.mark.django_db
def test_filters(procedures, province) -> None:
    assert codes(tier="district") == [PERMIT]
    assert codes(agency=province["000.00.01.H10"]) == [JUSTICE]
    assert codes(agency=province["000.00.03.H10"]) == []
    assert codes(field=Field.objects.get(code="H05-XD02")) == [PERMIT]
    assert codes(level=1) == [PERMIT, JUSTICE]
    assert codes(level=2) == []
    assert codes(applicant_type="business") == []
    assert set(codes(applicant_type="citizen")) == {JUSTICE, PERMIT}


@pytest.mark.django_db
def test_results_are_ordered_by_name(procedures) -> None:
    assert codes() == [PERMIT, JUSTICE]  # "Cấp giấy..." < "Cấp Phiếu..."


@pytest.mark.django_db
def test_only_the_current_version_is_searched(procedures) -> None:
    publish(make_record(1, TENTTHC="Cấp phép xây dựng công trình tạm"))
    assert codes(search="nha o rieng le") == []
    assert codes(search="cong trinh tam") == [PERMIT]
    assert (
        procedure_version_get(code=PERMIT, number=1).name == "Cấp giấy phép xây dựng nhà ở riêng lẻ"
    )
    assert procedure_version_get(code=PERMIT).number == 2


@pytest.mark.django_db
def test_field_list_counts_current_procedures(procedures) -> None:
    publish(make_record(1, TENTTHC="Phiên bản 2"))
    counts = {f.code: f.procedure_count for f in field_list()}  # type: ignore[attr-defined]
    assert counts == {"G01-TP05": 1, "H05-XD02": 1}


@pytest.mark.django_db
def test_terms_match_the_beginning_of_words(procedures) -> None:
    assert codes(search="xay") == [PERMIT]  # "xây dựng"
    assert codes(search="ay dung") == []  # not inside "xây"
    assert codes(search="ich") == []  # not inside "lịch"
    assert codes(search="lich") == [JUSTICE]

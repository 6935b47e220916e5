from __future__ import annotations

import pytest

from dichvucong.catalogue.models import ProcedureVersion


@pytest.mark.django_db
def test_words_lookup_needs_folded_terms() -> None:
    for bad in ([], ["Giấy"], ["a b"], ["x%"], "giay"):
        with pytest.raises(ValueError, match="folded terms"):
            list(ProcedureVersion.objects.filter(search_text__words=bad))


@pytest.mark.django_db
def test_words_lookup_matches_word_beginnings(procedures) -> None:
    def names(*terms: str) -> list[str]:
        found = ProcedureVersion.objects.filter(search_text__words=list(terms))
        return sorted(v.procedure.code for v in found.select_related("procedure"))

    assert names("giay", "xay") == ["1.008891.000.00.00.H10"]
    assert names("phieu", "tu", "phap") == ["1.001776.000.00.00.H10"]
    assert names("hieu") == []  # only inside "phiếu"
    assert names("1", "001776") == ["1.001776.000.00.00.H10"]

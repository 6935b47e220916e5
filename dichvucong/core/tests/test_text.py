from dichvucong.core.text import MAX_QUERY_TERMS, MAX_TERM_LENGTH, fold, search_terms


def test_fold_removes_diacritics_and_case() -> None:
    assert fold("Cấp giấy phép xây dựng nhà ở riêng lẻ") == "cap giay phep xay dung nha o rieng le"


def test_fold_maps_d_with_stroke() -> None:
    assert fold("Đăng ký đất đai") == "dang ky dat dai"


def test_fold_treats_composed_and_decomposed_forms_alike() -> None:
    composed = "Hộ tịch"
    decomposed = "Ho\u0323\u0302 ti\u0323ch"
    assert fold(composed) == fold(decomposed) == "ho tich"


def test_fold_turns_punctuation_into_spaces() -> None:
    assert fold("Sở Tư pháp; (lý lịch) tư-pháp!") == "so tu phap ly lich tu phap"


def test_search_terms_are_distinct_and_folded() -> None:
    assert search_terms("Giấy phép GIAY phep xây") == ["giay", "phep", "xay"]


def test_search_terms_are_bounded_for_huge_input() -> None:
    terms = search_terms(" ".join(f"tu{i}" for i in range(5000)))
    assert len(terms) == MAX_QUERY_TERMS
    long_term = search_terms("a" * 10_000)
    assert long_term == ["a" * MAX_TERM_LENGTH]


def test_search_terms_of_symbols_only_is_empty() -> None:
    assert search_terms('\'; DROP TABLE x; -- 😀 ""') == ["drop", "table", "x"]
    assert search_terms("😀 %%% ___") == []


def test_searchable_pads_words_for_prefix_matching() -> None:
    from dichvucong.core.text import searchable

    assert searchable("Đăng ký hộ tịch", "", "Học sinh") == " dang ky ho tich hoc sinh "

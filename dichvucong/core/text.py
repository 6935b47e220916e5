"""Vietnamese text helpers: accent-insensitive folding for search."""

from __future__ import annotations

import re
import unicodedata

# Letters whose base form is not reached by stripping combining marks.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d"})
_NON_WORD = re.compile(r"[^0-9a-z]+")

MAX_QUERY_TERMS = 12
MAX_TERM_LENGTH = 64


def fold(text: str) -> str:
    """Return `text` lower-cased, without Vietnamese diacritics, punctuation as spaces.

    "Cấp giấy phép xây dựng" and "cap giay phep xay dung" fold to the same string, so a
    search typed with or without diacritics finds the same records.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def searchable(*parts: str) -> str:
    """Return the folded words of `parts` as stored for search: " w1 w2 ... ".

    The surrounding spaces let a search match words by their beginning: " " + term is
    found at the start of any word, and only there.
    """
    words = " ".join(fold(part) for part in parts if part).split()
    return f" {' '.join(words)} "


def search_terms(query: str) -> list[str]:
    """Return the distinct folded terms of a user's query, bounded in number and length.

    A query of any size (a pasted 10 kB text, say) yields at most MAX_QUERY_TERMS terms
    of at most MAX_TERM_LENGTH characters, so the database work stays bounded.
    """
    terms: list[str] = []
    for term in fold(query[: MAX_QUERY_TERMS * (MAX_TERM_LENGTH + 1) * 4]).split():
        term = term[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
        if len(terms) == MAX_QUERY_TERMS:
            break
    return terms

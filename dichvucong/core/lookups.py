"""The `words` lookup: every term begins a word of the column (accent-folded text).

`search_text__words=["giay", "phep"]` keeps rows whose text has a word starting with
"giay" and one starting with "phep". The column holds folded words between spaces
(see `core.text.searchable`), so each term is one `LIKE '% term%'`, the same SQL on
SQLite and PostgreSQL.

Measured on PostgreSQL with 2,000 procedures (bench/): a scan with these LIKEs takes
about 5 ms. A trigram index does not help patterns that start with a space, and a
full-text prefix query on an expression index made the planner recompute
`to_tsvector` row by row (60 ms for common words), so neither is used. A catalogue
much larger than a province's would want a stored tsvector column; the lookup is the
one place to change.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup, TextField
from django.db.models.sql.compiler import SQLCompiler

_TERM = re.compile(r"^[0-9a-z]+$")


@TextField.register_lookup
class Words(Lookup):
    lookup_name = "words"
    prepare_rhs = False

    def _terms(self) -> list[str]:
        terms = list(self.rhs) if isinstance(self.rhs, list | tuple) else []
        if not terms or not all(isinstance(t, str) and _TERM.match(t) for t in terms):
            raise ValueError("words takes a non-empty list of folded terms ([0-9a-z]+)")
        return terms

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        terms = self._terms()
        sql = " AND ".join(f"{lhs} LIKE %s" for _ in terms)
        params = []
        for term in terms:
            params += [*lhs_params, f"% {term}%"]
        return f"({sql})", tuple(params)

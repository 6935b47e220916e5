"""The one pagination every list endpoint uses: {count, next, previous, results}."""

from __future__ import annotations

from typing import Any

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number pagination that answers 400, naming the parameter, on a bad page."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("page_size phải là số nguyên từ 1 đến %(max)d.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def paginate_queryset(  # type: ignore[override]
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        raw = request.query_params.get(self.page_query_param, "1") or "1"
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError(
                {self.page_query_param: [_("page phải là số nguyên từ 1 trở lên.")]}
            )
        try:
            return list(super().paginate_queryset(queryset, request, view) or [])
        except NotFound as exc:
            raise ValidationError(
                {self.page_query_param: [_("Không có trang %(page)s.") % {"page": raw}]}
            ) from exc

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        result = super().get_paginated_response_schema(schema)
        result["required"] = ["count", "next", "previous", "results"]
        return result


__all__ = ["InvalidPage", "PageNumberPagination"]

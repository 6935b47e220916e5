"""Views every deployment needs."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Answer that the application is up (for load balancers; also the benchmarks' baseline)."""
    return JsonResponse({"status": "ok"})

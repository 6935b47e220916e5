"""Public verification pages: upload a signed PDF, download the trust roots."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from dichvucong.core.ratelimit import rate_limited

from .forms import VerifyPdfForm
from .pki import trust_roots_pem
from .verification import pdf_verify

VERIFY_LIMIT_PER_MINUTE = 20
ROOTS_FILENAME = "dichvucong-trust-roots.pem"


@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    """Show the upload form; on POST, verify the PDF and show the report."""
    context: dict[str, Any] = {"form": VerifyPdfForm(), "report": None}
    status = 200
    if request.method == "POST":
        if rate_limited(request, scope="verify-page", limit=VERIFY_LIMIT_PER_MINUTE, window=60):
            context["rate_limited"] = True
            return render(request, "documents/verify/upload.html", context, status=429)
        form = VerifyPdfForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            context["report"] = pdf_verify(pdf=form.cleaned_data["pdf"])
            context["filename"] = getattr(request.FILES.get("pdf"), "name", "")
        else:
            status = 400
    return render(request, "documents/verify/upload.html", context, status=status)


@require_GET
def trust_roots(request: HttpRequest) -> HttpResponse:
    """Return the certificates verification trusts, as PEM, for offline validation."""
    response = HttpResponse(trust_roots_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = f'inline; filename="{ROOTS_FILENAME}"'
    return response

"""The merchant's web endpoints: the gateway's IPN and return URL, the applicant's
"pay" button and receipts (portal), and receipts for the agency's officers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from dichvucong.accounts.models import User
from dichvucong.backoffice.access import officer_required
from dichvucong.dossiers.models import Dossier

from . import selectors, services
from .models import Payment
from .providers import provider_get
from .receipt import payment_receipt


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # behind login_required
        raise Http404
    return user


def client_ip(request: HttpRequest) -> str:
    """Return the payer's address as the gateway wants it (vnp_IpAddr)."""
    return str(request.META.get("REMOTE_ADDR") or "127.0.0.1")[:45]


@csrf_exempt
@require_GET
def vnpay_ipn(request: HttpRequest) -> JsonResponse:
    """The gateway's server-to-server report: the only call that changes a payment."""
    answer = services.payment_ipn_handle(params=request.GET.dict())
    return JsonResponse(answer.as_json())


@require_GET
def vnpay_return(request: HttpRequest) -> HttpResponse:
    """Where the payer's browser comes back: show the outcome, change nothing."""
    params = request.GET.dict()
    verified = provider_get().callback_verified(params)
    payment = None
    report = None
    if verified:
        try:
            report = provider_get().callback_report(params)
        except (KeyError, ValueError):
            verified = False
        else:
            payment = selectors.payment_get_by_reference(txn_ref=report.txn_ref)
            if payment is not None:
                services.payment_return_log(
                    payment=payment, params=params, outcome=str(report.outcome)
                )
    owner = (
        payment is not None
        and request.user.is_authenticated
        and payment.dossier.applicant_id == request.user.pk
    )
    return render(
        request,
        "payments/return.html",
        {
            "verified": verified,
            "success": bool(report and report.outcome == "success"),
            "cancelled": bool(report and report.outcome == "cancelled"),
            "payment": payment,
            "owner": owner,
            "amount": report.amount if report else None,
        },
        status=200 if verified else 400,
    )


@login_required
@require_POST
def dossier_pay(request: HttpRequest, code: str) -> HttpResponse:
    """Start a payment of the applicant's dossier and send them to the gateway."""
    user = _user(request)
    try:
        dossier = selectors.dossier_get_for_payer(applicant=user, code=code)
        payment = services.payment_create(
            dossier=dossier,
            payer=user,
            ip_address=client_ip(request),
            language=get_language() or "vi",
        )
    except Dossier.DoesNotExist:
        raise Http404(_("Không có hồ sơ này.")) from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return HttpResponseRedirect(reverse("portal:dossier-detail", args=[code]))
    return HttpResponseRedirect(payment.payment_url)


def _pdf(filename: str, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def receipt_for_applicant(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The applicant's receipt of a paid payment of their own dossier."""
    try:
        payment = selectors.payment_get_for_applicant(applicant=_user(request), code=code, pk=pk)
        return _pdf(*payment_receipt(payment))
    except (Payment.DoesNotExist, LookupError):
        raise Http404(_("Không có biên lai này.")) from None


@officer_required
@require_GET
def receipt_for_officer(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The receipt of a payment of a dossier the officer may read."""
    try:
        payment = selectors.payment_get_for_officer(user=_user(request), code=code, pk=pk)
        return _pdf(*payment_receipt(payment))
    except (Payment.DoesNotExist, LookupError):
        raise Http404(_("Không có biên lai này.")) from None

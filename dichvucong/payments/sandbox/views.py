"""The sandbox gateway's pages and its merchant web API (mounted at /sandbox/vnpay/)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .services import (
    GatewayError,
    return_redirect_url,
    sandbox_api_answer,
    sandbox_request_check,
    sandbox_transaction_complete,
    sandbox_transaction_open,
)


def _refused(request: HttpRequest, error: GatewayError) -> HttpResponse:
    return render(request, "sandbox/error.html", {"error": error}, status=400)


@require_http_methods(["GET", "POST"])
def payment_page(request: HttpRequest) -> HttpResponse:
    """Show the payment page of a merchant's signed request; on a choice, finish it.

    The payer's choice is posted back to the same address, with the merchant's signed
    parameters still in the query string: the request is checked again, the result
    recorded, the IPN sent, then the browser goes back to the merchant's return URL.
    """
    params = request.GET.dict()
    try:
        if request.method == "POST":
            row, result = sandbox_transaction_complete(
                params=params, choice=request.POST.get("choice", "")
            )
            return HttpResponseRedirect(return_redirect_url(row=row, result=result))
        payment = sandbox_request_check(params=params)
        row = sandbox_transaction_open(request=payment)
    except GatewayError as error:
        return _refused(request, error)
    return render(
        request,
        "sandbox/payment.html",
        {"payment": payment, "transaction": row},
    )


@csrf_exempt
@require_POST
def merchant_api(request: HttpRequest) -> JsonResponse:
    """Answer the merchant web API (querydr, refund): JSON in, signed JSON out."""
    try:
        body = json.loads(request.body)
    except ValueError:
        body = None
    return JsonResponse(sandbox_api_answer(body=body), json_dumps_params={"ensure_ascii": False})

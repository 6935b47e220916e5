"""The sandbox gateway bundled with the project: the gateway side of the VNPay protocol.

Mounted at /sandbox/vnpay/ only when settings.PAYMENT_SANDBOX_ENABLED (config/urls.py);
the paths are VNPay's, so pointing VNPAY_PAYMENT_URL and VNPAY_API_URL at the real
gateway is all it takes to leave the sandbox.
"""

from django.urls import path

from . import views

app_name = "sandbox"

urlpatterns = [
    path("paymentv2/vpcpay.html", views.payment_page, name="payment"),
    path("merchant_webapi/api/transaction", views.merchant_api, name="merchant-api"),
]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsSandboxConfig(AppConfig):
    name = "dichvucong.payments.sandbox"
    label = "payments_sandbox"
    verbose_name = _("Cổng thanh toán thử nghiệm")

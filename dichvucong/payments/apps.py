from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "dichvucong.payments"
    verbose_name = _("Thanh toán trực tuyến")

    def ready(self) -> None:
        from dichvucong.dossiers.actions import effect_handler_register
        from dichvucong.workflows.models import Effect

        from . import services
        from .levels import register_level_4_requirements

        effect_handler_register(Effect.REQUEST_PAYMENT, services.request_payment_effect)
        effect_handler_register(Effect.PAYMENT_RECEIVED, services.payment_received_effect)
        register_level_4_requirements()

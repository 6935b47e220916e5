"""The exchange API between installations: partners, signed messages, outbox."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "dichvucong.interop.exchange"
    label = "exchange"
    verbose_name = _("Trao đổi liên thông giữa các hệ thống")

    def ready(self) -> None:
        from dichvucong.dossiers.events import event_listener_register

        from . import dispatch, services

        event_listener_register("exchange", services.exchange_event_forward)
        dispatch.register()

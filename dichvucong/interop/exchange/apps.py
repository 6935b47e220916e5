from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "dichvucong.interop.exchange"
    label = "exchange"
    verbose_name = _("Trao đổi liên thông giữa các hệ thống")

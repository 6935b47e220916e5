from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriodicReportsConfig(AppConfig):
    name = "dichvucong.reporting.periodic"
    label = "periodic_reports"
    verbose_name = _("Báo cáo định kỳ")

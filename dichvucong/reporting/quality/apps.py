from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceQualityConfig(AppConfig):
    name = "dichvucong.reporting.quality"
    label = "service_quality"
    verbose_name = _("Chỉ số chất lượng phục vụ")

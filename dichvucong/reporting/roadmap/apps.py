from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "dichvucong.reporting.roadmap"
    label = "roadmap"
    verbose_name = _("Lộ trình dịch vụ công trực tuyến")

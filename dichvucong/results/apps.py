from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "dichvucong.results"
    verbose_name = _("Kết quả giải quyết điện tử")

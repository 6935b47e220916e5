from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EformsConfig(AppConfig):
    name = "dichvucong.eforms"
    verbose_name = _("Biểu mẫu điện tử")

    def ready(self) -> None:
        from . import levels

        levels.register_level_3_requirements()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "dichvucong.results"
    verbose_name = _("Kết quả giải quyết điện tử")

    def ready(self) -> None:
        from dichvucong.dossiers.actions import effect_handler_register
        from dichvucong.workflows.models import Effect

        from . import levels, services

        levels.register_level_4_requirements()
        effect_handler_register(Effect.APPROVE, services.result_issue_on_approve)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "dichvucong.reporting"
    label = "reporting"
    verbose_name = _("Thống kê, giám sát")

    def ready(self) -> None:
        from dichvucong.dossiers.events import event_listener_register

        from .services import daily_figures_event_apply

        event_listener_register("reporting.daily_figures", daily_figures_event_apply)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalSyncConfig(AppConfig):
    name = "dichvucong.interop.national"
    label = "national_sync"
    verbose_name = _("Đồng bộ Cổng Dịch vụ công quốc gia")

    def ready(self) -> None:
        from dichvucong.dossiers.events import event_listener_register

        from . import checks  # noqa: F401  (registers the configuration check)
        from .services import dossier_event_sync_record

        event_listener_register("national_sync", dossier_event_sync_record)

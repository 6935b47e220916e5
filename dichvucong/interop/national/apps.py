from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalSyncConfig(AppConfig):
    name = "dichvucong.interop.national"
    label = "national_sync"
    verbose_name = _("Đồng bộ Cổng Dịch vụ công quốc gia")

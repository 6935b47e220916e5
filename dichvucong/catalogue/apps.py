from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "dichvucong.catalogue"
    verbose_name = _("Danh mục thủ tục hành chính")

    def ready(self) -> None:
        from . import levels

        levels.register_catalogue_requirements()

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dichvucong.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import lookups  # noqa: F401  (registers the `words` lookup)

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dichvucong.core"
    verbose_name = "Core"

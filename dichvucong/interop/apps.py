from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "dichvucong.interop"
    label = "interop"
    verbose_name = _("Liên thông")

    def ready(self) -> None:
        from dichvucong.dossiers.actions import (
            actor_role_provider_register,
            effect_handler_register,
        )
        from dichvucong.dossiers.events import event_listener_register
        from dichvucong.dossiers.selectors import reader_condition_register
        from dichvucong.workflows.models import Effect

        from . import selectors, services

        effect_handler_register(Effect.SEND_TO_AGENCY, services.send_to_agency_effect)
        effect_handler_register(Effect.RECEIVE_LEG, services.receive_leg_effect)
        effect_handler_register(Effect.RETURN_TO_SENDER, services.return_to_sender_effect)
        effect_handler_register(Effect.REQUEST_OPINION, services.request_opinion_effect)
        effect_handler_register(Effect.ANSWER_OPINION, services.answer_opinion_effect)
        actor_role_provider_register(
            "interop-legs", lambda dossier, user: selectors.leg_roles(dossier=dossier, user=user)
        )
        event_listener_register("interop-leg-events", services.leg_event_link)
        reader_condition_register("interop-legs", selectors.leg_reader_condition)

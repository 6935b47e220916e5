"""Administrators declare the agencies of an inter-agency procedure and read its legs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from dichvucong.catalogue.models import Procedure, ProcessingTime

from .models import Leg, ProcedureParticipant
from .services import participants_check


def _total_days(procedure: Procedure) -> Decimal | None:
    """Return the shortest working-day time limit of the procedure's current version."""
    durations = [
        Decimal(d)
        for d in ProcessingTime.objects.filter(
            case__version_id=procedure.current_version_id or 0,
            unit="working_days",
            duration__gt=0,
        ).values_list("duration", flat=True)
        if d is not None
    ]
    return min(durations) if durations else None


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = ProcedureParticipant
        fields = ["procedure", "position", "role", "agency", "tier", "share", "share_unit"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        procedure = cleaned.get("procedure")
        if procedure is None or self.errors:
            return cleaned
        candidate = ProcedureParticipant(
            procedure=procedure,
            share=cleaned.get("share") or Decimal(0),
            share_unit=cleaned.get("share_unit") or "working_days",
        )
        others = list(
            ProcedureParticipant.objects.filter(procedure=procedure).exclude(
                pk=self.instance.pk or 0
            )
        )
        try:
            participants_check(participants=[*others, candidate], total_days=_total_days(procedure))
        except ValidationError as exc:
            raise ValidationError({"share": exc.messages}) from exc
        return cleaned


@admin.register(ProcedureParticipant)
class ProcedureParticipantAdmin(admin.ModelAdmin):
    form = ParticipantForm
    list_display = ["procedure", "position", "role", "agency", "tier", "share", "share_unit"]
    list_filter = ["role", "tier"]
    search_fields = ["procedure__code", "agency__name", "agency__code"]
    autocomplete_fields = ["procedure", "agency"]
    ordering = ["procedure", "position"]


@admin.register(Leg)
class LegAdmin(admin.ModelAdmin):
    """Legs are written by the workflow; the admin reads them."""

    list_display = ["dossier", "kind", "from_agency", "to_agency", "sent_at", "due_at", "state"]
    list_filter = ["kind", "state", "remote", "timeliness"]
    search_fields = ["dossier__code", "to_agency__name", "from_agency__name"]
    list_select_related = ["dossier", "from_agency", "to_agency"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

"""Writes of the eforms app: e-form definitions and the online-submission switch."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dichvucong.accounts.models import User
from dichvucong.catalogue.models import Procedure, ProcedureCase
from dichvucong.catalogue.services import procedure_refresh_level
from dichvucong.core.cache import public_data_changed

from .definition import definition_errors
from .models import EForm


@transaction.atomic
def eform_upsert(
    *,
    procedure: Procedure,
    case_name: str = "",
    title: str,
    schema: dict[str, Any],
    layout: dict[str, Any],
    example: dict[str, Any],
    by: User | None = None,
) -> EForm:
    """Create or replace the e-form of a procedure's case ("" = every case).

    Refuse a definition that breaks the conventions (`definition_errors`), then
    recompute the procedure's level.
    """
    errors = definition_errors(schema=schema, layout=layout, example=example)
    if errors:
        raise ValidationError(errors)
    if (
        case_name
        and not ProcedureCase.objects.filter(version__procedure=procedure, name=case_name).exists()
    ):
        raise ValidationError(
            {"case_name": _("Thủ tục không có trường hợp “%(name)s”.") % {"name": case_name}}
        )
    eform = EForm.objects.filter(procedure=procedure, case_name=case_name).first()
    if eform is None:
        eform = EForm(procedure=procedure, case_name=case_name)
    eform.title = title
    eform.schema = schema
    eform.layout = layout
    eform.example = example
    eform.updated_by = by
    eform.full_clean()
    eform.save()
    public_data_changed()  # the portal and the submission read e-forms through the cache
    procedure_refresh_level(procedure=procedure)
    return eform


@transaction.atomic
def eform_delete(*, eform: EForm) -> None:
    """Delete an e-form; the last one going also closes online submission."""
    procedure = eform.procedure
    eform.delete()
    public_data_changed()
    if procedure.online_submission_enabled and not procedure.eforms.exists():
        procedure.online_submission_enabled = False
        procedure.save(update_fields=["online_submission_enabled"])
        public_data_changed()
    procedure_refresh_level(procedure=procedure)


@transaction.atomic
def procedure_online_submission_set(*, procedure: Procedure, enabled: bool) -> Procedure:
    """Open or close online submission of a procedure; opening needs an e-form."""
    if enabled and not procedure.eforms.exists():
        raise ValidationError(
            {
                "online_submission_enabled": _(
                    "Thủ tục chưa có biểu mẫu điện tử nên chưa thể bật nộp hồ sơ trực tuyến."
                )
            }
        )
    if procedure.online_submission_enabled != enabled:
        procedure.online_submission_enabled = enabled
        procedure.full_clean()
        procedure.save(update_fields=["online_submission_enabled"])
        public_data_changed()
    procedure_refresh_level(procedure=procedure)
    return procedure

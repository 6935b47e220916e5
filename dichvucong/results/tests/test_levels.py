"""Level 4: the online-result requirement, registered from the app's ready()."""

from __future__ import annotations

from dichvucong.catalogue import levels
from dichvucong.catalogue.models import Procedure
from dichvucong.catalogue.services import form_template_attach_file
from dichvucong.results.services import procedure_online_result_set


def unmet_keys(procedure: Procedure) -> set[str]:
    return {r.key for r in levels.assess(procedure).unmet_for(4)}


def level_3(procedure: Procedure) -> Procedure:
    """Give every form of the procedure a file (level 2), so it reaches level 3, and
    switch online payment on (the other requirement of level 4)."""
    assert procedure.current_version is not None
    for form in procedure.current_version.forms.all():
        form_template_attach_file(form=form, filename="to-khai.docx", content=b"docx")
    Procedure.objects.filter(pk=procedure.pk).update(online_payment_enabled=True)
    procedure.refresh_from_db()
    return procedure


def test_online_results_are_a_level_4_requirement(online_procedure: Procedure) -> None:
    assert "online_result" in {r.key for r in levels.requirements(4)}
    procedure = level_3(online_procedure)
    assert procedure.level == 3
    assert unmet_keys(procedure) == {"online_result"}


def test_switching_online_results_recomputes_the_level(online_procedure: Procedure) -> None:
    procedure = level_3(online_procedure)
    procedure_online_result_set(procedure=procedure, enabled=True)
    procedure.refresh_from_db()
    assert (procedure.online_result_enabled, procedure.level) == (True, 4)
    assert unmet_keys(procedure) == set()
    procedure_online_result_set(procedure=procedure, enabled=False)
    procedure.refresh_from_db()
    assert (procedure.online_result_enabled, procedure.level) == (False, 3)

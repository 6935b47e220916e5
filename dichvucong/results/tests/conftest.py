"""Fixtures of the results tests: a development PKI, a procedure with online results and
dossiers brought to the approver."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dichvucong.catalogue.models import Procedure
from dichvucong.documents import pki
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.actions import ActionRequest, dossier_action_execute
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.dossiers.tests.fixtures import EXAMPLE, ID_COPY_FIELD, pdf_upload
from dichvucong.organizations.models import Agency
from dichvucong.results.services import procedure_online_result_set


@pytest.fixture(autouse=True)
def _fresh_storage(fresh_storage: None) -> None:
    """Every test starts with an empty storage."""


@pytest.fixture(scope="session")
def pki_session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Create the root CA once per session (agencies' certificates come per test)."""
    from django.test import override_settings

    path = tmp_path_factory.mktemp("pki-results")
    with override_settings(SIGNING_DIR=path):
        pki.pki_root_init()
    return path


@pytest.fixture
def signing_pki(settings: Any, pki_session_dir: Path, province: dict[str, Agency]) -> Path:
    """Point SIGNING_DIR at the session's PKI and give every test agency a certificate."""
    settings.SIGNING_DIR = pki_session_dir
    pki.pki_ensure_demo()
    return pki_session_dir


@pytest.fixture
def result_procedure(online_procedure: Procedure) -> Procedure:
    """The online justice-record procedure, issuing signed electronic results."""
    procedure_online_result_set(procedure=online_procedure, enabled=True)
    online_procedure.refresh_from_db()
    return online_procedure


def submit(applicant: Any, procedure: Procedure, key: str = "k-1") -> Dossier:
    return dossier_services.dossier_submit(
        applicant=applicant,
        procedure=procedure,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: [pdf_upload()]},
        idempotency_key=key,
    ).dossier


def act(dossier: Dossier, actor: Any, action: str, **fields: Any) -> DossierEvent:
    return dossier_action_execute(
        dossier=dossier, actor=actor, request=ActionRequest(action=action, **fields)
    )


def to_approving(dossier: Dossier, officers: dict[str, Any]) -> Dossier:
    """Take a submitted dossier through reception, assignment and the proposal."""
    act(dossier, officers["reception"], "accept")
    act(dossier, officers["head"], "assign", assignee=officers["specialist"])
    act(dossier, officers["specialist"], "propose", comment="Đủ điều kiện cấp phiếu.")
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def approving(citizen: Any, result_procedure: Procedure, officers: dict[str, Any]) -> Dossier:
    """The citizen's dossier waiting for the approver, of a procedure with online results."""
    return to_approving(submit(citizen, result_procedure), officers)


@pytest.fixture
def issued(
    approving: Dossier,
    officers: dict[str, Any],
    signing_pki: Path,
    django_capture_on_commit_callbacks: Any,
) -> Dossier:
    """The dossier approved, its result signed and issued (the task ran after commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        act(approving, officers["approver"], "approve")
    approving.refresh_from_db()
    return approving


@pytest.fixture
def issued_with_template(
    citizen: Any,
    result_procedure: Procedure,
    officers: dict[str, Any],
    signing_pki: Path,
    django_capture_on_commit_callbacks: Any,
) -> str:
    """Issue a result with a template of the procedure's own; return the PDF's text."""
    import io

    from django.core.files.storage import default_storage
    from pypdf import PdfReader

    from dichvucong.results.models import IssuedResult
    from dichvucong.results.services import result_template_save

    result_template_save(
        procedure=result_procedure,
        title="GIẤY XÁC NHẬN",
        body="<p>Xác nhận cho {{ applicant_name|upper }}, mục đích: {{ form.muc_dich }}.</p>",
    )
    dossier = to_approving(submit(citizen, result_procedure), officers)
    with django_capture_on_commit_callbacks(execute=True):
        act(dossier, officers["approver"], "approve")
    result = IssuedResult.objects.get(dossier=dossier)
    with default_storage.open(str(result.file.name), "rb") as stream:
        return str(PdfReader(io.BytesIO(stream.read())).pages[0].extract_text())

"""Fixtures of the feedback tests: submitted dossiers, one of them handed back."""

from __future__ import annotations

from typing import Any

import pytest

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers import services
from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.dossiers.tests.fixtures import EXAMPLE, ID_COPY_FIELD, pdf_upload


def submit(applicant: Any, procedure: Procedure, key: str, *, done: bool = True) -> Dossier:
    """Submit a dossier for `applicant`; mark it handed back (test set-up only) if `done`."""
    dossier = services.dossier_submit(
        applicant=applicant,
        procedure=procedure,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: [pdf_upload()]},
        idempotency_key=key,
    ).dossier
    if done:
        Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.DONE)
        dossier.refresh_from_db()
    return dossier


@pytest.fixture(autouse=True)
def _fresh_storage(fresh_storage: None) -> None:
    """Every test starts with an empty storage."""


@pytest.fixture
def done_dossier(citizen: Any, online_procedure: Procedure) -> Dossier:
    """The citizen's dossier whose result was handed back (status `done`)."""
    return submit(citizen, online_procedure, "done-1")


@pytest.fixture
def receiving_dossier(citizen: Any, online_procedure: Procedure) -> Dossier:
    """The citizen's dossier just submitted (status `receiving`)."""
    return submit(citizen, online_procedure, "receiving-1", done=False)

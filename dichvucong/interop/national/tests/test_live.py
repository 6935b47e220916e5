"""Over real HTTP: the adapter and the stand-in of a running server, as in `make run`."""

from __future__ import annotations

from typing import Any

import pytest

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.actions import ActionRequest, dossier_action_execute
from dichvucong.interop.national.models import DossierSync, StandinDossier, SyncEntry

from .conftest import submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_action_reaches_the_standin_of_a_live_server(
    live_server: Any,
    settings: Any,
    citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
) -> None:
    settings.NATIONAL_SYNC_ENABLED = True
    settings.NATIONAL_SYNC_STANDIN_ENABLED = True
    settings.NATIONAL_SYNC_URL = f"{live_server.url}/national-sync/standin/"
    # The demo's credentials: the stand-in accepts the client's own by default.
    assert settings.NATIONAL_SYNC_STANDIN_CLIENT_ID == settings.NATIONAL_SYNC_CLIENT_ID

    dossier = submit(citizen, online_procedure)  # delivered once the submission commits
    dossier_action_execute(
        dossier=dossier, actor=officers["reception"], request=ActionRequest(action="accept")
    )

    assert list(SyncEntry.objects.order_by("pk").values_list("kind", "state")) == [
        ("create", "sent"),
        ("progress", "sent"),
        ("status", "sent"),
    ]
    sync = DossierSync.objects.get(dossier=dossier)
    assert sync.synchronised is True
    national = StandinDossier.objects.get(code=sync.national_code)
    assert (national.local_code, national.status) == (dossier.code, 2)
    assert list(national.entries.order_by("pk").values_list("kind", "status")) == [
        ("progress", 2),
        ("status", 2),
    ]

"""Event listeners: every event is announced inside its transaction, after the dossier."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers import events
from dichvucong.dossiers.actions import ActionRequest, dossier_action_execute
from dichvucong.dossiers.models import Dossier, DossierEvent, DossierStatus
from dichvucong.dossiers.tests.test_actions import submit


@pytest.fixture
def heard() -> Iterator[list[tuple[str, str, str]]]:
    seen: list[tuple[str, str, str]] = []

    def listener(event: DossierEvent) -> None:
        # The dossier already holds the status the event moved it to.
        seen.append((event.action, event.to_status, event.dossier.status))

    events.event_listener_register("test-heard", listener)
    yield seen
    events._listeners.pop("test-heard")


def test_submission_and_actions_are_announced(
    heard: list[tuple[str, str, str]],
    citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
) -> None:
    dossier = submit(citizen, online_procedure)
    dossier_action_execute(
        dossier=dossier, actor=officers["reception"], request=ActionRequest(action="accept")
    )

    assert heard == [
        ("submitted", "receiving", "receiving"),
        ("accept", dossier.status, dossier.status),
    ]


def test_a_failing_listener_undoes_the_action(
    citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    dossier = submit(citizen, online_procedure)

    def broken(event: DossierEvent) -> None:
        raise RuntimeError("the figures could not be written")

    events.event_listener_register("test-broken", broken)
    try:
        with pytest.raises(RuntimeError):
            dossier_action_execute(
                dossier=dossier, actor=officers["reception"], request=ActionRequest(action="accept")
            )
    finally:
        events._listeners.pop("test-broken")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == DossierStatus.RECEIVING
    assert list(dossier.events.values_list("action", flat=True)) == ["submitted"]

"""The officers' API takes the inter-agency actions: agency codes, deadlines, outcomes."""

from __future__ import annotations

from typing import Any

from dichvucong.dossiers.actions import due_at_for_day
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.test_api_backoffice import post_action, token_client
from dichvucong.interop.models import Leg

from .conftest import DEPARTMENT, DISTRICT


def test_a_leg_sent_taken_and_returned_through_the_api(
    examining: Dossier, people: dict[str, Any]
) -> None:
    code = str(examining.code)
    commune = token_client(people["specialist"])
    district = token_client(people["district"])

    unknown = post_action(commune, code, action="send_to_agency", agency="999.99.99.H10")
    assert unknown.status_code == 400
    assert "agency" in unknown.json()["errors"]
    assert not Leg.objects.filter(dossier=examining).exists()

    sent = post_action(commune, code, action="send_to_agency", agency=DISTRICT)
    assert sent.status_code == 200, sent.content
    leg = Leg.objects.get(dossier=examining)
    assert leg.to_agency.code == DISTRICT

    # The district reaches the dossier through the API although it is the commune's.
    assert district.get(f"/api/v1/backoffice/dossiers/{code}/").status_code == 200
    assert post_action(district, code, action="receive_leg").status_code == 200
    missing = post_action(district, code, action="return_to_sender", comment="Xong")
    assert missing.status_code == 400
    assert "outcome" in missing.json()["errors"]
    back = post_action(
        district, code, action="return_to_sender", comment="Đồng ý", outcome="approved"
    )
    assert back.status_code == 200, back.content
    leg.refresh_from_db()
    assert (leg.state, leg.outcome, leg.answer) == ("returned", "approved", "Đồng ý")
    examining.refresh_from_db()
    assert examining.status == "processing"


def test_an_opinion_with_its_day_through_the_api(
    examining: Dossier, people: dict[str, Any]
) -> None:
    code = str(examining.code)
    commune = token_client(people["specialist"])
    examining.refresh_from_db()
    day = examining.due_at.date() if examining.due_at else None
    assert day is not None

    asked = post_action(
        commune,
        code,
        action="request_opinion",
        agency=DEPARTMENT,
        due_date=day.isoformat(),
        comment="Xin ý kiến về quy hoạch",
    )
    assert asked.status_code == 200, asked.content
    leg = Leg.objects.get(dossier=examining, kind="opinion")
    assert (leg.to_agency.code, leg.due_at) == (DEPARTMENT, due_at_for_day(day))

    # An agency that was not asked cannot read or answer.
    outsider = token_client(people["outsider"])
    assert outsider.get(f"/api/v1/backoffice/dossiers/{code}/").status_code == 404
    refused = post_action(outsider, code, action="answer_opinion", outcome="approved")
    assert refused.status_code == 404
    leg.refresh_from_db()
    assert leg.state == "sent"

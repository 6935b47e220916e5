"""The leg panel, the leg actions, the incoming inbox, the citizen's view and Form 05."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from conftest import second_factor_force_login
from dichvucong.documents.dossier_forms import control_sheet_for
from dichvucong.dossiers.models import Dossier
from dichvucong.interop.models import Leg

from .conftest import COMMUNE, DEPARTMENT, DISTRICT, JUSTICE, act


def post_leg(client: Any, dossier: Dossier, action: str, data: dict[str, Any]) -> Any:
    prefixed = {f"leg-{action}-{k}": v for k, v in data.items()}
    return client.post(reverse("interop:leg-action", args=[dossier.code, action]), prefixed)


def test_the_chain_through_the_pages(
    client: Any, examining: Dossier, people: dict[str, Any], province: dict[str, Any]
) -> None:
    commune = second_factor_force_login(client, people["specialist"])
    page = commune.get(reverse("backoffice:dossier", args=[examining.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="lien-thong"' in html
    assert province[DISTRICT].name in html  # a target of the send form
    assert province[JUSTICE].name not in html.split('id="lien-thong"')[1].split("</form>")[0]

    # An agency that does not take part is refused with 400 and nothing changes.
    refused = post_leg(commune, examining, "send_to_agency", {"agency": province[JUSTICE].pk})
    assert refused.status_code == 400
    assert Leg.objects.count() == 0

    sent = post_leg(
        commune,
        examining,
        "send_to_agency",
        {"agency": province[DISTRICT].pk, "comment": "Đề nghị"},
    )
    assert sent.status_code == 302
    leg = Leg.objects.get()
    assert (leg.to_agency_id, leg.request_note) == (province[DISTRICT].pk, "Đề nghị")

    district = second_factor_force_login(client, people["district"])
    inbox = district.get(reverse("interop:incoming"))
    assert inbox.status_code == 200
    assert examining.code in inbox.content.decode()
    detail = district.get(reverse("backoffice:dossier", args=[examining.code]))
    assert detail.status_code == 200
    assert "Trả hồ sơ liên thông cho cơ quan đã chuyển" in detail.content.decode()
    missing = post_leg(district, examining, "return_to_sender", {"comment": "Xong"})
    assert missing.status_code == 400
    back = post_leg(
        district, examining, "return_to_sender", {"comment": "Đồng ý", "outcome": "approved"}
    )
    assert back.status_code == 302
    examining.refresh_from_db()
    assert examining.state is not None and examining.state.code == "examining"
    # The district still reads the dossier's history, and acts on nothing now.
    after = district.get(reverse("backoffice:dossier", args=[examining.code]))
    assert after.status_code == 200
    assert "Hồ sơ được chuyển liên thông đến cơ quan của bạn" in after.content.decode()
    assert 'id="lien-thong-return_to_sender"' not in after.content.decode()
    again = post_leg(
        district, examining, "return_to_sender", {"comment": "Lần nữa", "outcome": "approved"}
    )
    assert again.status_code == 409
    assert Leg.objects.get().answer == "Đồng ý"


def test_other_agencies_are_refused(
    client: Any, examining: Dossier, people: dict[str, Any], province: dict[str, Any]
) -> None:
    act(examining, people["specialist"], "send_to_agency", extra={"agency": province[DISTRICT].pk})
    outsider = second_factor_force_login(client, people["outsider"])
    assert outsider.get(reverse("backoffice:dossier", args=[examining.code])).status_code == 404
    answer = post_leg(
        outsider, examining, "return_to_sender", {"comment": "x", "outcome": "approved"}
    )
    assert answer.status_code == 404
    commune = second_factor_force_login(client, people["specialist"])
    forbidden = post_leg(
        commune, examining, "return_to_sender", {"comment": "x", "outcome": "approved"}
    )
    assert forbidden.status_code == 403
    leg = Leg.objects.get()
    assert (leg.state, leg.answer) == ("sent", "")


def test_incoming_inbox_queries_do_not_grow(
    client: Any,
    examining: Dossier,
    people: dict[str, Any],
    province: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(4):
        Leg.objects.create(
            dossier=examining,
            kind="opinion",
            from_agency=province[COMMUNE],
            to_agency=province[DEPARTMENT],
            sent_at=examining.accepted_at or examining.submitted_at or timezone.now(),
        )
    client = second_factor_force_login(client, people["department"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("interop:incoming"))
    assert page.content.decode().count(f">{examining.code}</a>") == 4


def test_citizen_sees_interoperating_and_one_timeline(
    client: Any,
    citizen: Any,
    examining: Dossier,
    people: dict[str, Any],
    province: dict[str, Any],
) -> None:
    act(examining, people["specialist"], "send_to_agency", extra={"agency": province[DISTRICT].pk})
    client.force_login(citizen)
    page = client.get(reverse("portal:dossier-detail", args=[examining.code]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Đang liên thông" in html
    assert f"{province[COMMUNE].name} chuyển đến {province[DISTRICT].name}" in html
    act(
        examining,
        people["district"],
        "return_to_sender",
        comment="Đồng ý",
        extra={"outcome": "approved"},
    )
    html = client.get(reverse("portal:dossier-detail", args=[examining.code])).content.decode()
    assert f"{province[DISTRICT].name} trả về {province[COMMUNE].name}" in html
    assert Dossier.objects.filter(applicant=citizen).count() == 1


def test_control_sheet_records_every_leg(
    examining: Dossier, people: dict[str, Any], province: dict[str, Any]
) -> None:
    act(examining, people["specialist"], "send_to_agency", extra={"agency": province[DISTRICT].pk})
    act(examining, people["district"], "send_to_agency", extra={"agency": province[DEPARTMENT].pk})
    act(
        examining,
        people["department"],
        "return_to_sender",
        comment="Phù hợp",
        extra={"outcome": "approved"},
    )
    act(
        examining,
        people["district"],
        "return_to_sender",
        comment="Đồng ý",
        extra={"outcome": "approved"},
    )
    examining.refresh_from_db()
    sheet = control_sheet_for(examining)
    commune, district, department = (
        province[COMMUNE].name,
        province[DISTRICT].name,
        province[DEPARTMENT].name,
    )
    assert list(sheet.coordinating_agencies) == [district, department]
    legs = [(r.from_party, r.to_party, r.timeliness) for r in sheet.rows[-4:]]
    assert legs == [
        (commune, district, None),
        (district, department, None),
        (department, district, "early"),
        (district, commune, "early"),
    ]
    first = Leg.objects.get(to_agency=province[DISTRICT])
    assert sheet.rows[-4].note.startswith("Chuyển liên thông; hạn: ")
    assert first.due_at is not None
    assert sheet.rows[-1].note == "Trả kết quả liên thông. Đồng ý"


def test_no_send_form_without_participants(
    client: Any, examining: Dossier, people: dict[str, Any]
) -> None:
    from dichvucong.interop.models import ProcedureParticipant

    ProcedureParticipant.objects.all().delete()
    page = second_factor_force_login(client, people["specialist"]).get(
        reverse("backoffice:dossier", args=[examining.code])
    )
    html = page.content.decode()
    assert 'id="lien-thong-send_to_agency"' not in html
    assert 'id="lien-thong-request_opinion"' in html


def test_a_generic_action_is_not_taken_through_the_leg_page(
    client: Any, examining: Dossier, people: dict[str, Any]
) -> None:
    act(examining, people["specialist"], "propose", comment="Trình ký")
    approver = second_factor_force_login(client, people["approver"])
    refused = post_leg(approver, examining, "approve", {})
    assert refused.status_code == 409
    examining.refresh_from_db()
    assert examining.state is not None and examining.state.code == "approving"

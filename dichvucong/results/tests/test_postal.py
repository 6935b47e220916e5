"""Delivery by post: the applicant asks, the officer records the post's progress."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import second_factor_force_login
from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.notifications.models import Notification
from dichvucong.results.models import DeliveryStatus, PostalDelivery, PostalDeliveryEvent
from dichvucong.results.services import postal_delivery_request, postal_delivery_update

from .conftest import submit

ADDRESS = "12 đường Phú Riềng Đỏ, phường Tân Phú, thị xã Đồng Xoài, tỉnh Bình Phước"


@pytest.fixture
def dossier(citizen: Any, online_procedure: Any) -> Dossier:
    return submit(citizen, online_procedure)


def request(dossier: Dossier, applicant: Any, **fields: str) -> PostalDelivery:
    values = {"recipient_name": "Nguyễn Văn An", "phone": "0912 345 678", "address": ADDRESS}
    values.update(fields)
    return postal_delivery_request(dossier=dossier, applicant=applicant, **values)


def test_the_applicant_asks_for_delivery_by_post(
    dossier: Dossier, citizen: Any, settings: Any
) -> None:
    settings.RESULTS_POSTAL_FEE = 32000
    delivery = request(dossier, citizen)
    assert (delivery.status, delivery.phone, delivery.fee, delivery.address) == (
        DeliveryStatus.REQUESTED,
        "0912345678",
        32000,
        ADDRESS,
    )
    assert list(delivery.events.values_list("status", "address")) == [("requested", ADDRESS)]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"recipient_name": "  "}, {"recipient_name": ["Vui lòng nhập tên người nhận."]}),
        ({"phone": "12345"}, {"phone": ["Số điện thoại không hợp lệ (ví dụ 0912345678)."]}),
        (
            {"address": "Đồng Xoài"},
            {
                "address": [
                    "Vui lòng nhập địa chỉ nhận đầy đủ (số nhà, đường, phường/xã, huyện, tỉnh)."
                ]
            },
        ),
    ],
)
def test_bad_input_is_refused(
    dossier: Dossier, citizen: Any, fields: dict[str, str], errors: dict[str, list[str]]
) -> None:
    with pytest.raises(ValidationError) as raised:
        request(dossier, citizen, **fields)
    assert raised.value.message_dict == errors
    assert not PostalDelivery.objects.exists()


def test_another_citizen_cannot_ask(dossier: Dossier, other_citizen: Any, client: Client) -> None:
    with pytest.raises(Dossier.DoesNotExist):
        request(dossier, other_citizen)
    client.force_login(other_citizen)
    response = client.post(
        f"/ho-so-cua-toi/{dossier.code}/buu-chinh/",
        {"recipient_name": "Kẻ lạ", "phone": "0912345678", "address": ADDRESS},
    )
    assert response.status_code == 404
    assert not PostalDelivery.objects.exists()


def test_not_after_hand_back(dossier: Dossier, citizen: Any) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.DONE)
    with pytest.raises(ValidationError) as raised:
        request(dossier, citizen)
    assert raised.value.message_dict["status"] == [
        "Chỉ đăng ký nhận kết quả qua bưu chính trước khi trả kết quả; hồ sơ đang ở trạng "
        "thái “Đã trả kết quả”."
    ]
    assert not PostalDelivery.objects.exists()


def test_the_portal_form_prefills_and_saves(
    dossier: Dossier, citizen: Any, client: Client, settings: Any
) -> None:
    settings.RESULTS_POSTAL_FEE = 30000
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Cước phí: <strong>30.000 đồng</strong>" in page
    assert 'value="Nguyễn Văn An"' in page
    assert 'value="0912345678"' in page
    response = client.post(
        f"/ho-so-cua-toi/{dossier.code}/buu-chinh/",
        {"recipient_name": "Nguyễn Văn An", "phone": "0912345678", "address": ADDRESS},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/ho-so-cua-toi/{dossier.code}/#ket-qua"
    assert PostalDelivery.objects.get().status == DeliveryStatus.REQUESTED
    bad = client.post(
        f"/ho-so-cua-toi/{dossier.code}/buu-chinh/",
        {"recipient_name": "Nguyễn Văn An", "phone": "abc", "address": ADDRESS},
        follow=True,
    )
    assert "Số điện thoại không hợp lệ (ví dụ 0912345678)." in bad.content.decode()
    assert PostalDelivery.objects.get().phone == "0912345678"


def test_the_officer_records_the_post_and_the_citizen_is_told(
    dossier: Dossier, citizen: Any, officers: dict[str, Any]
) -> None:
    delivery = request(dossier, citizen)
    event = postal_delivery_update(
        delivery=delivery,
        officer=officers["reception"],
        status="sent",
        tracking_number="eb123456789vn",
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.tracking_number) == ("sent", "EB123456789VN")
    assert (event.status, event.tracking_number, event.actor) == (
        "sent",
        "EB123456789VN",
        officers["reception"],
    )
    notification = Notification.objects.get(user=citizen, event="postal_delivery_updated")
    assert notification.key == f"postal-delivery:{event.pk}"
    assert (
        notification.title == f"Hồ sơ {dossier.code}: gửi kết quả qua bưu chính — Đã gửi bưu chính"
    )
    assert "Số hiệu bưu gửi: EB123456789VN." in notification.body
    postal_delivery_update(delivery=delivery, officer=officers["reception"], status="delivered")
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert list(delivery.events.values_list("status", flat=True)) == [
        "requested",
        "sent",
        "delivered",
    ]
    assert Notification.objects.filter(event="postal_delivery_updated").count() == 2


@pytest.mark.parametrize(
    ("status", "tracking", "field", "message"),
    [
        ("sent", "", "tracking_number", "Vui lòng nhập số hiệu bưu gửi khi gửi kết quả."),
        (
            "sent",
            "EB12-34",
            "tracking_number",
            "Số hiệu bưu gửi gồm 8-20 chữ cái không dấu và chữ số, ví dụ EB123456789VN.",
        ),
        (
            "sent",
            "ĐB123456789VN",
            "tracking_number",
            "Số hiệu bưu gửi gồm 8-20 chữ cái không dấu và chữ số, ví dụ EB123456789VN.",
        ),
        (
            "delivered",
            "",
            "status",
            "Không thể chuyển từ “Đã đăng ký, chờ gửi” sang “Đã phát thành công”.",
        ),
        ("lost", "", "status", "Trạng thái không hợp lệ."),
    ],
)
def test_bad_updates_are_refused(
    dossier: Dossier,
    citizen: Any,
    officers: dict[str, Any],
    status: str,
    tracking: str,
    field: str,
    message: str,
) -> None:
    delivery = request(dossier, citizen)
    with pytest.raises(ValidationError) as raised:
        postal_delivery_update(
            delivery=delivery,
            officer=officers["reception"],
            status=status,
            tracking_number=tracking,
        )
    assert raised.value.message_dict[field] == [message]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.tracking_number) == ("requested", "")
    assert PostalDeliveryEvent.objects.count() == 1
    assert not Notification.objects.filter(event="postal_delivery_updated").exists()


def test_officers_of_another_agency_cannot_update(
    dossier: Dossier, citizen: Any, officers: dict[str, Any]
) -> None:
    delivery = request(dossier, citizen)
    with pytest.raises(ValidationError):
        postal_delivery_update(
            delivery=delivery,
            officer=officers["outsider"],
            status="sent",
            tracking_number="EB123456789VN",
        )
    outsider = second_factor_force_login(Client(), officers["outsider"])
    response = outsider.post(
        f"/mot-cua/ho-so/{dossier.code}/buu-chinh/",
        {"status": "sent", "tracking_number": "EB123456789VN"},
    )
    assert response.status_code == 404
    delivery.refresh_from_db()
    assert (delivery.status, delivery.tracking_number) == ("requested", "")
    assert PostalDeliveryEvent.objects.count() == 1


def test_the_back_office_form(dossier: Dossier, citizen: Any, officers: dict[str, Any]) -> None:
    request(dossier, citizen)
    reception = second_factor_force_login(Client(), officers["reception"])
    page = reception.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert f'action="/mot-cua/ho-so/{dossier.code}/buu-chinh/"' in page
    response = reception.post(
        f"/mot-cua/ho-so/{dossier.code}/buu-chinh/",
        {"status": "sent", "tracking_number": "EB123456789VN", "note": "Gửi bưu cục Đồng Xoài"},
    )
    assert response.status_code == 302
    delivery = PostalDelivery.objects.get()
    assert (delivery.status, delivery.tracking_number) == ("sent", "EB123456789VN")
    citizen_client = Client()
    citizen_client.force_login(citizen)
    portal = citizen_client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "<code>EB123456789VN</code>" in portal
    assert "Đã gửi bưu chính" in portal


def test_the_applicant_cancels_before_it_is_sent(
    dossier: Dossier, citizen: Any, officers: dict[str, Any], client: Client
) -> None:
    request(dossier, citizen)
    client.force_login(citizen)
    assert client.post(f"/ho-so-cua-toi/{dossier.code}/buu-chinh/huy/").status_code == 302
    assert PostalDelivery.objects.get().status == DeliveryStatus.CANCELLED
    # Asking again reopens it; once sent, the address is fixed.
    delivery = request(dossier, citizen)
    postal_delivery_update(
        delivery=delivery,
        officer=officers["reception"],
        status="sent",
        tracking_number="EB123456789VN",
    )
    with pytest.raises(ValidationError) as raised:
        request(dossier, citizen, address="99 đường Hùng Vương, phường Tân Bình, Đồng Xoài")
    assert raised.value.message_dict["status"] == [
        "Kết quả đã được gửi qua bưu chính (Đã gửi bưu chính); không thể đổi địa chỉ."
    ]
    assert PostalDelivery.objects.get().address == ADDRESS

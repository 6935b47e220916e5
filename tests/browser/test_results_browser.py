"""Electronic results in headless Chromium at 390 px: the applicant's dossier page with
the signed result and delivery by post, and the public verification page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from dichvucong.results.models import IssuedResult, PostalDelivery
from dichvucong.results.services import postal_delivery_request, postal_delivery_update
from dichvucong.results.tests.conftest import (  # the fixtures, for this module
    act,
    pki_session_dir,  # noqa: F401
    result_procedure,  # noqa: F401
    signing_pki,  # noqa: F401
    submit,
    to_approving,
)

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

# The live server needs committed rows; the default workflow comes back after each flush.
pytestmark = [*BROWSER_TEST, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def issued_dossier(
    citizen: Any,
    result_procedure: Any,  # noqa: F811 - the fixture imported above
    officers: dict[str, Any],
    signing_pki: Any,  # noqa: F811
) -> Any:
    """A dossier approved with its signed result, its paper copy sent by post."""
    dossier = to_approving(submit(citizen, result_procedure, "browser-result"), officers)
    postal_delivery_request(
        dossier=dossier,
        applicant=citizen,
        recipient_name="Nguyễn Văn An",
        phone="0912345678",
        address="12 đường Phú Riềng Đỏ, phường Tân Phú, thị xã Đồng Xoài, tỉnh Bình Phước",
    )
    act(dossier, officers["approver"], "approve")  # signed after the commit (eager task)
    postal_delivery_update(
        delivery=PostalDelivery.objects.get(dossier=dossier),
        officer=officers["reception"],
        status="sent",
        tracking_number="EB123456789VN",
    )
    return dossier


def test_result_and_delivery_on_a_phone(
    live_server: Any, issued_dossier: Any, monkeypatch: Any, tmp_path: Any
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    result = IssuedResult.objects.get(dossier=issued_dossier)
    assert result.status == "issued"
    base = live_server.url
    with chromium_page(locale="vi-VN", accept_downloads=True) as page:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + "/tai-khoan/dang-nhap/")
        page.fill("#id_username", "congdan")
        page.fill("#id_password", "mat-khau-thu-nghiem-12")
        page.locator("form.account-form button[type=submit]").click()
        page.wait_for_load_state()
        page.goto(base + f"/ho-so-cua-toi/{issued_dossier.code}/#ket-qua")
        assert page.locator("#ket-qua").is_visible()
        assert "EB123456789VN" in page.locator("#buu-chinh").inner_text()
        # Nothing wider than the phone's screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        count, report = axe_violations(page)
        assert count == 0, report
        page.locator("#ket-qua").screenshot(path=str(ARTIFACTS / "result-portal-390.png"))
        page.locator("#buu-chinh").screenshot(path=str(ARTIFACTS / "result-postal-390.png"))
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Tải kết quả (PDF có ký số)").click()
        downloaded = download_info.value.path()
        with default_storage.open(str(result.file.name), "rb") as stream:
            assert Path(downloaded).read_bytes() == stream.read()

        page.goto(base + f"/verify/{result.uuid}/")
        page.set_input_files("input[name=pdf]", downloaded)
        page.get_by_role("button", name="Kiểm tra").click()
        page.wait_for_load_state()
        assert "Tệp trùng khớp với bản đã phát hành." in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        count, report = axe_violations(page)
        assert count == 0, report
        page.screenshot(path=str(ARTIFACTS / "result-verify-390.png"), full_page=True)


def test_the_officer_sees_the_result_and_records_the_post(
    live_server: Any,
    citizen: Any,
    result_procedure: Any,  # noqa: F811
    officers: dict[str, Any],
    signing_pki: Any,  # noqa: F811
    monkeypatch: Any,
) -> None:
    from django.test import Client

    from conftest import second_factor_force_login

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    dossier = to_approving(submit(citizen, result_procedure, "browser-officer"), officers)
    postal_delivery_request(
        dossier=dossier,
        applicant=citizen,
        recipient_name="Nguyễn Văn An",
        phone="0912345678",
        address="12 đường Phú Riềng Đỏ, phường Tân Phú, thị xã Đồng Xoài, tỉnh Bình Phước",
    )
    act(dossier, officers["approver"], "approve")
    client = second_factor_force_login(Client(), officers["reception"])
    with chromium_page(locale="vi-VN") as page:
        page.set_viewport_size({"width": 390, "height": 844})
        page.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        page.goto(live_server.url + f"/mot-cua/ho-so/{dossier.code}/")
        section = page.locator("#ket-qua")
        assert "Đã phát hành" in section.inner_text()
        section.get_by_label("Số hiệu bưu gửi").fill("eb123456789vn")
        section.get_by_role("button", name="Cập nhật").click()
        page.wait_for_load_state()
        assert "Đã cập nhật việc gửi kết quả qua bưu chính." in page.content()
        assert "EB123456789VN" in page.locator("#ket-qua").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        count, report = axe_violations(page)
        assert count == 0, report
        page.locator("#ket-qua").screenshot(path=str(ARTIFACTS / "result-backoffice-390.png"))
    delivery = PostalDelivery.objects.get(dossier=dossier)
    assert (delivery.status, delivery.tracking_number) == ("sent", "EB123456789VN")

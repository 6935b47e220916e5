"""The counter and the workflow pages in headless Chromium.

The reception officer records a paper dossier for a level-2 procedure, accepts it at
once and lands on its page; files a level-3 dossier in a citizen's account; the agency
administrator reads the workflows and has a broken document refused. Screenshots of
each page and of the error states, each page checked with axe.
"""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import second_factor_force_login
from dichvucong.catalogue.models import Procedure, ServiceLevel
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.fixtures import ID_COPY_FIELD, make_officer, pdf_bytes

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

# The live server needs committed rows; the default workflow comes back after each flush.
pytestmark = [*BROWSER_TEST, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    with chromium_page(locale="vi-VN") as page:
        yield page


def sign_in_as(page, live_server, user) -> None:
    """Put a session that passed both factors into the browser (the sign-in has its own test)."""
    client = second_factor_force_login(Client(), user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def check_axe(page, what: str) -> None:
    count, report = axe_violations(page)
    assert count == 0, f"{what}: {report}"


def shoot(page, name: str, *, phone: bool = False) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if phone:
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_reception_records_a_paper_dossier_and_accepts_it(
    live_server, procedures, officers, browser_page, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    procedure = procedures[0].procedure
    Procedure.objects.filter(pk=procedure.pk).update(level=ServiceLevel.LEVEL_2)
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    sign_in_as(page, live_server, officers["reception"])
    page.goto(base + "/mot-cua/")
    page.get_by_role("link", name="Tiếp nhận tại quầy").click()
    page.wait_for_url(base + "/mot-cua/tiep-nhan/")
    page.get_by_label("Tên hoặc mã thủ tục").fill("ly lich tu phap")
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_url("**/mot-cua/tiep-nhan/?q=ly+lich+tu+phap")
    assert page.locator("table.bo-table tbody tr").count() == 1
    check_axe(page, "intake, procedures")
    shoot(page, "backoffice-intake-start", phone=True)

    page.get_by_role("link", name="Tiếp nhận hồ sơ giấy").click()
    page.wait_for_url(f"{base}/mot-cua/tiep-nhan/{procedure.code}/")
    check_axe(page, "paper form")
    shoot(page, "backoffice-intake-paper", phone=True)

    # Nothing filled in: refused, the reasons listed and linked.
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary[role=alert]")
    assert summary.locator("li").all_inner_texts() == [
        "Họ và tên người nộp: Vui lòng nhập họ tên người nộp.",
        "Giấy tờ đã nhận: Đánh dấu các giấy tờ công dân đã nộp.",
    ]
    assert Dossier.objects.count() == 0
    check_axe(page, "paper form, errors")
    shoot(page, "backoffice-intake-paper-errors")

    page.get_by_label("Họ và tên người nộp").fill("Trần Thị Bình")
    page.get_by_label("Số định danh cá nhân").fill("074190005678")
    page.get_by_label("Số điện thoại").fill("0987654321")
    page.get_by_label("Địa chỉ").fill("Khu phố 3, phường Tân Phú, thị xã Đồng Xoài")
    page.locator("#id_documents_0").check()
    page.locator("#id_documents_1").check()
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(pdf_bytes())
    page.locator("input[type=file]").first.set_input_files(str(scan))
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    page.wait_for_url("**/mot-cua/ho-so/*/")

    dossier = Dossier.objects.get()
    assert page.url == f"{base}/mot-cua/ho-so/{dossier.code}/"
    assert (dossier.channel, dossier.status, dossier.applicant_name) == (
        "direct",
        "new",
        "Trần Thị Bình",
    )
    notice = page.locator(".notice-success")
    assert notice.inner_text().startswith(f"Đã tiếp nhận hồ sơ {dossier.code}, hẹn trả kết quả")
    receipt = notice.get_by_role("link", name="In giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)")
    assert receipt.get_attribute("href") == f"/api/v1/backoffice/dossiers/{dossier.code}/forms/01/"
    check_axe(page, "dossier page after intake")
    shoot(page, "backoffice-intake-accepted")


def test_reception_files_a_level_3_dossier_for_a_citizen(
    live_server, online_procedure, citizen, officers, browser_page, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    Procedure.objects.filter(pk=online_procedure.pk).update(level=ServiceLevel.LEVEL_3)
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in_as(page, live_server, officers["reception"])

    # The paper form of an online procedure leads to the assisted submission.
    page.goto(f"{base}/mot-cua/tiep-nhan/{online_procedure.code}/")
    page.wait_for_url(f"{base}/mot-cua/nop-ho-tro/?thu-tuc={online_procedure.code}")
    assert "không nhận hồ sơ giấy" in page.locator(".notice").inner_text()
    check_axe(page, "assisted, lookup")
    shoot(page, "backoffice-assisted-lookup", phone=True)

    page.get_by_label("Số định danh cá nhân hoặc mã số thuế").fill("079301000111")
    page.get_by_role("button", name="Tìm tài khoản").click()
    page.wait_for_load_state()
    assert "Không có tài khoản nào trên Cổng Dịch vụ công với số 079301000111." in (
        page.locator(".error-summary[role=alert]").inner_text()
    )
    check_axe(page, "assisted, no account")
    shoot(page, "backoffice-assisted-no-account")

    page.get_by_label("Số định danh cá nhân hoặc mã số thuế").fill("074090001234")
    page.get_by_role("button", name="Tìm tài khoản").click()
    page.wait_for_url(f"{base}/mot-cua/nop-ho-tro/{online_procedure.code}/")
    assert page.get_by_label("Họ và tên").input_value() == "Nguyễn Văn An"
    check_axe(page, "assisted, e-form")
    shoot(page, "backoffice-assisted-form", phone=True)

    page.get_by_label("Mục đích sử dụng phiếu").fill("Bổ sung hồ sơ xin việc")
    page.get_by_label("Số lượng phiếu").fill("1")
    page.get_by_role("button", name="Nộp hồ sơ thay công dân").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary[role=alert]").is_visible()
    assert Dossier.objects.count() == 0
    check_axe(page, "assisted, errors")
    shoot(page, "backoffice-assisted-form-errors")

    upload = tmp_path / "cccd.pdf"
    upload.write_bytes(pdf_bytes())
    page.locator(f"#id_{ID_COPY_FIELD}").set_input_files(str(upload))
    page.get_by_role("button", name="Nộp hồ sơ thay công dân").click()
    page.wait_for_url("**/mot-cua/ho-so/*/")
    dossier = Dossier.objects.get()
    assert (dossier.applicant, dossier.entered_by, dossier.channel) == (
        citizen,
        officers["reception"],
        "online",
    )
    assert page.locator(".notice-success").inner_text() == (
        f"Đã nộp hồ sơ {dossier.code} vào tài khoản của Nguyễn Văn An."
    )


def test_the_agency_administrator_reads_and_imports_workflows(
    live_server, online_procedure, province, browser_page, monkeypatch
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    admin = make_officer("quantri.stp", province["000.00.01.H10"], "agency_admin")
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in_as(page, live_server, admin)

    page.goto(base + "/mot-cua/")
    page.get_by_role("link", name="Quy trình", exact=True).click()
    page.wait_for_url(base + "/mot-cua/quy-trinh/")
    check_axe(page, "workflows")
    shoot(page, "backoffice-workflows", phone=True)

    page.get_by_role("link", name="Quy trình một cửa mặc định").click()
    page.wait_for_url("**/mot-cua/quy-trinh/*/")
    # The default workflow's steps, the two inter-agency ones included (interop).
    assert page.locator("table").nth(0).locator("tbody tr").count() == 13
    check_axe(page, "workflow")
    shoot(page, "backoffice-workflow", phone=True)

    page.goto(base + "/mot-cua/quy-trinh/nhap/")
    check_axe(page, "workflow import")
    page.get_by_label("Hoặc dán nội dung YAML").fill(
        "code: stp-thu\nname: Thử\nstates:\n"
        "  - {code: start, name: Bắt đầu, status: receiving, initial: true}\n"
        "  - {code: orphan, name: Bước thừa, status: done}\n"
        "actions:\n"
        "  - {code: go, name: Đi, from: [start], to: start, roles: [reception]}\n"
    )
    page.get_by_label(f"({online_procedure.code})").check()
    page.get_by_role("button", name="Kiểm tra và lưu quy trình").click()
    page.wait_for_load_state()
    assert "Bước orphan không thể đến được từ bước đầu tiên." in (
        page.locator(".error-summary[role=alert]").inner_text()
    )
    check_axe(page, "workflow import, errors")
    shoot(page, "backoffice-workflow-import-errors", phone=True)

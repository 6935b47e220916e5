"""The officers' dossier pages in headless Chromium: a citizen's dossier from inbox to result.

Reception accepts it, the unit head assigns it, the specialist proposes a result, the
approver approves it and reception hands it back, each through the pages; screenshots
of the inbox, the dossier page with its action forms, an error state and the register,
each page checked with axe.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import second_factor_force_login
from dichvucong.core import workdays
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.fixtures import pdf_bytes
from dichvucong.dossiers.tests.test_actions import act, submit

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

# The live server needs committed rows; the default workflow comes back after each flush.
pytestmark = [*BROWSER_TEST, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dossiers(citizen, other_citizen, online_procedure, officers):
    """The citizen's new dossier, and two accepted ones: one overdue, one due soon."""
    fresh = submit(citizen, online_procedure, "browser-inbox")
    late = submit(other_citizen, online_procedure, "browser-late")
    soon = submit(other_citizen, online_procedure, "browser-soon")
    now = timezone.now()
    for dossier in (late, soon):
        act(dossier, officers["reception"], "accept")
    Dossier.objects.filter(pk=late.pk).update(due_at=now - timedelta(hours=3))
    Dossier.objects.filter(pk=soon.pk).update(due_at=workdays.working_time_add(now, 1800))
    return fresh


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


def test_a_dossier_from_inbox_to_result(
    live_server, dossiers, officers, browser_page, monkeypatch
) -> None:
    # Playwright's sync API keeps an event loop in this thread; the checks below read the
    # database synchronously between page actions, which is safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    base = live_server.url
    code = str(dossiers.code)
    dossier_url = f"{base}/mot-cua/ho-so/{code}/"
    ARTIFACTS.mkdir(exist_ok=True)

    # Reception: the inbox, then the dossier.
    sign_in_as(page, live_server, officers["reception"])
    page.goto(base + "/mot-cua/")
    page.get_by_role("link", name="Hồ sơ cần xử lý").click()
    page.wait_for_url(base + "/mot-cua/ho-so/")
    rows = page.locator("table.bo-inbox tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("th a").inner_text() == code
    check_axe(page, "inbox")
    page.screenshot(path=str(ARTIFACTS / "backoffice-inbox.png"), full_page=True)
    page.get_by_label("Phạm vi").select_option("all")
    page.get_by_role("button", name="Lọc hồ sơ").click()
    page.wait_for_url("**/mot-cua/ho-so/?scope=all*")
    assert page.locator("table.bo-inbox tbody tr").count() == 3
    assert page.locator(".bo-due-overdue").all_inner_texts() == ["Quá hạn"]
    assert page.locator(".bo-due-soon").all_inner_texts() == ["Sắp đến hạn"]
    check_axe(page, "inbox, all")
    page.screenshot(path=str(ARTIFACTS / "backoffice-inbox-all.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "backoffice-inbox-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name=code).click()
    page.wait_for_url(dossier_url)
    assert page.locator("h1").inner_text().startswith(f"Hồ sơ {code}")
    forms = page.locator(".bo-action h3")
    assert forms.all_inner_texts() == [
        "Tiếp nhận hồ sơ",
        "Yêu cầu bổ sung, hoàn thiện hồ sơ",
        "Từ chối tiếp nhận",
    ]
    check_axe(page, "dossier")
    page.screenshot(path=str(ARTIFACTS / "backoffice-dossier.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "backoffice-dossier-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # An error: a request for more documents without its note keeps the rows typed.
    request_form = page.locator("#thao-tac-request_documents")
    request_form.get_by_label("Giấy tờ cần bổ sung 1", exact=True).fill("Bản sao CCCD")
    request_form.get_by_label("Lý do 1", exact=True).fill("Ảnh chụp bị mờ")
    request_form.get_by_role("button", name="Yêu cầu bổ sung, hoàn thiện hồ sơ").click()
    page.wait_for_url(f"**/mot-cua/ho-so/{code}/thao-tac/#thao-tac-request_documents")
    alert = page.locator("#thao-tac-request_documents [role=alert]")
    assert "Thao tác “Yêu cầu bổ sung, hoàn thiện hồ sơ” cần ghi ý kiến." in alert.inner_text()
    request_form = page.locator("#thao-tac-request_documents")
    assert (
        request_form.get_by_label("Giấy tờ cần bổ sung 1", exact=True).input_value()
        == "Bản sao CCCD"
    )
    assert Dossier.objects.get(pk=dossiers.pk).status == "receiving"
    check_axe(page, "dossier, error")
    page.screenshot(path=str(ARTIFACTS / "backoffice-dossier-error.png"), full_page=True)
    request_form.screenshot(path=str(ARTIFACTS / "backoffice-dossier-error-form.png"))

    page.get_by_role("button", name="Tiếp nhận hồ sơ", exact=True).click()
    page.wait_for_url(dossier_url + "#thao-tac-accept")
    assert page.get_by_text(f"Đã thực hiện “Tiếp nhận hồ sơ” với hồ sơ {code}.").is_visible()
    assert Dossier.objects.get(pk=dossiers.pk).status == "new"

    # The unit head assigns a specialist.
    sign_in_as(page, live_server, officers["head"])
    page.goto(dossier_url)
    page.get_by_label("Chuyên viên xử lý").select_option(label="Nguyễn Chuyenvien (chuyenvien.stp)")
    check_axe(page, "dossier, assign")
    page.locator("#thao-tac-assign").screenshot(path=str(ARTIFACTS / "backoffice-assign.png"))
    page.get_by_role("button", name="Phân công xử lý").click()
    page.wait_for_url(dossier_url + "#thao-tac-assign")
    assert page.get_by_text("Đã thực hiện “Phân công xử lý”").is_visible()

    # The specialist proposes a result with a draft attached.
    sign_in_as(page, live_server, officers["specialist"])
    page.goto(dossier_url)
    propose = page.locator("#thao-tac-propose")
    propose.get_by_label("Ý kiến xử lý").fill("Đủ điều kiện cấp Phiếu lý lịch tư pháp.")
    propose.get_by_label("Tệp đính kèm (nếu có)").set_input_files(
        files=[{"name": "du-thao.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    check_axe(page, "dossier, propose")
    page.screenshot(path=str(ARTIFACTS / "backoffice-dossier-specialist.png"), full_page=True)
    propose.get_by_role("button", name="Trình kết quả giải quyết").click()
    page.wait_for_url(dossier_url + "#thao-tac-propose")
    assert page.get_by_role("link", name="du-thao.pdf").is_visible()

    # The approver approves.
    sign_in_as(page, live_server, officers["approver"])
    page.goto(dossier_url)
    page.get_by_role("button", name="Phê duyệt kết quả").click()
    page.wait_for_url(dossier_url + "#thao-tac-approve")

    # Reception hands the result back, then looks at the register.
    sign_in_as(page, live_server, officers["reception"])
    page.goto(dossier_url)
    page.get_by_role("button", name="Trả kết quả cho công dân").click()
    page.wait_for_url(dossier_url + "#thao-tac-hand_back")
    dossier = Dossier.objects.get(pk=dossiers.pk)
    assert dossier.status == "done"
    assert list(dossier.events.values_list("action", flat=True)) == [
        "submitted",
        "accept",
        "assign",
        "propose",
        "approve",
        "hand_back",
    ]
    check_axe(page, "dossier, done")
    page.screenshot(path=str(ARTIFACTS / "backoffice-dossier-done.png"), full_page=True)

    page.get_by_role("link", name="Sổ theo dõi hồ sơ").click()
    page.wait_for_url(base + "/mot-cua/so-theo-doi/")
    register_rows = page.locator("table.bo-register tbody tr")
    assert register_rows.count() == 3
    assert register_rows.nth(2).locator("th a").inner_text() == code
    check_axe(page, "register")
    page.screenshot(path=str(ARTIFACTS / "backoffice-register.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "backoffice-register-phone.png"), full_page=True)


def test_a_wide_table_in_the_form_scrolls_inside_its_box(
    live_server, dossiers, officers, browser_page, monkeypatch
) -> None:
    """A table in the e-form (members who contribute capital, say) never widens the page."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    members = [
        {
            "ho_ten": f"Nguyễn Thị Thành Viên Góp Vốn Số {i}",
            "so_giay_to": f"07018501024{i}",
            "noi_thuong_tru": "Tổ 3, khu phố Phú Thanh, phường Tân Phú, thành phố Đồng Xoài",
            "gia_tri_gop_von": f"{i * 150_000_000:,} đồng",
            "ty_le_gop_von": f"{i * 10}%",
            "loai_tai_san": "Tiền mặt và quyền sử dụng đất nông nghiệp",
        }
        for i in range(1, 4)
    ]
    Dossier.objects.filter(pk=dossiers.pk).update(
        form_data={**dossiers.form_data, "thanh_vien_gop_von": members}
    )
    page = browser_page
    sign_in_as(page, live_server, officers["reception"])
    ARTIFACTS.mkdir(exist_ok=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/mot-cua/ho-so/{dossiers.code}/")
    wrap = page.locator(".form-data .table-wrap").bounding_box()
    side = page.locator(".bo-dossier-side").bounding_box()
    assert wrap is not None and side is not None
    assert wrap["x"] + wrap["width"] <= side["x"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    check_axe(page, "dossier, wide table")
    page.screenshot(path=str(ARTIFACTS / "backoffice-dossier-wide-table.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "backoffice-dossier-wide-table-390.png"), full_page=True)

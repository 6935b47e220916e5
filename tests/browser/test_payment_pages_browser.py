"""Payment sections of the dossier pages in headless Chromium: the citizen sees the fees
due at submission (390 px), the specialist asks for the fees with a copy count and sees
the payment request on the back-office page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import second_factor_force_login
from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.models import Dossier
from dichvucong.payments.models import PaymentRequest
from dichvucong.payments.tests.conftest import act, submit
from dichvucong.payments.tests.conftest import fee_procedure as procedure_with_fees  # noqa: F401

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

pytestmark = [*BROWSER_TEST, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page() -> Any:
    with chromium_page(locale="vi-VN") as page:
        yield page


def _session(page: Any, live_server: Any, client: Client) -> None:
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_fees_on_the_portal_and_in_the_back_office(
    live_server: Any,
    citizen: Any,
    officers: dict[str, Any],
    procedure_with_fees: Procedure,  # noqa: F811 (the fixture imported above)
    browser_page: Any,
    monkeypatch: Any,
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    dossier: Dossier = submit(citizen, procedure_with_fees)

    citizen_client = Client()
    citizen_client.force_login(citizen)
    _session(page, live_server, citizen_client)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/ho-so-cua-toi/{dossier.code}/#thanh-toan")
    box = page.locator("#thanh-toan")
    assert box.get_by_role("heading", name="Thanh toán phí, lệ phí").is_visible()
    assert box.get_by_text("Tổng cộng: 205.000 đồng").is_visible()
    assert box.get_by_role("button", name="Thanh toán phí, lệ phí").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    count, report = axe_violations(page)
    assert count == 0, report
    box.screenshot(path=str(ARTIFACTS / "payment-portal-due-390.png"))

    act(dossier, officers["reception"], "accept")
    act(dossier, officers["head"], "assign", assignee=officers["specialist"])
    _session(page, live_server, second_factor_force_login(Client(), officers["specialist"]))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    form = page.locator("#thao-tac-request_payment")
    form.screenshot(path=str(ARTIFACTS / "payment-request-form.png"))
    form.get_by_label("Số bản").fill("3")
    form.get_by_role("button", name="Yêu cầu thực hiện nghĩa vụ tài chính").click()
    page.wait_for_load_state()
    request = PaymentRequest.objects.get(dossier=dossier)
    assert (request.total, request.copies) == (215_000, 3)
    section = page.locator("section.payment-box")
    assert section.get_by_text("215.000 đồng").first.is_visible()
    count, report = axe_violations(page)
    assert count == 0, report
    page.screenshot(path=str(ARTIFACTS / "payment-backoffice.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    section.screenshot(path=str(ARTIFACTS / "payment-backoffice-390.png"))

    _session(page, live_server, citizen_client)
    page.goto(f"{base}/ho-so-cua-toi/{dossier.code}/")
    box = page.locator("#thanh-toan")
    assert box.get_by_text("Cơ quan giải quyết yêu cầu bạn nộp phí, lệ phí").is_visible()
    assert box.get_by_text("Tổng cộng: 215.000 đồng").is_visible()
    box.screenshot(path=str(ARTIFACTS / "payment-portal-paying-390.png"))

"""A commune -> district -> department dossier end to end in headless Chromium.

The Tân Phú ward accepts and assigns a dossier of an inter-agency procedure; its
specialist sends it to the Đồng Xoài town, whose officer finds it among the incoming
dossiers, takes it in and sends it on to the Department of Construction; the department
returns it with its opinion, the town returns it with its decision, and the ward
finishes and hands the result back. The citizen sees one dossier and one timeline.
"""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import second_factor_force_login
from dichvucong.dossiers.models import Dossier
from dichvucong.interop.models import Leg
from dichvucong.interop.tests.conftest import (  # noqa: F401 - fixtures
    DEPARTMENT,
    DISTRICT,
    examining,
    participants,
    people,
)

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

pytestmark = [*BROWSER_TEST, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    with chromium_page(locale="vi-VN") as page:
        yield page


def use_session_of(page, live_server, user) -> None:
    client = second_factor_force_login(Client(), user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def done(page, button: str) -> None:
    page.wait_for_load_state()
    assert page.get_by_text(f"Đã thực hiện “{button}”").first.is_visible()


def phone_screenshot(page, name: str) -> None:
    """Write the page as a 390 px wide phone shows it, then go back to the desktop width."""
    desktop = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    page.set_viewport_size(desktop)


def leg_return(page, url: str, comment: str, *, screenshot: str = "") -> None:
    page.goto(url)
    if screenshot:
        page.screenshot(path=str(ARTIFACTS / f"{screenshot}.png"), full_page=True)
        phone_screenshot(page, f"{screenshot}-390.png")
    panel = page.locator("#lien-thong-return_to_sender")
    panel.get_by_label("Đồng ý / đã giải quyết").check()
    panel.get_by_label("Kết quả xử lý của cơ quan").fill(comment)
    name = "Trả hồ sơ liên thông cho cơ quan đã chuyển"
    panel.get_by_role("button", name=name).click()
    done(page, name)


def test_commune_district_department_in_the_browser(
    live_server,
    citizen,
    examining,  # noqa: F811
    people,  # noqa: F811
    province,
    browser_page,
    monkeypatch,
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    code = examining.code
    officer_url = f"{base}/mot-cua/ho-so/{code}/"

    # The ward's specialist sends the dossier to the town (a declared participant).
    use_session_of(page, live_server, people["specialist"])
    page.goto(officer_url)
    send = page.locator("#lien-thong-send_to_agency")
    send.get_by_label("Cơ quan nhận hồ sơ").select_option(label=province[DISTRICT].name)
    send.get_by_label("Nội dung đề nghị cơ quan nhận giải quyết").fill(
        "Đề nghị UBND thị xã xem xét, quyết định."
    )
    send.get_by_role("button", name="Chuyển hồ sơ liên thông").click()
    done(page, "Chuyển hồ sơ liên thông")
    assert page.get_by_text("Đang liên thông").first.is_visible()

    # The town finds it among its incoming dossiers, takes it in and sends it on.
    use_session_of(page, live_server, people["district"])
    page.goto(base + "/mot-cua/lien-thong/")
    page.screenshot(path=str(ARTIFACTS / "interop-incoming.png"), full_page=True)
    phone_screenshot(page, "interop-incoming-390.png")
    count, report = axe_violations(page)
    assert count == 0, report
    page.get_by_role("link", name=code).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Tiếp nhận hồ sơ liên thông").click()
    done(page, "Tiếp nhận hồ sơ liên thông")
    onward = page.locator("#lien-thong-send_to_agency")
    onward.get_by_label("Cơ quan nhận hồ sơ").select_option(label=province[DEPARTMENT].name)
    onward.get_by_role("button", name="Chuyển tiếp hồ sơ liên thông").click()
    done(page, "Chuyển tiếp hồ sơ liên thông")

    # The department returns it to the town; the town returns it to the ward.
    use_session_of(page, live_server, people["department"])
    leg_return(page, officer_url, "Phù hợp quy hoạch xây dựng.", screenshot="interop-leg-panel")
    use_session_of(page, live_server, people["district"])
    leg_return(page, officer_url, "Đồng ý, đã ký quyết định.")
    page.screenshot(path=str(ARTIFACTS / "interop-district-returned.png"), full_page=True)

    # The ward proposes, approves and hands the result back.
    use_session_of(page, live_server, people["specialist"])
    page.goto(officer_url)
    page.locator("#thao-tac-propose").get_by_label("Ý kiến xử lý").fill("Trình ký kết quả.")
    page.get_by_role("button", name="Trình kết quả giải quyết").click()
    done(page, "Trình kết quả giải quyết")
    for who, button in (
        ("approver", "Phê duyệt kết quả"),
        ("reception", "Trả kết quả cho công dân"),
    ):
        use_session_of(page, live_server, people[who])
        page.goto(officer_url)
        page.get_by_role("button", name=button, exact=True).click()
        done(page, button)
    page.screenshot(path=str(ARTIFACTS / "interop-officer-done.png"), full_page=True)

    dossier = Dossier.objects.get(code=code)
    assert dossier.status == "done"
    assert list(Leg.objects.values_list("state", "timeliness")) == [
        ("returned", "early"),
        ("returned", "early"),
    ]

    # The citizen sees one dossier with one timeline of every step.
    use_session_of(page, live_server, citizen)
    page.goto(f"{base}/ho-so-cua-toi/{code}/")
    assert page.get_by_text("Đã trả kết quả").first.is_visible()
    town, ward = province[DISTRICT].name, "Ủy ban nhân dân phường Tân Phú"
    assert page.get_by_text(f"{ward} chuyển đến {town}").is_visible()
    assert page.get_by_text(f"{town} trả về {ward}").is_visible()
    page.screenshot(path=str(ARTIFACTS / "interop-citizen.png"), full_page=True)
    phone_screenshot(page, "interop-citizen-390.png")

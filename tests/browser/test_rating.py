"""The satisfaction rating in headless Chromium: a handed-back dossier, the form, the thanks."""

from __future__ import annotations

import pytest

from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.feedback.models import Rating
from dichvucong.feedback.tests.conftest import submit

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

# The live server needs committed rows; the default workflow comes back after each flush.
pytestmark = [*BROWSER_TEST, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def done_dossier(citizen, online_procedure):
    """The citizen's dossier, its result handed back (set before the browser starts)."""
    return submit(citizen, online_procedure, "browser-rating")


@pytest.fixture
def browser_page():
    with chromium_page(locale="vi-VN") as page:
        yield page


def test_rate_a_handed_back_dossier(live_server, done_dossier, browser_page, monkeypatch) -> None:
    # Playwright's sync API keeps an event loop in this thread; the checks below read the
    # database synchronously between page actions, which is safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(base + "/tai-khoan/dang-nhap/")
    page.fill("#id_username", "congdan")
    page.fill("#id_password", "mat-khau-thu-nghiem-12")
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(base + f"/ho-so-cua-toi/{done_dossier.code}/")
    form = page.get_by_role("group", name="Mức độ hài lòng")
    assert form.get_by_role("radio").count() == 3
    assert [form.get_by_role("radio").nth(i).is_checked() for i in range(3)] == [False] * 3
    count, report = axe_violations(page)
    assert count == 0, report
    page.locator("#danh-gia").screenshot(path=str(ARTIFACTS / "dossier-rating-form.png"))
    # A browser that does not check `required` sends no level: the server refuses, keeps
    # the comment and says why beside the choices.
    page.evaluate(
        "document.querySelectorAll('input[name=level]').forEach(e => e.removeAttribute('required'))"
    )
    page.get_by_label("Góp ý thêm (không bắt buộc)").fill("Chưa chọn mức.")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{done_dossier.code}/danh-gia/#danh-gia")
    assert page.get_by_text(
        "Vui lòng chọn một mức: Rất hài lòng, Hài lòng, Chưa hài lòng."
    ).is_visible()
    assert page.get_by_label("Góp ý thêm (không bắt buộc)").input_value() == "Chưa chọn mức."
    assert Rating.objects.count() == 0
    count, report = axe_violations(page)
    assert count == 0, report
    page.locator("#danh-gia").screenshot(path=str(ARTIFACTS / "dossier-rating-error.png"))

    page.get_by_role("radio", name="Hài lòng", exact=True).check()
    page.get_by_label("Góp ý thêm (không bắt buộc)").fill(
        "Cán bộ hướng dẫn tận tình, trả đúng hẹn."
    )
    page.locator("#danh-gia").screenshot(path=str(ARTIFACTS / "dossier-rating-filled.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#danh-gia").screenshot(path=str(ARTIFACTS / "dossier-rating-form-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 720})

    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{done_dossier.code}/#danh-gia")
    assert page.get_by_text("Cảm ơn bạn đã đánh giá!").is_visible()
    assert page.locator(".rating-given strong").inner_text() == "Hài lòng"
    assert page.get_by_role("radio").count() == 0
    rating = Rating.objects.get()
    assert (rating.dossier_id, rating.level, rating.comment) == (
        done_dossier.pk,
        "satisfied",
        "Cán bộ hướng dẫn tận tình, trả đúng hẹn.",
    )
    assert Dossier.objects.get(pk=done_dossier.pk).status == DossierStatus.DONE
    count, report = axe_violations(page)
    assert count == 0, report
    page.screenshot(path=str(ARTIFACTS / "dossier-rated.png"), full_page=True)

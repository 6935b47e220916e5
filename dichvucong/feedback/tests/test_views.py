"""The rating on the citizen's dossier page (the portal), without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.feedback.models import Rating

FORM_ACTION = 'action="/ho-so-cua-toi/{code}/danh-gia/#danh-gia"'


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(dossier: Dossier) -> str:
    return f"/ho-so-cua-toi/{dossier.code}/"


def rate_url(dossier: Dossier) -> str:
    return f"/ho-so-cua-toi/{dossier.code}/danh-gia/"


def test_a_handed_back_dossier_shows_the_rating_form(citizen: Any, done_dossier: Dossier) -> None:
    response = logged_in(citizen).get(page_url(done_dossier))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="rating-title">Đánh giá sự hài lòng</h2>' in html
    assert FORM_ACTION.format(code=done_dossier.code) in html
    for value, label in [
        ("very_satisfied", "Rất hài lòng"),
        ("satisfied", "Hài lòng"),
        ("unsatisfied", "Chưa hài lòng"),
    ]:
        assert (
            f'<label class="rating-choice"><input type="radio" name="level" value="{value}" '
            f"required><span>{label}</span></label>"
        ) in html
    assert '<label for="id_rating_comment">Góp ý thêm (không bắt buộc)</label>' in html
    assert 'name="comment" rows="3" maxlength="1000"' in html
    assert "Cảm ơn bạn đã đánh giá" not in html


@pytest.mark.parametrize(
    "status", [DossierStatus.RECEIVING, DossierStatus.PROCESSING, DossierStatus.RELEASING]
)
def test_no_rating_form_before_the_result_is_handed_back(
    citizen: Any, done_dossier: Dossier, status: DossierStatus
) -> None:
    Dossier.objects.filter(pk=done_dossier.pk).update(status=status)
    html = logged_in(citizen).get(page_url(done_dossier)).content.decode()
    assert "Đánh giá sự hài lòng" not in html
    assert 'name="level"' not in html


def test_rating_from_the_page_then_thanks_instead_of_the_form(
    citizen: Any, done_dossier: Dossier
) -> None:
    client = logged_in(citizen)
    response = client.post(
        rate_url(done_dossier), {"level": "very_satisfied", "comment": "Cán bộ rất tận tình."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{page_url(done_dossier)}#danh-gia"
    rating = Rating.objects.get()
    assert (rating.dossier_id, rating.level, rating.comment) == (
        done_dossier.pk,
        "very_satisfied",
        "Cán bộ rất tận tình.",
    )
    html = client.get(page_url(done_dossier)).content.decode()
    assert "Cảm ơn bạn đã đánh giá!" in html
    assert '<strong class="rating-level rating-level-very_satisfied">Rất hài lòng</strong>' in html
    assert "Cán bộ rất tận tình." in html
    assert 'name="level"' not in html
    assert "/danh-gia/" not in html


def test_a_double_click_keeps_one_rating(citizen: Any, done_dossier: Dossier) -> None:
    client = logged_in(citizen)
    for _ in range(2):
        response = client.post(rate_url(done_dossier), {"level": "satisfied"})
        assert response.status_code == 302
    assert list(Rating.objects.values_list("level", "comment")) == [("satisfied", "")]
    html = client.get(page_url(done_dossier)).content.decode()
    assert "Hồ sơ này đã được đánh giá" not in html


def test_a_different_second_rating_is_refused_with_a_message(
    citizen: Any, done_dossier: Dossier
) -> None:
    client = logged_in(citizen)
    client.post(rate_url(done_dossier), {"level": "satisfied"})
    response = client.post(rate_url(done_dossier), {"level": "unsatisfied"})
    assert response.status_code == 302
    html = client.get(page_url(done_dossier)).content.decode()
    assert "Hồ sơ này đã được đánh giá “Hài lòng”; đánh giá đã gửi không thể thay đổi." in html
    assert list(Rating.objects.values_list("level", flat=True)) == ["satisfied"]


def test_without_a_level_the_form_comes_back_with_the_comment_kept(
    citizen: Any, done_dossier: Dossier
) -> None:
    response = logged_in(citizen).post(rate_url(done_dossier), {"comment": "Thủ tục nhanh."})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        '<p class="field-error">Vui lòng chọn một mức: Rất hài lòng, Hài lòng, Chưa hài lòng.</p>'
        in html
    )
    assert 'aria-describedby="rating-level-error"' in html
    assert ">Thủ tục nhanh.</textarea>" in html
    assert Rating.objects.count() == 0


def test_a_too_long_comment_comes_back_with_the_level_kept(
    citizen: Any, done_dossier: Dossier
) -> None:
    response = logged_in(citizen).post(
        rate_url(done_dossier), {"level": "satisfied", "comment": "a" * 1001}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Góp ý tối đa 1.000 ký tự (hiện có 1001)." in html
    assert 'value="satisfied" required checked aria-invalid' not in html
    assert 'value="satisfied" required checked>' in html
    assert 'aria-invalid="true">' + "a" * 1001 + "</textarea>" in html
    assert Rating.objects.count() == 0


def test_a_dossier_not_handed_back_cannot_be_rated(
    citizen: Any, receiving_dossier: Dossier
) -> None:
    client = logged_in(citizen)
    response = client.post(rate_url(receiving_dossier), {"level": "satisfied"})
    assert response.status_code == 302
    html = client.get(page_url(receiving_dossier)).content.decode()
    assert (
        "Chỉ đánh giá được hồ sơ đã trả kết quả; hồ sơ này đang ở trạng thái “Mới đăng ký”." in html
    )
    assert Rating.objects.count() == 0


def test_another_citizens_dossier_is_404_and_nothing_is_written(
    other_citizen: Any, done_dossier: Dossier
) -> None:
    response = logged_in(other_citizen).post(rate_url(done_dossier), {"level": "unsatisfied"})
    assert response.status_code == 404
    assert Rating.objects.count() == 0


def test_rating_needs_login_and_post(citizen: Any, done_dossier: Dossier) -> None:
    response = Client().post(rate_url(done_dossier), {"level": "satisfied"})
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    assert logged_in(citizen).get(rate_url(done_dossier)).status_code == 405
    assert Rating.objects.count() == 0


def test_the_form_needs_the_csrf_token(citizen: Any, done_dossier: Dossier) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert client.post(rate_url(done_dossier), {"level": "satisfied"}).status_code == 403
    assert Rating.objects.count() == 0


def test_the_page_reads_the_rating_in_one_query(citizen: Any, done_dossier: Dossier) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(citizen)
    with CaptureQueriesContext(connection) as unrated:
        client.get(page_url(done_dossier))
    client.post(rate_url(done_dossier), {"level": "satisfied"})
    with CaptureQueriesContext(connection) as rated:
        client.get(page_url(done_dossier))
    assert len(rated) == len(unrated)
    assert sum("feedback_rating" in q["sql"] for q in rated.captured_queries) == 1

from __future__ import annotations

from typing import Any

from django.test import Client
from rest_framework.authtoken.models import Token

from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.feedback.models import Rating


def token_client(user: Any) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def url(dossier: Dossier) -> str:
    return f"/api/v1/dossiers/{dossier.code}/rating/"


def rate(client: Client, dossier: Dossier, **data: Any) -> Any:
    return client.post(url(dossier), data, content_type="application/json")


def test_rate_then_read_the_rating(citizen: Any, done_dossier: Dossier) -> None:
    client = token_client(citizen)
    response = rate(client, done_dossier, level="very_satisfied", comment="Rất nhanh.")
    assert response.status_code == 201, response.json()
    rating = Rating.objects.get()
    expected = {
        "dossier": done_dossier.code,
        "level": "very_satisfied",
        "level_display": "Rất hài lòng",
        "comment": "Rất nhanh.",
        "created_at": rating.created_at.astimezone().isoformat(),
    }
    body = response.json()
    assert set(body) == set(expected)
    assert {k: v for k, v in body.items() if k != "created_at"} == {
        k: v for k, v in expected.items() if k != "created_at"
    }
    assert body["created_at"].endswith("+07:00")
    read = client.get(url(done_dossier))
    assert read.status_code == 200
    assert read.json() == body


def test_the_comment_may_be_left_out(citizen: Any, done_dossier: Dossier) -> None:
    response = rate(token_client(citizen), done_dossier, level="satisfied")
    assert response.status_code == 201
    assert response.json()["comment"] == ""


def test_an_identical_retry_is_200_with_the_same_rating(
    citizen: Any, done_dossier: Dossier
) -> None:
    client = token_client(citizen)
    first = rate(client, done_dossier, level="satisfied", comment="Ổn.")
    again = rate(client, done_dossier, level="satisfied", comment="Ổn.")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Rating.objects.count() == 1


def test_a_different_second_rating_is_409(citizen: Any, done_dossier: Dossier) -> None:
    client = token_client(citizen)
    first = rate(client, done_dossier, level="satisfied")
    response = rate(client, done_dossier, level="unsatisfied", comment="Đổi ý.")
    assert response.status_code == 409
    message = "Hồ sơ này đã được đánh giá “Hài lòng”; đánh giá đã gửi không thể thay đổi."
    assert response.json() == {"detail": message, "errors": {"rating": [message]}}
    assert client.get(url(done_dossier)).json() == first.json()
    assert list(Rating.objects.values_list("level", "comment")) == [("satisfied", "")]


def test_a_dossier_not_handed_back_is_400(citizen: Any, receiving_dossier: Dossier) -> None:
    response = rate(token_client(citizen), receiving_dossier, level="satisfied")
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {
        "status": [
            "Chỉ đánh giá được hồ sơ đã trả kết quả; hồ sơ này đang ở trạng thái “Mới đăng ký”."
        ]
    }
    assert body["detail"] == "Tham số không hợp lệ: status."
    assert Rating.objects.count() == 0


def test_bad_input_is_400(citizen: Any, done_dossier: Dossier) -> None:
    client = token_client(citizen)
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({}, ["level"]),
        ({"level": "excellent"}, ["level"]),
        ({"level": "Hài lòng"}, ["level"]),
        ({"level": "satisfied", "comment": "x" * 1001}, ["comment"]),
        ({"level": 3, "comment": "y" * 2000}, ["comment", "level"]),
    ]
    for data, fields in cases:
        response = rate(client, done_dossier, **data)
        assert response.status_code == 400, data
        assert sorted(response.json()["errors"]) == fields, data
    assert Rating.objects.count() == 0


def test_someone_elses_dossier_is_404(
    citizen: Any, other_citizen: Any, done_dossier: Dossier
) -> None:
    other = token_client(other_citizen)
    response = rate(other, done_dossier, level="unsatisfied")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không có hồ sơ này.", "errors": {}}
    assert Rating.objects.count() == 0
    rate(token_client(citizen), done_dossier, level="satisfied", comment="Riêng tư.")
    read = other.get(url(done_dossier))
    assert read.status_code == 404
    assert "Riêng tư" not in read.content.decode()


def test_get_before_rating_is_404(citizen: Any, done_dossier: Dossier) -> None:
    response = token_client(citizen).get(url(done_dossier))
    assert response.status_code == 404
    assert response.json() == {"detail": "Hồ sơ này chưa được đánh giá.", "errors": {}}


def test_anonymous_is_refused(done_dossier: Dossier) -> None:
    assert rate(Client(), done_dossier, level="satisfied").status_code == 401
    assert Client().get(url(done_dossier)).status_code == 401
    assert Rating.objects.count() == 0


def test_form_encoded_bodies_work_too(citizen: Any, done_dossier: Dossier) -> None:
    response = token_client(citizen).post(url(done_dossier), {"level": "unsatisfied"})
    assert response.status_code == 201
    assert Rating.objects.get().level == "unsatisfied"
    assert Dossier.objects.get(pk=done_dossier.pk).status == DossierStatus.DONE

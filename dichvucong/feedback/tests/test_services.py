from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.feedback.models import Rating, RatingLevel
from dichvucong.feedback.services import RatingAlreadyGiven, rating_submit


def test_the_applicant_rates_a_handed_back_dossier(citizen: Any, done_dossier: Dossier) -> None:
    rating = rating_submit(
        dossier=done_dossier,
        applicant=citizen,
        level="very_satisfied",
        comment="  Cán bộ hướng dẫn tận tình.\r\nCảm ơn.  ",
    )
    stored = Rating.objects.get()
    assert stored == rating
    assert stored.dossier_id == done_dossier.pk
    assert stored.level == RatingLevel.VERY_SATISFIED
    assert stored.get_level_display() == "Rất hài lòng"
    assert stored.comment == "Cán bộ hướng dẫn tận tình.\nCảm ơn."
    assert stored.created_at.tzinfo is not None
    assert done_dossier.rating == stored
    # The dossier itself is not changed by its rating.
    done_dossier.refresh_from_db()
    assert done_dossier.status == DossierStatus.DONE


def test_the_comment_is_optional(citizen: Any, done_dossier: Dossier) -> None:
    rating = rating_submit(dossier=done_dossier, applicant=citizen, level="unsatisfied")
    assert (rating.level, rating.comment) == ("unsatisfied", "")


def test_the_three_levels_are_those_of_circular_32_2017() -> None:
    assert [(c.value, str(c.label)) for c in RatingLevel] == [
        ("very_satisfied", "Rất hài lòng"),
        ("satisfied", "Hài lòng"),
        ("unsatisfied", "Chưa hài lòng"),
    ]


def test_the_same_rating_again_returns_the_first(citizen: Any, done_dossier: Dossier) -> None:
    first = rating_submit(
        dossier=done_dossier, applicant=citizen, level="satisfied", comment="Nhanh."
    )
    again = rating_submit(
        dossier=done_dossier, applicant=citizen, level="satisfied", comment="Nhanh. "
    )
    assert again.pk == first.pk
    assert again.created_at == first.created_at
    assert Rating.objects.count() == 1


@pytest.mark.parametrize(
    ("level", "comment"),
    [("unsatisfied", "Nhanh."), ("satisfied", "Chậm."), ("satisfied", "")],
)
def test_a_different_second_rating_is_refused(
    citizen: Any, done_dossier: Dossier, level: str, comment: str
) -> None:
    first = rating_submit(
        dossier=done_dossier, applicant=citizen, level="satisfied", comment="Nhanh."
    )
    with pytest.raises(RatingAlreadyGiven) as caught:
        rating_submit(dossier=done_dossier, applicant=citizen, level=level, comment=comment)
    assert caught.value.message_dict == {
        "rating": ["Hồ sơ này đã được đánh giá “Hài lòng”; đánh giá đã gửi không thể thay đổi."]
    }
    assert caught.value.rating == first
    assert isinstance(caught.value, ValidationError)
    assert list(Rating.objects.values_list("level", "comment")) == [("satisfied", "Nhanh.")]


@pytest.mark.parametrize(
    "status",
    [s for s in DossierStatus if s not in (DossierStatus.DONE, DossierStatus.DRAFT)],
)
def test_only_a_handed_back_dossier_is_rated(
    citizen: Any, done_dossier: Dossier, status: DossierStatus
) -> None:
    Dossier.objects.filter(pk=done_dossier.pk).update(status=status)
    with pytest.raises(ValidationError) as caught:
        rating_submit(dossier=done_dossier, applicant=citizen, level="satisfied")
    assert caught.value.message_dict == {
        "status": [
            f"Chỉ đánh giá được hồ sơ đã trả kết quả; hồ sơ này đang ở trạng thái “{status.label}”."
        ]
    }
    assert Rating.objects.count() == 0


def test_nobody_rates_another_applicants_dossier(other_citizen: Any, done_dossier: Dossier) -> None:
    with pytest.raises(Dossier.DoesNotExist):
        rating_submit(dossier=done_dossier, applicant=other_citizen, level="unsatisfied")
    assert Rating.objects.count() == 0


def test_an_unknown_level_is_refused(citizen: Any, done_dossier: Dossier) -> None:
    for level in ("", "rat_hai_long", "Hài lòng", "SATISFIED"):
        with pytest.raises(ValidationError) as caught:
            rating_submit(dossier=done_dossier, applicant=citizen, level=level)
        assert caught.value.message_dict == {
            "level": ["Vui lòng chọn một mức: Rất hài lòng, Hài lòng, Chưa hài lòng."]
        }
    assert Rating.objects.count() == 0


def test_a_comment_longer_than_1000_characters_is_refused(
    citizen: Any, done_dossier: Dossier
) -> None:
    with pytest.raises(ValidationError) as caught:
        rating_submit(
            dossier=done_dossier, applicant=citizen, level="satisfied", comment="ư" * 1001
        )
    assert caught.value.message_dict == {"comment": ["Góp ý tối đa 1.000 ký tự (hiện có 1001)."]}
    assert Rating.objects.count() == 0
    # Exactly 1,000 characters (Vietnamese letters count as one each) is accepted.
    rating = rating_submit(
        dossier=done_dossier, applicant=citizen, level="satisfied", comment="ư" * 1000
    )
    rating.refresh_from_db()
    assert rating.comment == "ư" * 1000


def test_both_problems_are_reported_at_once(citizen: Any, done_dossier: Dossier) -> None:
    with pytest.raises(ValidationError) as caught:
        rating_submit(dossier=done_dossier, applicant=citizen, level="x", comment="a" * 1500)
    assert sorted(caught.value.message_dict) == ["comment", "level"]
    assert Rating.objects.count() == 0


def test_the_database_allows_one_rating_per_dossier_and_known_levels(
    done_dossier: Dossier,
) -> None:
    Rating.objects.create(dossier=done_dossier, level="satisfied")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(dossier=done_dossier, level="unsatisfied")
    Rating.objects.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(dossier=done_dossier, level="excellent")
    assert Rating.objects.count() == 0


def test_a_rated_dossier_cannot_be_deleted(done_dossier: Dossier) -> None:
    from django.db.models import ProtectedError

    Rating.objects.create(dossier=done_dossier, level="satisfied")
    with pytest.raises(ProtectedError):
        done_dossier.delete()
    assert Dossier.objects.filter(pk=done_dossier.pk).exists()

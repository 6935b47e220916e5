"""Changes to ratings: the applicant rates a dossier whose result was handed back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.accounts.models import User
from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.reporting.services import daily_figures_rating_apply

from .models import COMMENT_MAX_LENGTH, Rating, RatingLevel

# A dossier is rated once its result has been handed back (Circular 32/2017 Art. 12:
# "after using the service").
RATEABLE = frozenset({DossierStatus.DONE})


class RatingAlreadyGiven(ValidationError):
    """The dossier was already rated differently: a rating is final."""

    def __init__(self, rating: Rating) -> None:
        super().__init__(
            {
                "rating": [
                    _("Hồ sơ này đã được đánh giá “%(level)s”; đánh giá đã gửi không thể thay đổi.")
                    % {"level": rating.get_level_display()}
                ]
            }
        )
        self.rating = rating


def _clean_comment(comment: str) -> str:
    return comment.replace("\r\n", "\n").strip()


def rating_submit(*, dossier: Dossier, applicant: User, level: str, comment: str = "") -> Rating:
    """Record the applicant's rating of a dossier whose result was handed back.

    Only the dossier's applicant rates it (anyone else gets Dossier.DoesNotExist, as if
    the dossier did not exist), and only once: sending the same rating again returns
    the one recorded (a safe retry), a different one raises RatingAlreadyGiven.
    """
    comment = _clean_comment(comment)
    errors: dict[str, list[str]] = {}
    if level not in RatingLevel.values:
        errors["level"] = [
            _("Vui lòng chọn một mức: %(levels)s.")
            % {"levels": ", ".join(str(label) for label in RatingLevel.labels)}
        ]
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = [
            _("Góp ý tối đa %(max)s ký tự (hiện có %(count)s).")
            % {"max": f"{COMMENT_MAX_LENGTH:,}".replace(",", "."), "count": len(comment)}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The dossier's row lock queues concurrent ratings of one dossier; the one-to-one
        # constraint is the last word where there are no row locks (SQLite).
        locked = Dossier.objects.select_for_update(of=("self",)).get(
            pk=dossier.pk, applicant=applicant
        )
        existing = Rating.objects.filter(dossier=locked).first()
        if existing is not None:
            return _same_or_refuse(existing, level=level, comment=comment)
        if locked.status not in RATEABLE:
            raise ValidationError(
                {
                    "status": [
                        _(
                            "Chỉ đánh giá được hồ sơ đã trả kết quả; hồ sơ này đang ở trạng "
                            "thái “%(status)s”."
                        )
                        % {"status": locked.get_status_display()}
                    ]
                }
            )
        rating = Rating(dossier=locked, level=level, comment=comment, created_at=timezone.now())
        rating.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                rating.save(force_insert=True)
                daily_figures_rating_apply(rating=rating)
        except IntegrityError:
            existing = Rating.objects.filter(dossier=locked).first()
            if existing is None:
                raise
            return _same_or_refuse(existing, level=level, comment=comment)
    return rating


def _same_or_refuse(existing: Rating, *, level: str, comment: str) -> Rating:
    if existing.level == level and existing.comment == comment:
        return existing
    raise RatingAlreadyGiven(existing)

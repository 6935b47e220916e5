"""Reads of ratings: one dossier's rating, and the counts per level for monitoring."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from dichvucong.accounts.models import User
from dichvucong.dossiers.models import Dossier

from .models import Rating, RatingLevel


def rating_for_dossier(*, dossier: Dossier) -> Rating | None:
    """Return the dossier's rating, or None when it has none yet.

    The caller has already checked that the user may see `dossier` (it comes from a
    selector such as `dossier_get_for_applicant`).
    """
    return Rating.objects.filter(dossier=dossier).first()


def dossier_get_for_rating(*, applicant: User, code: str) -> Dossier:
    """Return the applicant's submitted dossier `code` (without its documents and history,
    which rating does not need); raise Dossier.DoesNotExist for anyone else's."""
    return Dossier.objects.select_related("agency").get(
        applicant=applicant, code=code, code__isnull=False
    )


def _local_midnight(day: date) -> datetime:
    """Return the start of `day` in the province's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def rating_summary(
    *,
    agency_ids: Iterable[int] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> dict[str, int]:
    """Return the number of ratings at each level, every level present (zero included).

    `agency_ids` keeps the dossiers received by those agencies (None: every agency; an
    empty collection: none, so a caller that computed no visible agency gets zeros).
    `since` and `until` are days in Vietnam time, both included, matched against when
    the rating was given. The caller decides which agencies the reader may see.
    """
    counts = dict.fromkeys(RatingLevel.values, 0)
    ratings = Rating.objects.all()
    if agency_ids is not None:
        ids = list(agency_ids)
        if not ids:
            return counts
        ratings = ratings.filter(dossier__agency_id__in=ids)
    if since is not None:
        ratings = ratings.filter(created_at__gte=_local_midnight(since))
    if until is not None:
        ratings = ratings.filter(created_at__lt=_local_midnight(until + timedelta(days=1)))
    for row in ratings.order_by().values("level").annotate(count=Count("pk")):
        counts[row["level"]] = row["count"]
    return counts

"""Citizens' satisfaction ratings of the service, given once the result is handed back.

Circular 32/2017 Art. 12 asks at least for the overall rating of the service on three
levels: "Rất hài lòng", "Hài lòng", "Chưa hài lòng". One rating per dossier, given by its
applicant (the dossier's `applicant`, who never changes: it is not stored twice) and
final once given.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 1000


class RatingLevel(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    UNSATISFIED = "unsatisfied", _("Chưa hài lòng")


class Rating(models.Model):
    """The applicant's overall rating of the service that handled one dossier."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="rating",
    )
    level = models.CharField(_("mức độ hài lòng"), max_length=20, choices=RatingLevel.choices)
    comment = models.CharField(_("góp ý"), max_length=COMMENT_MAX_LENGTH, blank=True, default="")
    created_at = models.DateTimeField(_("đánh giá lúc"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("đánh giá sự hài lòng")
        verbose_name_plural = _("đánh giá sự hài lòng")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at"], name="rating_created_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=RatingLevel.values), name="rating_level_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier.code}: {self.get_level_display()}"

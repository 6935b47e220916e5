"""The procedure catalogue: the national procedure database's content, versioned.

A `Procedure` is the stable identity (its national code) and what the province
configures around it; a `ProcedureVersion` is one published text of it (by publishing
decision and effective date). Everything a citizen reads hangs off a version, so an
edit publishes a new version and the old one stays readable.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.core.validators import validate_procedure_code
from dichvucong.organizations.models import Agency, Tier


class Field(models.Model):
    """A field of administration (lĩnh vực) with its national code."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LegalDocument(models.Model):
    """A legal text that procedures are based on (căn cứ pháp lý)."""

    number = models.CharField(_("number"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=500)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=255, blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ServiceLevel(models.IntegerChoices):
    """Online service levels of Decree 43/2011; 0 when level 1 is not yet reached."""

    NONE = 0, _("Chưa đạt mức độ 1")
    LEVEL_1 = 1, _("Mức độ 1")
    LEVEL_2 = 2, _("Mức độ 2")
    LEVEL_3 = 3, _("Mức độ 3")
    LEVEL_4 = 4, _("Mức độ 4")


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính), identified by its national code."""

    code = models.CharField(
        _("code"), max_length=50, unique=True, validators=[validate_procedure_code]
    )
    current_version = models.OneToOneField(
        "ProcedureVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(
        _("computed level"),
        choices=ServiceLevel.choices,
        default=ServiceLevel.NONE,
        help_text=_("Computed from what is really configured; see catalogue/levels.py."),
    )
    view_count = models.PositiveIntegerField(_("page views"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]
        indexes = [models.Index(fields=["level"])]

    def __str__(self) -> str:
        return self.code


class ApplicantType(models.TextChoices):
    """Who may file: the two groups the portal filters on."""

    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp, tổ chức")


class ProcedureVersion(models.Model):
    """One published text of a procedure: every item of the national procedure record."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    decision_number = models.CharField(_("publishing decision"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    name = models.CharField(_("name"), max_length=1000)
    procedure_type = models.CharField(_("procedure type"), max_length=255, blank=True)
    record_status = models.CharField(_("status in the national database"), max_length=100, blank=True)
    keywords = models.CharField(_("keywords"), max_length=1000, blank=True)
    conditions = models.TextField(_("requirements and conditions"), blank=True)
    reception_address = models.TextField(_("where to submit"), blank=True)
    declared_level = models.PositiveSmallIntegerField(
        _("declared level"), choices=ServiceLevel.choices, default=ServiceLevel.LEVEL_1
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    fields = models.ManyToManyField(Field, verbose_name=_("fields"), related_name="versions")
    applicant_types = models.JSONField(
        _("applicants"), default=list, blank=True, help_text=_("As named in the national database.")
    )
    for_citizens = models.BooleanField(_("for citizens"), default=False)
    for_businesses = models.BooleanField(_("for businesses and organisations"), default=False)
    publishing_agency = models.ForeignKey(
        Agency,
        verbose_name=_("publishing agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_procedure_versions",
    )
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("implementing agencies"), related_name="procedure_versions"
    )
    authority_agencies = models.JSONField(_("competent authorities"), default=list, blank=True)
    delegated_agencies = models.JSONField(_("delegated agencies"), default=list, blank=True)
    coordinating_agencies = models.JSONField(_("coordinating agencies"), default=list, blank=True)
    related_procedures = models.JSONField(_("related procedures"), default=list, blank=True)
    interconnected_procedures = models.JSONField(
        _("interconnected procedures"), default=list, blank=True
    )
    legal_basis = models.ManyToManyField(
        LegalDocument, verbose_name=_("legal basis"), related_name="procedure_versions"
    )
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Some figures were chosen as plausible, not taken from the real record."),
    )
    search_text = models.TextField(_("search text"), editable=False, default="")
    content_hash = models.CharField(max_length=64, editable=False, default="")

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_procedure_version")
        ]
        indexes = [
            models.Index(fields=["tier"]),
            models.Index(fields=["for_citizens"]),
            models.Index(fields=["for_businesses"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"


class ProcedureCase(models.Model):
    """A case (trường hợp) of a procedure; the unnamed case applies to all."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="cases", verbose_name=_("version")
    )
    name = models.CharField(_("case"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="unique_case_name")
        ]

    def __str__(self) -> str:
        return self.name or str(_("Mọi trường hợp"))


class ProcedureStep(models.Model):
    """One step of the order of implementation (trình tự thực hiện) of a case."""

    case = models.ForeignKey(ProcedureCase, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["case", "position"]


class Channel(models.TextChoices):
    """How a dossier reaches the agency and the result comes back."""

    DIRECT = "direct", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Dịch vụ bưu chính")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("Ngày làm việc")
    DAYS = "days", _("Ngày")
    HOURS = "hours", _("Giờ")


class ProcessingTime(models.Model):
    """The time limit (thời hạn giải quyết) for one channel and case, with its fees."""

    case = models.ForeignKey(
        ProcedureCase, on_delete=models.CASCADE, related_name="processing_times"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    duration = models.DecimalField(_("time limit"), max_digits=7, decimal_places=2, null=True)
    unit = models.CharField(_("unit"), max_length=15, choices=TimeUnit.choices)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("processing time")
        verbose_name_plural = _("processing times")
        ordering = ["case", "position"]


class FeeKind(models.TextChoices):
    FEE = "PHI", _("Phí")
    CHARGE = "LEPHI", _("Lệ phí")


class Fee(models.Model):
    """A fee or charge (phí, lệ phí) due for a channel and case."""

    processing_time = models.ForeignKey(
        ProcessingTime, on_delete=models.CASCADE, related_name="fees"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FeeKind.choices)
    amount = models.PositiveBigIntegerField(_("amount"))
    currency_label = models.CharField(_("unit"), max_length=50, default="Đồng")
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["processing_time", "position"]


def form_template_upload_to(instance: FormTemplate, filename: str) -> str:
    return f"forms/{instance.version.procedure.code}/v{instance.version.number}/{filename}"


class FormTemplate(models.Model):
    """A form (mẫu đơn, tờ khai) that applicants download and fill in (level 2)."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="forms", verbose_name=_("version")
    )
    name = models.CharField(_("name"), max_length=500)
    file = models.FileField(_("file"), upload_to=form_template_upload_to, blank=True, max_length=300)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("form template")
        verbose_name_plural = _("form templates")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="unique_form_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_available(self) -> bool:
        """Return whether an applicant can download this form."""
        return bool(self.file) or bool(self.source_url)


class RequiredDocument(models.Model):
    """A document of the dossier (thành phần hồ sơ) with its numbers of originals and copies."""

    case = models.ForeignKey(ProcedureCase, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=100, blank=True)
    name = models.TextField(_("name"))
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    form = models.ForeignKey(
        FormTemplate,
        verbose_name=_("form template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    replaced_by_result_code = models.CharField(
        _("replaced by the result of"), max_length=100, blank=True
    )

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["case", "position"]


class ProcedureResult(models.Model):
    """The result a procedure ends with (kết quả thực hiện): a licence, a certificate."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="results")
    code = models.CharField(_("code"), max_length=100, blank=True)
    name = models.TextField(_("name"))
    url = models.URLField(_("sample address"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["version", "position"]

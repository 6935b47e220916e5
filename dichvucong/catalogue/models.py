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

    code = models.CharField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=255)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LegalDocument(models.Model):
    """A legal text that procedures are based on (căn cứ pháp lý)."""

    number = models.CharField(_("số hiệu"), max_length=100, unique=True)
    title = models.CharField(_("trích yếu"), max_length=500)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    effective_on = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    url = models.URLField(_("địa chỉ"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("văn bản pháp luật")
        verbose_name_plural = _("văn bản pháp luật")
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
        _("mã"), max_length=50, unique=True, validators=[validate_procedure_code]
    )
    current_version = models.OneToOneField(
        "ProcedureVersion",
        verbose_name=_("phiên bản hiện hành"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(
        _("mức độ thực tế"),
        choices=ServiceLevel.choices,
        default=ServiceLevel.NONE,
        help_text=_("Tính từ cấu hình thực tế của thủ tục."),
    )
    view_count = models.PositiveIntegerField(_("lượt xem"), default=0, editable=False)
    online_submission_enabled = models.BooleanField(
        _("cho phép nộp hồ sơ trực tuyến"),
        default=False,
        help_text=_("Bật khi thủ tục đã có biểu mẫu điện tử và cơ quan sẵn sàng tiếp nhận."),
    )
    # Level 4 (Circular 32/2017 Art. 5(4)): fees paid online, results delivered online.
    online_payment_enabled = models.BooleanField(
        _("cho phép thanh toán trực tuyến"),
        default=False,
        help_text=_("Bật khi phí, lệ phí của thủ tục được nộp qua cổng thanh toán."),
    )
    online_result_enabled = models.BooleanField(
        _("trả kết quả trực tuyến"),
        default=False,
        help_text=_("Bật khi kết quả được phát hành điện tử, có ký số, cho người nộp tải về."),
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
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
        Procedure,
        verbose_name=_("thủ tục hành chính"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    decision_number = models.CharField(_("quyết định công bố"), max_length=100, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    published_at = models.DateTimeField(_("thời điểm công bố"), auto_now_add=True)

    name = models.CharField(_("tên"), max_length=1000)
    procedure_type = models.CharField(_("loại thủ tục"), max_length=255, blank=True)
    record_status = models.CharField(_("trạng thái trên CSDL quốc gia"), max_length=100, blank=True)
    keywords = models.CharField(_("từ khóa"), max_length=1000, blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    reception_address = models.TextField(_("địa chỉ tiếp nhận hồ sơ"), blank=True)
    declared_level = models.PositiveSmallIntegerField(
        _("mức độ công bố"), choices=ServiceLevel.choices, default=ServiceLevel.LEVEL_1
    )
    tier = models.CharField(_("cấp thực hiện"), max_length=10, choices=Tier.choices)
    fields = models.ManyToManyField(Field, verbose_name=_("lĩnh vực"), related_name="versions")
    applicant_types = models.JSONField(
        _("đối tượng thực hiện"),
        default=list,
        blank=True,
        help_text=_("Theo tên gọi trong Cơ sở dữ liệu quốc gia."),
    )
    for_citizens = models.BooleanField(_("dành cho công dân"), default=False)
    for_businesses = models.BooleanField(_("dành cho doanh nghiệp, tổ chức"), default=False)
    publishing_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan công bố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_procedure_versions",
    )
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan thực hiện"), related_name="procedure_versions"
    )
    authority_agencies = models.JSONField(_("cơ quan có thẩm quyền"), default=list, blank=True)
    delegated_agencies = models.JSONField(_("cơ quan được ủy quyền"), default=list, blank=True)
    coordinating_agencies = models.JSONField(_("cơ quan phối hợp"), default=list, blank=True)
    related_procedures = models.JSONField(_("thủ tục liên quan"), default=list, blank=True)
    interconnected_procedures = models.JSONField(_("thủ tục liên thông"), default=list, blank=True)
    legal_basis = models.ManyToManyField(
        LegalDocument, verbose_name=_("căn cứ pháp lý"), related_name="procedure_versions"
    )
    is_demo = models.BooleanField(
        _("dữ liệu minh họa"),
        default=False,
        help_text=_("Một số số liệu được chọn cho hợp lý, chưa đối chiếu với hồ sơ thật."),
    )
    search_text = models.TextField(_("văn bản tìm kiếm"), editable=False, default="")
    content_hash = models.CharField(max_length=64, editable=False, default="")

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
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
        ProcedureVersion,
        on_delete=models.CASCADE,
        related_name="cases",
        verbose_name=_("phiên bản"),
    )
    name = models.CharField(_("trường hợp"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("trường hợp")
        verbose_name_plural = _("trường hợp")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "name"], name="unique_case_name")]

    def __str__(self) -> str:
        return self.name or str(_("Mọi trường hợp"))


class ProcedureStep(models.Model):
    """One step of the order of implementation (trình tự thực hiện) of a case."""

    case = models.ForeignKey(ProcedureCase, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    description = models.TextField(_("mô tả"))

    class Meta:
        verbose_name = _("bước")
        verbose_name_plural = _("trình tự thực hiện")
        ordering = ["case", "position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.description[:60]}"


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
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)
    duration = models.DecimalField(_("thời hạn"), max_digits=7, decimal_places=2, null=True)
    unit = models.CharField(_("đơn vị tính"), max_length=15, choices=TimeUnit.choices)
    description = models.TextField(_("mô tả"), blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thời hạn giải quyết")
        verbose_name_plural = _("thời hạn giải quyết")
        ordering = ["case", "position"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.duration} {self.get_unit_display()}"


class FeeKind(models.TextChoices):
    FEE = "PHI", _("Phí")
    CHARGE = "LEPHI", _("Lệ phí")


class FeeBasis(models.TextChoices):
    """How a fee's amount is counted (the payments app multiplies accordingly)."""

    FIXED = "fixed", _("Mức cố định")
    PER_COPY = "per_copy", _("Theo số bản")
    PER_PAGE = "per_page", _("Theo số trang")


def fee_basis_from_label(label: str, description: str = "") -> str:
    """Guess the basis from the national record's unit or description ("đồng/bản",
    "đồng/trang"); anything else is a fixed amount. The province corrects it in the admin."""
    for text in (label.lower(), description.lower()):
        if "/trang" in text:
            return FeeBasis.PER_PAGE
        if "/bản" in text:
            return FeeBasis.PER_COPY
    return FeeBasis.FIXED


class Fee(models.Model):
    """A fee or charge (phí, lệ phí) due for a channel and case."""

    processing_time = models.ForeignKey(
        ProcessingTime, on_delete=models.CASCADE, related_name="fees"
    )
    kind = models.CharField(_("loại"), max_length=10, choices=FeeKind.choices)
    amount = models.PositiveBigIntegerField(_("số tiền"))
    currency_label = models.CharField(_("đơn vị tính"), max_length=50, default="Đồng")
    description = models.TextField(_("mô tả"), blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    # How the province computes what is due (not in the national record's numbers).
    basis = models.CharField(
        _("cách tính"),
        max_length=10,
        choices=FeeBasis.choices,
        default=FeeBasis.FIXED,
        help_text=_("Theo số bản, số trang: số tiền trên là đơn giá một bản, một trang."),
    )
    exemptible = models.BooleanField(
        _("có đối tượng được miễn"),
        default=False,
        help_text=_("Người nộp thuộc đối tượng miễn (cán bộ kiểm tra) không phải nộp khoản này."),
    )
    exemption_note = models.CharField(
        _("đối tượng được miễn"),
        max_length=500,
        blank=True,
        help_text=_("Ví dụ: người thuộc hộ nghèo, người có công với cách mạng."),
    )

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["processing_time", "position"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} {self.currency_label}"


def form_template_upload_to(instance: FormTemplate, filename: str) -> str:
    return f"forms/{instance.version.procedure.code}/v{instance.version.number}/{filename}"


class FormTemplate(models.Model):
    """A form (mẫu đơn, tờ khai) that applicants download and fill in (level 2)."""

    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.CASCADE,
        related_name="forms",
        verbose_name=_("phiên bản"),
    )
    name = models.CharField(_("tên"), max_length=500)
    file = models.FileField(_("tệp"), upload_to=form_template_upload_to, blank=True, max_length=300)
    source_url = models.URLField(_("địa chỉ nguồn"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("mẫu đơn, tờ khai")
        verbose_name_plural = _("mẫu đơn, tờ khai")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "name"], name="unique_form_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_available(self) -> bool:
        """Return whether an applicant can download this form."""
        return bool(self.file) or bool(self.source_url)


class RequiredDocument(models.Model):
    """A document of the dossier (thành phần hồ sơ) with its numbers of originals and copies."""

    case = models.ForeignKey(ProcedureCase, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    code = models.CharField(_("mã"), max_length=100, blank=True)
    name = models.TextField(_("tên"))
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    form = models.ForeignKey(
        FormTemplate,
        verbose_name=_("mẫu đơn, tờ khai"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    replaced_by_result_code = models.CharField(
        _("được thay thế bằng kết quả"), max_length=100, blank=True
    )

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["case", "position"]

    def __str__(self) -> str:
        return self.name


class ProcedureResult(models.Model):
    """The result a procedure ends with (kết quả thực hiện): a licence, a certificate."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="results")
    code = models.CharField(_("mã"), max_length=100, blank=True)
    name = models.TextField(_("tên"))
    url = models.URLField(_("địa chỉ mẫu kết quả"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("kết quả")
        verbose_name_plural = _("kết quả")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name

"""Adapter for the national procedure database's JSON shape (CSDL TTHC).

The outside system's keys (MATTHC, TENTTHC, THANHPHANHOSO, ...) live in this module
only: `parse_record` turns one record into a typed `ProcedureRecord` the services
understand, and `version_to_record` turns a stored version back into the same shape.
`docs/national-procedure-format.md` and `dichvucong/catalogue/samples/` document it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from dichvucong.core.text import fold
from dichvucong.core.validators import validate_procedure_code
from dichvucong.organizations.models import Tier

from .models import ApplicantType, Channel, FeeKind, ProcedureVersion, TimeUnit


class RecordError(ValueError):
    """A record of an import file is malformed; names the field at fault."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field_name = field_name
        self.message = message


TIERS = {"cap tinh": Tier.PROVINCE, "cap huyen": Tier.DISTRICT, "cap xa": Tier.COMMUNE}
TIER_LABELS = {Tier.PROVINCE: "Cấp Tỉnh", Tier.DISTRICT: "Cấp Huyện", Tier.COMMUNE: "Cấp Xã"}
CHANNELS = {
    "truc tiep": Channel.DIRECT,
    "truc tuyen": Channel.ONLINE,
    "dich vu buu chinh": Channel.POSTAL,
    "buu chinh": Channel.POSTAL,
}
CHANNEL_LABELS = {
    Channel.DIRECT: "Trực tiếp",
    Channel.ONLINE: "Trực tuyến",
    Channel.POSTAL: "Dịch vụ bưu chính",
}
UNITS = {"ngay lam viec": TimeUnit.WORKING_DAYS, "ngay": TimeUnit.DAYS, "gio": TimeUnit.HOURS}
UNIT_LABELS = {TimeUnit.WORKING_DAYS: "Ngày làm việc", TimeUnit.DAYS: "Ngày", TimeUnit.HOURS: "Giờ"}
# Applicant types of the national database and which portal group each belongs to.
APPLICANTS = {
    "Công dân Việt Nam": ApplicantType.CITIZEN,
    "Người Việt Nam định cư ở nước ngoài": ApplicantType.CITIZEN,
    "Người nước ngoài": ApplicantType.CITIZEN,
    "Cán bộ, công chức, viên chức": ApplicantType.CITIZEN,
    "Doanh nghiệp": ApplicantType.BUSINESS,
    "Doanh nghiệp có vốn đầu tư nước ngoài": ApplicantType.BUSINESS,
    "Hợp tác xã": ApplicantType.BUSINESS,
    "Tổ chức (không bao gồm doanh nghiệp, HTX)": ApplicantType.BUSINESS,
    "Tổ chức nước ngoài": ApplicantType.BUSINESS,
}
_APPLICANTS_FOLDED = {fold(label): label for label in APPLICANTS}


@dataclass(frozen=True)
class AgencyRef:
    code: str
    name: str


@dataclass(frozen=True)
class FieldRef:
    code: str
    name: str


@dataclass(frozen=True)
class FeeData:
    kind: str
    amount: int
    currency_label: str
    description: str


@dataclass(frozen=True)
class TimeData:
    case: str
    channel: str
    duration: Decimal | None
    unit: str
    description: str
    fees: list[FeeData]


@dataclass(frozen=True)
class DocumentData:
    case: str
    code: str
    name: str
    originals: int
    copies: int
    form_name: str
    form_url: str
    replaced_by_result_code: str


@dataclass(frozen=True)
class ResultData:
    code: str
    name: str
    url: str


@dataclass(frozen=True)
class LegalData:
    number: str
    title: str
    issued_on: datetime.date | None
    effective_on: datetime.date | None
    issuer: str
    url: str


@dataclass
class ProcedureRecord:
    """One procedure as the national database describes it, typed and validated."""

    code: str
    name: str
    publishing_agency: str
    procedure_type: str
    decision_number: str
    decision_date: datetime.date | None
    effective_from: datetime.date | None
    record_status: str
    keywords: str
    conditions: str
    reception_address: str
    declared_level: int
    tier: str
    fields: list[FieldRef]
    applicant_types: list[str]
    steps: list[tuple[str, list[str]]]
    times: list[TimeData]
    documents: list[DocumentData]
    results: list[ResultData]
    legal_basis: list[LegalData]
    agencies: list[AgencyRef]
    authority_agencies: list[AgencyRef] = field(default_factory=list)
    delegated_agencies: list[AgencyRef] = field(default_factory=list)
    coordinating_agencies: list[AgencyRef] = field(default_factory=list)
    related_procedures: list[Any] = field(default_factory=list)
    interconnected_procedures: list[Any] = field(default_factory=list)
    is_demo: bool = False

    def case_names(self) -> list[str]:
        """Return the cases in order of first mention; the unnamed case first."""
        names: list[str] = [""]
        mentioned = [case for case, _ in self.steps]
        mentioned += [d.case for d in self.documents] + [t.case for t in self.times]
        for name in mentioned:
            if name not in names:
                names.append(name)
        return names

    def content_hash(self) -> str:
        """Return a digest of the content, so re-importing the same record changes nothing."""
        payload = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def for_citizens(self) -> bool:
        return any(APPLICANTS[a] == ApplicantType.CITIZEN for a in self.applicant_types)

    @property
    def for_businesses(self) -> bool:
        return any(APPLICANTS[a] == ApplicantType.BUSINESS for a in self.applicant_types)


# Parsing helpers ---------------------------------------------------------------------


def _text(data: dict[str, Any], key: str, *, required: bool = False, max_length: int = 0) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise RecordError(key, "expected text")
    value = value.strip()
    if required and not value:
        raise RecordError(key, "is required")
    if max_length and len(value) > max_length:
        raise RecordError(key, f"is longer than {max_length} characters")
    return value


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(key, "expected a list")
    return value


def _items(data: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    """Return the list's items with their path (KEY[i]), each checked to be an object."""
    items = []
    for index, item in enumerate(_list(data, key)):
        path = f"{key}[{index}]"
        if not isinstance(item, dict):
            raise RecordError(path, "expected an object")
        items.append((path, item))
    return items


def _nested(path: str, error: RecordError) -> RecordError:
    return RecordError(f"{path}.{error.field_name}", error.message)


def _date(data: dict[str, Any], key: str) -> datetime.date | None:
    value = _text(data, key)
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise RecordError(key, f"{value!r} is not a date (DD/MM/YYYY)")


def _count(data: dict[str, Any], key: str) -> int:
    value = data.get(key, 0)
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise RecordError(key, f"{value!r} is not a whole number") from exc
    if number < 0 or number > 1000:
        raise RecordError(key, f"{number} is out of range")
    return number


def _choice(data: dict[str, Any], key: str, mapping: dict[str, Any]) -> Any:
    value = _text(data, key, required=True)
    try:
        return mapping[fold(value)]
    except KeyError:
        raise RecordError(key, f"unknown value {value!r}") from None


def _agency_refs(data: dict[str, Any], key: str) -> list[AgencyRef]:
    refs = []
    for path, item in _items(data, key):
        try:
            refs.append(AgencyRef(code=_text(item, "MADONVI"), name=_text(item, "TENDONVI")))
        except RecordError as exc:
            raise _nested(path, exc) from None
    return refs


def _parse_times(data: dict[str, Any]) -> list[TimeData]:
    times = []
    for path, channel_item in _items(data, "CACHTHUCTHUCHIEN"):
        try:
            channel = _choice(channel_item, "KENH", CHANNELS)
            for time_path, time_item in _items(channel_item, "THOIGIAN"):
                try:
                    times.append(_parse_time(time_item, channel))
                except RecordError as exc:
                    raise _nested(time_path, exc) from None
        except RecordError as exc:
            raise _nested(path, exc) from None
    return times


def _parse_time(item: dict[str, Any], channel: str) -> TimeData:
    raw = item.get("THOIGIANGIAIQUYET")
    duration: Decimal | None = None
    if raw not in (None, ""):
        try:
            duration = Decimal(str(raw))
        except InvalidOperation:
            raise RecordError("THOIGIANGIAIQUYET", f"{raw!r} is not a number") from None
        if not duration.is_finite() or duration < 0 or duration >= 100000:
            raise RecordError("THOIGIANGIAIQUYET", f"{raw!r} is out of range")
    unit = _choice(item, "DONVITINH", UNITS) if item.get("DONVITINH") else TimeUnit.WORKING_DAYS
    fees = []
    for fee_path, fee in _items(item, "PHILEPHI"):
        try:
            kind = _text(fee, "MAPHILEPHI") or FeeKind.CHARGE
            if kind not in FeeKind.values:
                raise RecordError("MAPHILEPHI", f"unknown value {kind!r} (PHI or LEPHI)")
            amount = fee.get("SOTIEN", 0)
            if amount in (None, ""):
                amount = 0
            if isinstance(amount, bool) or not isinstance(amount, int | float | str):
                raise RecordError("SOTIEN", f"{amount!r} is not an amount")
            try:
                exact = Decimal(str(amount))
            except InvalidOperation:
                raise RecordError("SOTIEN", f"{amount!r} is not an amount") from None
            if not exact.is_finite() or exact != exact.to_integral_value():
                raise RecordError("SOTIEN", f"{amount!r} is not a whole number of đồng")
            amount_value = int(exact)
            if amount_value < 0 or amount_value > 10**12:
                raise RecordError("SOTIEN", f"{amount!r} is out of range")
            fees.append(
                FeeData(
                    kind=kind,
                    amount=amount_value,
                    currency_label=_text(fee, "DONVI", max_length=50) or "Đồng",
                    description=_text(fee, "MOTA"),
                )
            )
        except RecordError as exc:
            raise _nested(fee_path, exc) from None
    return TimeData(
        case=_text(item, "TRUONGHOP", max_length=500),
        channel=channel,
        duration=duration,
        unit=unit,
        description=_text(item, "MOTA"),
        fees=fees,
    )


def _parse_documents(data: dict[str, Any]) -> list[DocumentData]:
    documents = []
    for path, group in _items(data, "THANHPHANHOSO"):
        try:
            case = _text(group, "TRUONGHOP", max_length=500)
            for doc_path, doc in _items(group, "GIAYTO"):
                try:
                    documents.append(
                        DocumentData(
                            case=case,
                            code=_text(doc, "MAGIAYTO", max_length=100),
                            name=_text(doc, "TENGIAYTO", required=True),
                            originals=_count(doc, "SOBANCHINH"),
                            copies=_count(doc, "SOBANSAO"),
                            form_name=_text(doc, "TENMAUDON", max_length=500),
                            form_url=_url(doc, "URL"),
                            replaced_by_result_code=_text(doc, "MA_KQ_THAYTHE", max_length=100),
                        )
                    )
                except RecordError as exc:
                    raise _nested(doc_path, exc) from None
        except RecordError as exc:
            raise _nested(path, exc) from None
    return documents


def _parse_steps(data: dict[str, Any]) -> list[tuple[str, list[str]]]:
    steps = []
    for path, group in _items(data, "TRINHTUTHUCHIEN"):
        try:
            case = _text(group, "TRUONGHOP", max_length=500)
            descriptions = []
            for step_path, step in _items(group, "TRINHTU"):
                try:
                    descriptions.append(_text(step, "TENTRINHTU", required=True))
                except RecordError as exc:
                    raise _nested(step_path, exc) from None
            steps.append((case, descriptions))
        except RecordError as exc:
            raise _nested(path, exc) from None
    return steps


def _parse_legal(data: dict[str, Any]) -> list[LegalData]:
    documents = []
    for path, item in _items(data, "CANCUPHAPLY"):
        try:
            documents.append(
                LegalData(
                    number=_text(item, "SOVANBAN", required=True, max_length=100),
                    title=_text(item, "TENVANBAN", required=True, max_length=500),
                    issued_on=_date(item, "NGAYBANHANH"),
                    effective_on=_date(item, "NGAYHIEULUC"),
                    issuer=_text(item, "COQUANBANHANH", max_length=255),
                    url=_url(item, "DIACHITRUYCAP"),
                )
            )
        except RecordError as exc:
            raise _nested(path, exc) from None
    return documents


def _url(data: dict[str, Any], key: str) -> str:
    value = _text(data, key, max_length=500)
    if value and not value.startswith(("http://", "https://")):
        raise RecordError(key, f"{value!r} is not a web address")
    return value


def parse_record(data: Any) -> ProcedureRecord:
    """Return the typed record for one national procedure record; raise RecordError."""
    if not isinstance(data, dict):
        raise RecordError("(record)", "expected an object")
    tier_value = data.get("CAPTHUCHIEN")
    if isinstance(tier_value, list):
        if len(tier_value) != 1:
            raise RecordError("CAPTHUCHIEN", "expected exactly one tier")
        tier_value = tier_value[0]
    tier = _choice({"CAPTHUCHIEN": tier_value}, "CAPTHUCHIEN", TIERS)

    fields = []
    for path, item in _items(data, "LINHVUCTHUCHIEN"):
        try:
            fields.append(
                FieldRef(
                    code=_text(item, "MALINHVUC", required=True, max_length=50),
                    name=_text(item, "TENLINHVUC", required=True, max_length=255),
                )
            )
        except RecordError as exc:
            raise _nested(path, exc) from None
    if not fields:
        raise RecordError("LINHVUCTHUCHIEN", "at least one field is required")

    applicants = []
    for index, label in enumerate(_list(data, "DOITUONGTHUCHIEN")):
        known = _APPLICANTS_FOLDED.get(fold(label)) if isinstance(label, str) else None
        if known is None:
            raise RecordError(f"DOITUONGTHUCHIEN[{index}]", f"unknown applicant type {label!r}")
        if known not in applicants:
            applicants.append(known)

    level = data.get("MUCDO", 1)
    if level in (None, ""):
        level = 1
    if isinstance(level, bool) or str(level) not in {"1", "2", "3", "4"}:
        raise RecordError("MUCDO", f"{level!r} is not a service level (1 to 4)")

    is_demo = data.get("DULIEUMAU", False)
    if not isinstance(is_demo, bool):
        raise RecordError("DULIEUMAU", "expected true or false")

    code = _text(data, "MATTHC", required=True)
    try:
        validate_procedure_code(code)
    except ValidationError as exc:
        raise RecordError("MATTHC", f"{code!r}: {exc.messages[0]}") from None

    return ProcedureRecord(
        code=code,
        name=_text(data, "TENTTHC", required=True, max_length=1000),
        publishing_agency=_text(data, "MACOQUANCONGBO", max_length=35),
        procedure_type=_text(data, "LOAITTHC", max_length=255),
        decision_number=_text(data, "QUYETDINH", max_length=100),
        decision_date=_date(data, "NGAYQUYETDINH"),
        effective_from=_date(data, "NGAYHIEULUC"),
        record_status=_text(data, "TRANGTHAI", max_length=100),
        keywords=_text(data, "TUKHOA", max_length=1000),
        conditions=_text(data, "YEUCAU"),
        reception_address=_text(data, "DIACHITIEPNHAN"),
        declared_level=int(level),
        tier=tier,
        fields=fields,
        applicant_types=applicants,
        steps=_parse_steps(data),
        times=_parse_times(data),
        documents=_parse_documents(data),
        results=[_parse_result(path, item) for path, item in _items(data, "KETQUATHUCHIEN")],
        legal_basis=_parse_legal(data),
        agencies=_agency_refs(data, "COQUANTHUCHIEN"),
        authority_agencies=_agency_refs(data, "COTHAMQUYEN"),
        delegated_agencies=_agency_refs(data, "DUOCUYQUYEN"),
        coordinating_agencies=_agency_refs(data, "PHOIHOP"),
        related_procedures=_list(data, "TTHCLIENQUAN"),
        interconnected_procedures=_list(data, "TTHCLIENTHONG"),
        is_demo=is_demo,
    )


def _parse_result(path: str, item: dict[str, Any]) -> ResultData:
    try:
        return ResultData(
            code=_text(item, "MAKETQUA", max_length=100),
            name=_text(item, "TENKETQUA", required=True),
            url=_url(item, "URL"),
        )
    except RecordError as exc:
        raise _nested(path, exc) from None


# Export ------------------------------------------------------------------------------


def _format_date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _format_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _agency_list(refs: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{"MADONVI": ref["code"], "TENDONVI": ref["name"]} for ref in refs]


def version_to_record(version: ProcedureVersion) -> dict[str, Any]:
    """Return the version in the national database's JSON shape.

    Expects the version fetched with `catalogue.selectors.procedure_version_export_qs`.
    """
    cases = list(version.cases.all())
    steps = [
        {
            "TRUONGHOP": case.name,
            "TRINHTU": [{"TENTRINHTU": s.description} for s in case.steps.all()],
        }
        for case in cases
        if case.steps.all()
    ]
    channels: dict[str, list[dict[str, Any]]] = {}
    times = sorted(
        ((case, time) for case in cases for time in case.processing_times.all()),
        key=lambda pair: pair[1].position,
    )
    for case, time in times:
        channels.setdefault(time.channel, []).append(
            {
                "THOIGIANGIAIQUYET": _format_number(time.duration),
                "DONVITINH": UNIT_LABELS[TimeUnit(time.unit)],
                "MOTA": time.description,
                "TRUONGHOP": case.name,
                "PHILEPHI": [
                    {
                        "MAPHILEPHI": fee.kind,
                        "SOTIEN": fee.amount,
                        "DONVI": fee.currency_label,
                        "MOTA": fee.description,
                    }
                    for fee in time.fees.all()
                ],
            }
        )
    documents = [
        {
            "TRUONGHOP": case.name,
            "GIAYTO": [
                {
                    "MAGIAYTO": doc.code,
                    "TENGIAYTO": doc.name,
                    "SOBANCHINH": doc.originals,
                    "SOBANSAO": doc.copies,
                    "TENMAUDON": doc.form.name if doc.form else "",
                    "URL": doc.form.source_url if doc.form else "",
                    "MA_KQ_THAYTHE": doc.replaced_by_result_code,
                }
                for doc in case.documents.all()
            ],
        }
        for case in cases
        if case.documents.all()
    ]
    return {
        "MATTHC": version.procedure.code,
        "TENTTHC": version.name,
        "MACOQUANCONGBO": version.publishing_agency.code if version.publishing_agency else "",
        "LOAITTHC": version.procedure_type,
        "QUYETDINH": version.decision_number,
        "NGAYQUYETDINH": _format_date(version.decision_date),
        "NGAYHIEULUC": _format_date(version.effective_from),
        "TRANGTHAI": version.record_status,
        "TUKHOA": version.keywords,
        "YEUCAU": version.conditions,
        "DIACHITIEPNHAN": version.reception_address,
        "MUCDO": version.declared_level,
        "CAPTHUCHIEN": TIER_LABELS[Tier(version.tier)],
        "LINHVUCTHUCHIEN": [
            {"MALINHVUC": f.code, "TENLINHVUC": f.name} for f in version.fields.all()
        ],
        "DOITUONGTHUCHIEN": list(version.applicant_types),
        "TRINHTUTHUCHIEN": steps,
        "CACHTHUCTHUCHIEN": [
            {"KENH": CHANNEL_LABELS[Channel(channel)], "THOIGIAN": items}
            for channel, items in channels.items()
        ],
        "THANHPHANHOSO": documents,
        "KETQUATHUCHIEN": [
            {"MAKETQUA": r.code, "TENKETQUA": r.name, "URL": r.url} for r in version.results.all()
        ],
        "CANCUPHAPLY": [
            {
                "SOVANBAN": d.number,
                "TENVANBAN": d.title,
                "NGAYBANHANH": _format_date(d.issued_on),
                "NGAYHIEULUC": _format_date(d.effective_on),
                "COQUANBANHANH": d.issuer,
                "DIACHITRUYCAP": d.url,
            }
            for d in version.legal_basis.all()
        ],
        "COQUANTHUCHIEN": [{"MADONVI": a.code, "TENDONVI": a.name} for a in version.agencies.all()],
        "COTHAMQUYEN": _agency_list(version.authority_agencies),
        "DUOCUYQUYEN": _agency_list(version.delegated_agencies),
        "PHOIHOP": _agency_list(version.coordinating_agencies),
        "TTHCLIENQUAN": list(version.related_procedures),
        "TTHCLIENTHONG": list(version.interconnected_procedures),
        "DULIEUMAU": version.is_demo,
    }

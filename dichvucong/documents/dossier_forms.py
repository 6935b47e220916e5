"""Build the Circular 01/2018 forms (01-06) from dossiers and their events.

Every builder is a pure read: it turns what the workflow engine wrote (the dossier, its
documents and its append-only events) into the frozen dataclasses of `circular01`, and
never changes anything. A form is rebuilt from the same rows each time, so a receipt
printed a month later says what it said on the day of acceptance: the due date is the
one the `accept` event wrote, not the one in force now.

The builders read the dossier's agency (with its parent and administrative unit), its
version and its case through the dossier given: load it with `FORM_DOSSIER_RELATED`
(`Dossier.objects.select_related(*FORM_DOSSIER_RELATED)`) and each builder makes a fixed
number of queries, counted in the tests. Event builders read `event.dossier` and
`event.actor`: events from `dossier_form_events` have both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dichvucong.accounts.models import Role, User
from dichvucong.accounts.selectors import officer_display_name
from dichvucong.catalogue.models import Channel, RequiredDocument, TimeUnit
from dichvucong.core.text import fold
from dichvucong.dossiers.actions import dossier_time_limit
from dichvucong.dossiers.models import Dossier, DossierEvent, DossierStatus
from dichvucong.organizations.models import Agency
from dichvucong.workflows.models import APPLICANT, WorkflowState

from .circular01 import (
    LOCAL_TZ,
    AgencyHeading,
    ApologySlip,
    Applicant,
    ControlSheet,
    HandOver,
    ReceiptSlip,
    RefusalSlip,
    Register,
    RegisterRow,
    SubmittedDocument,
    SupplementItem,
    SupplementRequest,
    Timeliness,
    vn_short_datetime,
)

# What a dossier loaded for the forms must have joined (see the module docstring).
FORM_DOSSIER_RELATED = (
    "agency__parent",
    "agency__administrative_unit",
    "version",
    "case",
    "assignee",
)

# The forms the law gives the applicant (Circular 01/2018 Art. 9-10): the receipt, the
# request for more documents, the refusal and the apology. The control sheet (05) and
# the register (06) are the office's own records.
APPLICANT_FORM_NUMBERS = frozenset({1, 2, 3, 4})

FORM_TITLES = {
    1: gettext_lazy("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    2: gettext_lazy("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    3: gettext_lazy("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    4: gettext_lazy("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    5: gettext_lazy("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    6: gettext_lazy("Sổ theo dõi hồ sơ"),
}

# Forms there may be several of on one dossier: their links name the event.
REPEATABLE_FORMS = frozenset({2, 4})

# Who holds a dossier in a role, as the control sheet (Form 05) names them.
_PARTY_LABELS: dict[str, Promise] = {
    Role.RECEPTION: gettext_lazy("Bộ phận tiếp nhận và trả kết quả"),
    Role.UNIT_HEAD: gettext_lazy("Lãnh đạo phòng"),
    Role.APPROVER: gettext_lazy("Lãnh đạo cơ quan"),
    Role.AGENCY_ADMIN: gettext_lazy("Quản trị đơn vị"),
    APPLICANT: gettext_lazy("Người nộp hồ sơ"),
}

# Title of the officer who signs an apology (Form 04), by the role they acted in.
_SIGNER_TITLES: dict[str, Promise] = {
    Role.UNIT_HEAD: gettext_lazy("Lãnh đạo phòng"),
    Role.APPROVER: gettext_lazy("Lãnh đạo cơ quan"),
    Role.SPECIALIST: gettext_lazy("Chuyên viên xử lý"),
    Role.RECEPTION: gettext_lazy("Cán bộ tiếp nhận"),
}

# Declarations and applications: what an e-form produces (as in dossiers.selectors).
_FILLED_ONLINE_PREFIXES = ("to khai", "don de nghi", "don dang ky", "don xin", "phieu yeu cau")


# --- Which forms a dossier has ---------------------------------------------------------


@dataclass(frozen=True)
class FormRef:
    """A form that exists for a dossier: which one, from which event, under what name."""

    number: int  # 1 to 5
    event_id: int | None  # the event the form comes from (None for Form 05)
    title: str  # the form's title in the active language (Vietnamese by default)
    filename: str  # download name, e.g. "mau-02-000.00.01.H10-260305-0001-2.pdf"
    issued_at: datetime  # when the event happened (Form 05: the acceptance)

    @property
    def repeatable(self) -> bool:
        """Return whether a dossier may have several of this form (02, 04)."""
        return self.number in REPEATABLE_FORMS


def is_accept(event: DossierEvent) -> bool:
    """Return whether the event accepted the dossier (it wrote the register number)."""
    return "register" in event.data


def is_documents_request(event: DossierEvent) -> bool:
    """Return whether the event asked the applicant for more documents (Form 02)."""
    return "items" in event.data


def is_refusal(event: DossierEvent) -> bool:
    """Return whether the event refused the dossier (Form 03)."""
    return bool(event.from_state) and event.to_status == DossierStatus.DENIED


def is_apology(event: DossierEvent) -> bool:
    """Return whether the event apologised and gave a new date (Form 04)."""
    return "new_due_at" in event.data and "original_due_at" in event.data


def has_receipt(event: DossierEvent) -> bool:
    """Return whether the event accepted the dossier and wrote its due date (Form 01)."""
    return is_accept(event) and bool(event.data.get("due_at"))


_EVENT_FORM = (
    (1, has_receipt),
    (2, is_documents_request),
    (3, is_refusal),
    (4, is_apology),
)


def dossier_form_events(dossier: Dossier) -> list[DossierEvent]:
    """Return the dossier's events, oldest first, with their actor and this dossier.

    One query. Each event's `dossier` is the instance given, so the event builders read
    its agency and version without further queries.
    """
    events = list(
        DossierEvent.objects.filter(dossier_id=dossier.pk)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    for event in events:
        event.dossier = dossier
    return events


_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9.\-]+")


def form_filename_for(*, number: int, code: str, sequence: int = 1) -> str:
    """Return the download name of a dossier's form: "mau-01-000.00.01.H10-260305-0001.pdf".

    The same name as `circular01.form_filename`; the second and later forms of a number
    on one dossier (02, 04) end in "-2", "-3", so the first one's name never changes.
    """
    key = _UNSAFE_FILENAME.sub("-", code).strip("-.") or "ho-so"
    suffix = f"-{sequence}" if sequence > 1 else ""
    return f"mau-{number:02d}-{key}{suffix}.pdf"


def available_forms(
    dossier: Dossier, *, events: Sequence[DossierEvent] | None = None
) -> list[FormRef]:
    """Return the forms that exist for the dossier, by number, then oldest first.

    01 and 05 once it was accepted, 02 for each request for more documents, 03 if it
    was refused, 04 for each apology. One query; none when `events` (from
    `dossier_form_events`) are given.
    """
    if events is None:
        events = dossier_form_events(dossier)
    code = dossier.code or ""
    refs: list[FormRef] = []
    for number, matches in _EVENT_FORM:
        matching = [e for e in events if matches(e)]
        if number in (1, 3):  # one receipt, one refusal: the last one counts
            matching = matching[-1:]
        for sequence, event in enumerate(matching, start=1):
            refs.append(
                FormRef(
                    number=number,
                    event_id=event.pk,
                    title=str(FORM_TITLES[number]),
                    filename=form_filename_for(number=number, code=code, sequence=sequence),
                    issued_at=event.created_at,
                )
            )
    accepted = [e for e in events if is_accept(e)]
    if accepted:
        refs.append(
            FormRef(
                number=5,
                event_id=None,
                title=str(FORM_TITLES[5]),
                filename=form_filename_for(number=5, code=code),
                issued_at=accepted[-1].created_at,
            )
        )
    return refs


def applicant_forms(dossier: Dossier) -> list[FormRef]:
    """Return the forms of the dossier that its applicant receives (01 to 04)."""
    return [ref for ref in available_forms(dossier) if ref.number in APPLICANT_FORM_NUMBERS]


# --- Shared parts ----------------------------------------------------------------------


def lookup_url(code: str) -> str:
    """Return the absolute address of the portal's public lookup page for a dossier."""
    path = reverse("portal:dossier-lookup")
    return f"{settings.SITE_URL.rstrip('/')}{path}?{urlencode({'ma': code})}"


def agency_heading(agency: Agency) -> AgencyHeading:
    """Return the heading of a form issued by `agency`: its parent, its name, its place."""
    return AgencyHeading(
        parent_name=agency.parent.name if agency.parent_id and agency.parent else "",
        name=agency.name,
        place=agency.administrative_unit.name,
    )


def dossier_applicant(dossier: Dossier) -> Applicant:
    """Return the applicant as the dossier recorded them at submission."""
    return Applicant(
        name=dossier.applicant_name,
        address=dossier.applicant_address,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
    )


def person_name(user: User | None) -> str:
    """Return a person's name family name first, or "" when there is none."""
    return officer_display_name(user=user) if user is not None else ""


def local_date(value: datetime) -> date:
    """Return the date in Asia/Ho_Chi_Minh of an aware datetime."""
    return value.astimezone(LOCAL_TZ).date()


def _data_datetime(value: Any) -> datetime | None:
    """Read back a datetime an action wrote into its event's data (ISO 8601)."""
    if not isinstance(value, str) or not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else None


def time_limit_text(duration: Decimal, unit: str) -> str:
    """Return a time limit as forms write it: "05 ngày làm việc", "0,5 ngày làm việc"."""
    if duration == duration.to_integral_value():
        amount = f"{int(duration):02d}"
    else:
        amount = f"{duration.normalize():f}".replace(".", ",")
    try:
        label = str(TimeUnit(unit).label)
    except ValueError:
        label = unit
    return f"{amount} {label[:1].lower()}{label[1:]}"


# --- Form 01 ---------------------------------------------------------------------------


def _accept_event(dossier: Dossier) -> DossierEvent:
    event = (
        DossierEvent.objects.filter(dossier_id=dossier.pk, data__has_key="register")
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    if event is None:
        raise DossierEvent.DoesNotExist("the dossier was not accepted")
    event.dossier = dossier
    return event


def _submitted_documents(dossier: Dossier, *, until: datetime) -> list[SubmittedDocument]:
    """Return the documents handed in by `until`, one row per required document.

    The catalogue's order and counts of originals and copies; the declaration the
    applicant filled in as the e-form counts as handed in.
    """
    uploaded = dict(
        dossier.documents.filter(uploaded_at__lte=until)
        .values_list("required_document_id")
        .annotate(files=Count("pk"))
        .values_list("required_document_id", "files")
    )
    requirements = list(
        RequiredDocument.objects.filter(case__version_id=dossier.version_id)
        .select_related("case")
        .order_by("position", "pk")
    )
    rows: list[SubmittedDocument] = []
    for requirement in requirements:
        applies = requirement.case_id == dossier.case_id or not requirement.case.name
        filled_online = (
            dossier.eform_id is not None
            and bool(dossier.form_data)
            and applies
            and fold(requirement.name).startswith(_FILLED_ONLINE_PREFIXES)
        )
        if requirement.pk in uploaded or filled_online:
            rows.append(
                SubmittedDocument(
                    name=requirement.name,
                    originals=requirement.originals,
                    copies=requirement.copies,
                )
            )
    return rows


def _result_delivery(dossier: Dossier) -> str:
    if dossier.channel == Channel.POSTAL and dossier.applicant_address:
        return _("Qua dịch vụ bưu chính, đến địa chỉ: %(address)s") % {
            "address": dossier.applicant_address
        }
    return dossier.version.reception_address.strip() or dossier.agency.name


def receipt_for(dossier: Dossier) -> ReceiptSlip:
    """Return Form 01 of an accepted dossier, as it was on the day of acceptance.

    Four queries: the accept event, the documents, the catalogue's documents and the
    time limit. Raise DossierEvent.DoesNotExist when the dossier was never accepted.
    """
    event = _accept_event(dossier)
    with translation.override("vi"):
        limit = dossier_time_limit(dossier=dossier)
        due_at = _data_datetime(event.data.get("due_at"))
        if due_at is None:
            raise DossierEvent.DoesNotExist("the acceptance wrote no due date")
        register = event.data.get("register") or {}
        return ReceiptSlip(
            heading=agency_heading(dossier.agency),
            dossier_code=dossier.code or "",
            lookup_url=lookup_url(dossier.code or ""),
            applicant=dossier_applicant(dossier),
            procedure_name=dossier.version.name,
            documents=_submitted_documents(dossier, until=event.created_at),
            sets=dossier.copies,
            time_limit=(
                time_limit_text(limit.duration, limit.unit)
                if limit is not None and limit.duration is not None
                else ""
            ),
            received_at=event.created_at,
            due_at=due_at,
            result_delivery=_result_delivery(dossier),
            register_book=str(register.get("year") or dossier.register_year or ""),
            register_number=int(register.get("number") or dossier.register_number or 0),
            officer_name=person_name(event.actor),
        )


# --- Forms 02, 03, 04 ------------------------------------------------------------------


def supplement_request_for(event: DossierEvent) -> SupplementRequest:
    """Return Form 02 of a request for more documents (no query)."""
    if not is_documents_request(event):
        raise DossierEvent.DoesNotExist("not a request for more documents")
    dossier = event.dossier
    items = [
        SupplementItem(document=str(item.get("document", "")), reason=str(item.get("reason", "")))
        for item in event.data.get("items") or []
        if isinstance(item, dict) and item.get("document")
    ]
    due_note = event.comment
    if not items and event.comment:  # a request written as a comment only
        items = [SupplementItem(document=event.comment, reason="")]
        due_note = ""
    return SupplementRequest(
        heading=agency_heading(dossier.agency),
        dossier_code=dossier.code or "",
        lookup_url=lookup_url(dossier.code or ""),
        applicant=dossier_applicant(dossier),
        procedure_name=dossier.version.name,
        items=items,
        officer_name=person_name(event.actor),
        officer_phone=dossier.agency.phone,
        issued_on=local_date(event.created_at),
        due_note=due_note,
    )


def refusal_reasons(comment: str) -> list[str]:
    """Return the reasons of a refusal, one per non-empty line of the officer's comment."""
    reasons = []
    for line in comment.splitlines():
        reason = line.strip().lstrip("-•*").strip()
        if reason:
            reasons.append(reason)
    return reasons


def refusal_for(event: DossierEvent) -> RefusalSlip:
    """Return Form 03 of a refusal (no query)."""
    if not is_refusal(event):
        raise DossierEvent.DoesNotExist("not a refusal")
    dossier = event.dossier
    return RefusalSlip(
        heading=agency_heading(dossier.agency),
        dossier_code=dossier.code or "",
        lookup_url=lookup_url(dossier.code or ""),
        applicant=dossier_applicant(dossier),
        procedure_name=dossier.version.name,
        reasons=refusal_reasons(event.comment),
        officer_name=person_name(event.actor),
        issued_on=local_date(event.created_at),
    )


def apology_for(event: DossierEvent) -> ApologySlip:
    """Return Form 04 of an apology: the dates it moved, its reason, who signs (no query)."""
    if not is_apology(event):
        raise DossierEvent.DoesNotExist("not an apology")
    dossier = event.dossier
    original_due_at = _data_datetime(event.data.get("original_due_at"))
    new_due_at = _data_datetime(event.data.get("new_due_at"))
    received_at = dossier.accepted_at
    if original_due_at is None or new_due_at is None or received_at is None:
        raise DossierEvent.DoesNotExist("the apology's dates are missing")
    with translation.override("vi"):
        title = _SIGNER_TITLES.get(event.actor_role, _SIGNER_TITLES[Role.APPROVER])
        return ApologySlip(
            heading=agency_heading(dossier.agency),
            dossier_code=dossier.code or "",
            lookup_url=lookup_url(dossier.code or ""),
            applicant=dossier_applicant(dossier),
            procedure_name=dossier.version.name,
            received_at=received_at,
            original_due_at=original_due_at,
            reason=event.comment,
            new_due_at=new_due_at,
            signer_title=str(title),
            signer_name=person_name(event.actor),
            issued_on=local_date(event.created_at),
        )


# --- Form 05 ---------------------------------------------------------------------------


def _party(role: str, *, specialist: str) -> str:
    if role == Role.SPECIALIST:
        return _("Chuyên viên %(name)s") % {"name": specialist} if specialist else _("Chuyên viên")
    label = _PARTY_LABELS.get(role)
    return str(label) if label is not None else ""


def _assignee_name(assigned: dict[str, Any], *, current: User | None) -> str:
    """Return the name of the specialist an assign event named, family name first."""
    if current is not None and assigned.get("username") == current.username:
        return person_name(current)
    return str(assigned.get("name") or assigned.get("username") or "")


def _leg_hand_over(event: DossierEvent, leg: dict[str, Any]) -> HandOver | None:
    """Return the row of an inter-agency leg sent or returned (interop), or None.

    Sent: the sending agency hands over to the target, the note gives the leg's own
    deadline (its share of the time limit, or the opinion's deadline). Returned: the
    target hands back, judged against that deadline.
    """
    link = leg.get("link")
    source = leg.get("from") if isinstance(leg.get("from"), dict) else {}
    target = leg.get("to") if isinstance(leg.get("to"), dict) else {}
    if link not in {"sent", "returned"} or not source or not target:
        return None
    opinion = leg.get("kind") == "opinion"
    due = _data_datetime(leg.get("due_at"))
    if link == "sent":
        label = _("Xin ý kiến") if opinion else _("Chuyển liên thông")
        note = f"{label}; " + (
            _("hạn: %(due)s") % {"due": vn_short_datetime(due)} if due else _("không có hạn")
        )
        if event.comment:
            note += f". {event.comment}"
        return HandOver(
            from_party=str(source.get("name", "")),
            to_party=str(target.get("name", "")),
            handed_at=event.created_at,
            timeliness=None,
            note=note,
        )
    label = _("Trả lời xin ý kiến") if opinion else _("Trả kết quả liên thông")
    timeliness = leg.get("timeliness")
    return HandOver(
        from_party=str(target.get("name", "")),
        to_party=str(source.get("name", "")),
        handed_at=event.created_at,
        timeliness=Timeliness(timeliness) if timeliness in {t.value for t in Timeliness} else None,
        note=f"{label}. {event.comment}" if event.comment else label,
    )


def coordinating_agencies(events: Iterable[DossierEvent]) -> list[str]:
    """Return the agencies the dossier was sent to on inter-agency legs, in order."""
    names: list[str] = []
    for event in events:
        leg = event.data.get("leg") if isinstance(event.data, dict) else None
        if isinstance(leg, dict) and leg.get("link") == "sent":
            target = leg.get("to")
            name = str(target.get("name", "")) if isinstance(target, dict) else ""
            if name and name not in names:
                names.append(name)
    return names


def _hand_overs(
    events: Iterable[DossierEvent],
    *,
    state_roles: dict[str, list[str]],
    assignee: User | None,
) -> list[HandOver]:
    """Return one hand-over per move between states, from the acceptance on.

    An inter-agency leg sent or returned is a hand-over between agencies, even when the
    dossier's step does not change (an opinion).
    """
    rows: list[HandOver] = []
    specialist = ""
    started = False
    for event in events:
        assigned = event.data.get("assignee")
        if isinstance(assigned, dict):
            specialist = _assignee_name(assigned, current=assignee)
        if is_accept(event):
            started = True
        leg = event.data.get("leg")
        if started and isinstance(leg, dict):
            leg_row = _leg_hand_over(event, leg)
            if leg_row is not None:
                rows.append(leg_row)
            continue
        moved = event.from_state and event.to_state and event.from_state != event.to_state
        if not (started and moved):
            continue
        holder = event.actor_role or next(iter(state_roles.get(event.from_state, [])), "")
        giver_name = person_name(event.actor) if holder == Role.SPECIALIST else specialist
        receiver = next(iter(state_roles.get(event.to_state, [])), APPLICANT)
        rows.append(
            HandOver(
                from_party=_party(holder, specialist=giver_name),
                to_party=_party(receiver, specialist=specialist),
                handed_at=event.created_at,
                timeliness=Timeliness(event.step_timeliness) if event.step_timeliness else None,
                note=event.comment,
            )
        )
    return rows


def control_sheet_for(dossier: Dossier) -> ControlSheet:
    """Return Form 05 of an accepted dossier: each hand-over since acceptance.

    Two queries: the events and the workflow's states. Raise DossierEvent.DoesNotExist
    when the dossier was never accepted.
    """
    events = dossier_form_events(dossier)
    accepted = [e for e in events if is_accept(e)]
    if not accepted:
        raise DossierEvent.DoesNotExist("the dossier was not accepted")
    state_roles = {
        code: [r for r in roles if r != Role.SUPERVISOR]
        for code, roles in WorkflowState.objects.filter(
            workflow_id=dossier.workflow_id or 0
        ).values_list("code", "roles")
    }
    with translation.override("vi"):
        return ControlSheet(
            heading=agency_heading(dossier.agency),
            dossier_code=dossier.code or "",
            lookup_url=lookup_url(dossier.code or ""),
            applicant=dossier_applicant(dossier),
            procedure_name=dossier.version.name,
            processing_agency=dossier.agency.name,
            coordinating_agencies=coordinating_agencies(events),
            rows=_hand_overs(events, state_roles=state_roles, assignee=dossier.assignee),
            issued_on=local_date(accepted[0].created_at),
        )


# --- Form 06 ---------------------------------------------------------------------------


def _register_note(dossier: Dossier) -> str:
    parts = []
    if dossier.handed_back_at is not None and dossier.timeliness:
        parts.append(str(Timeliness(dossier.timeliness).label))
    elif dossier.status != DossierStatus.DONE:
        parts.append(str(dossier.get_status_display()))
    if dossier.original_due_at is not None:
        parts.append(_("đã hẹn lại (Mẫu 04)"))
    return "; ".join(parts)


def register_row(dossier: Dossier) -> RegisterRow:
    """Return a dossier's row in its agency's register (reads `version` and `agency`)."""
    if dossier.register_number is None or dossier.accepted_at is None:
        raise ValueError(f"dossier {dossier.code} is not in a register")
    address_phone = " - ".join(p for p in (dossier.applicant_address, dossier.applicant_phone) if p)
    return RegisterRow(
        number=dossier.register_number,
        dossier_code=dossier.code or "",
        procedure=dossier.version.name,
        sets=dossier.copies,
        applicant=dossier.applicant_name,
        address_phone=address_phone,
        lead_agency=dossier.agency.name,
        received_at=dossier.accepted_at,
        due_at=dossier.due_at or dossier.accepted_at,
        result_at=dossier.result_at,
        handed_back_at=dossier.handed_back_at,
        note=_register_note(dossier),
    )


def register_for(agency: Agency, year: int, rows_queryset: QuerySet[Dossier]) -> Register:
    """Return Form 06: the agency's register for `year`, one row per dossier in order.

    One query (the rows, which should join `version` and `agency`); the agency should
    come with its parent and administrative unit.
    """
    with translation.override("vi"):
        rows = [register_row(dossier) for dossier in rows_queryset.order_by("register_number")]
        return Register(
            heading=agency_heading(agency),
            agency_code=agency.code,
            year=year,
            rows=rows,
        )

"""Every change to report periods and agency reports goes through these functions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.accounts.models import Membership, User
from dichvucong.accounts.selectors import officer_display_name
from dichvucong.core.models import today
from dichvucong.notifications.services import Message, notify_many
from dichvucong.organizations.models import Agency

from .models import (
    AgencyReport,
    AgencyReportEvent,
    PeriodKind,
    ReportAction,
    ReportPeriod,
    ReportStatus,
)
from .selectors import (
    FILING_ROLES,
    figures_as_of,
    period_filing_rows,
    report_access,
    report_figures_compute,
)

NARRATIVE_FIELDS = ("situation", "difficulties", "proposals", "other")


def period_default_dates(
    *, kind: str, year: int
) -> tuple[datetime.date, datetime.date, datetime.date]:
    """Return the default (covers_from, covers_to, due_on) of a period.

    Following the seed decision (semi-annual report before 30 June, annual before
    30 November) and the reporting periods of Circular 02/2017/TT-VPCP that Circular
    01/2018 Art. 11(3) refers to: the figures run from 1 December of the previous year,
    to 31 May for the semi-annual report and to 30 November for the annual one. A report
    filed before the end of its range states the day its figures stop at.
    """
    start = datetime.date(year - 1, 12, 1)
    if kind == PeriodKind.SEMI_ANNUAL:
        return start, datetime.date(year, 5, 31), datetime.date(year, 6, 30)
    if kind == PeriodKind.ANNUAL:
        return start, datetime.date(year, 11, 30), datetime.date(year, 11, 30)
    raise ValidationError({"kind": _("Kỳ báo cáo không hợp lệ.")})


def _require_supervisor(user: User | None) -> None:
    if user is not None and not report_access(user=user).supervisor:
        raise PermissionDenied(_("Chỉ cán bộ giám sát được thực hiện thao tác này."))


def report_period_create(
    *,
    kind: str,
    year: int,
    covers_from: datetime.date | None = None,
    covers_to: datetime.date | None = None,
    due_on: datetime.date | None = None,
    actor: User | None = None,
) -> tuple[ReportPeriod, bool]:
    """Create the period of `kind` and `year` unless it exists; return it and whether new.

    `actor` None is the system (the yearly task, the demo); a user must be a supervisor.
    Dates not given take their defaults (`period_default_dates`). Idempotent: a second
    call returns the existing period unchanged.
    """
    _require_supervisor(actor)
    existing = ReportPeriod.objects.filter(kind=kind, year=year).first()
    if existing is not None:
        return existing, False
    default_from, default_to, default_due = period_default_dates(kind=kind, year=year)
    period = ReportPeriod(
        kind=kind,
        year=year,
        covers_from=covers_from or default_from,
        covers_to=covers_to or default_to,
        due_on=due_on or default_due,
        created_by=actor,
    )
    if period.covers_to < period.covers_from:
        raise ValidationError({"covers_to": _("Ngày kết thúc trước ngày bắt đầu.")})
    period.full_clean(exclude=["created_by"])
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError:  # created meanwhile by a concurrent call
        return ReportPeriod.objects.get(kind=kind, year=year), False
    return period, True


def report_periods_ensure(*, year: int) -> list[ReportPeriod]:
    """Create the year's semi-annual and annual periods where missing (idempotent)."""
    return [
        report_period_create(kind=kind, year=year)[0]
        for kind in (PeriodKind.SEMI_ANNUAL, PeriodKind.ANNUAL)
    ]


def _event(
    report: AgencyReport,
    *,
    action: str,
    from_status: str,
    actor: User | None,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> None:
    event = AgencyReportEvent(
        report=report,
        action=action,
        from_status=from_status,
        to_status=report.status,
        actor=actor,
        comment=comment,
        created_at=at or timezone.now(),
    )
    event.full_clean(exclude=["report", "actor"])
    event.save()


def _filing_agency(user: User, agency: Agency) -> None:
    if not report_access(user=user).may_file(agency.pk):
        raise PermissionDenied(_("Đồng chí không có quyền lập báo cáo của cơ quan này."))


def _report_for_update(
    period: ReportPeriod, agency: Agency, actor: User | None, at: datetime.datetime | None = None
) -> AgencyReport:
    """Return the locked report of the agency for the period, creating it when missing."""
    report = AgencyReport.objects.select_for_update().filter(period=period, agency=agency).first()
    if report is not None:
        return report
    try:
        with transaction.atomic():
            report = AgencyReport.objects.create(
                period=period, agency=agency, created_at=at or timezone.now()
            )
    except IntegrityError:  # created meanwhile by a concurrent request
        return AgencyReport.objects.select_for_update().get(period=period, agency=agency)
    _event(report, action=ReportAction.CREATED, from_status="", actor=actor, at=at)
    return report


@dataclass(frozen=True)
class Narrative:
    """What the agency writes in its report."""

    situation: str = ""
    difficulties: str = ""
    proposals: str = ""
    other: str = ""


def agency_report_save(
    *, period: ReportPeriod, agency: Agency, narrative: Narrative, actor: User | None
) -> AgencyReport:
    """Save the narrative of the agency's draft report (creating the report if needed).

    Refuse (PermissionDenied) an officer who does not file for the agency, and
    (ValidationError) a report already filed: a supervisor must send it back first.
    `actor` None is the system (the demo).
    """
    if actor is not None:
        _filing_agency(actor, agency)
    with transaction.atomic():
        report = _report_for_update(period, agency, actor)
        if report.is_submitted:
            raise ValidationError(
                _("Báo cáo đã nộp, không sửa được. Đề nghị cơ quan giám sát trả lại để bổ sung.")
            )
        changed = [
            name for name in NARRATIVE_FIELDS if getattr(report, name) != getattr(narrative, name)
        ]
        if changed:
            for name in changed:
                setattr(report, name, getattr(narrative, name).strip())
            report.full_clean(exclude=["period", "agency", "submitted_by"])
            report.save(update_fields=[*changed, "updated_at"])
            _event(report, action=ReportAction.EDITED, from_status=report.status, actor=actor)
    return report


def agency_report_submit(
    *,
    period: ReportPeriod,
    agency: Agency,
    actor: User | None,
    narrative: Narrative | None = None,
    now: datetime.datetime | None = None,
) -> tuple[AgencyReport, bool]:
    """File the agency's report; return it and whether this call filed it.

    The figures are computed and frozen into the report; the report is marked late
    when first filed after the due date (accepted all the same). Filing a report
    already filed changes nothing (a retried or double-clicked submission). `actor`
    None is the system (the demo, an import of reports filed on paper).
    """
    if actor is not None:
        _filing_agency(actor, agency)
    now = now or timezone.now()
    with transaction.atomic():
        report = _report_for_update(period, agency, actor, now)
        if report.is_submitted:
            return report, False
        if narrative is not None:
            for name in NARRATIVE_FIELDS:
                setattr(report, name, getattr(narrative, name).strip())
        filed_on = timezone.localdate(now)
        as_of = figures_as_of(period=period, on=filed_on)
        report.figures = report_figures_compute(period=period, agency=agency, as_of=as_of).as_json()
        report.figures_as_of = as_of
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = now
        report.submitted_by = actor
        if report.first_submitted_at is None:
            report.first_submitted_at = now
            report.late = filed_on > period.due_on
        report.full_clean(exclude=["period", "agency", "submitted_by"])
        report.save()
        _event(
            report,
            action=ReportAction.SUBMITTED,
            from_status=ReportStatus.DRAFT,
            actor=actor,
            at=now,
        )
    return report, True


def agency_report_reopen(*, report: AgencyReport, actor: User, comment: str) -> AgencyReport:
    """Send a filed report back to its agency for correction (supervisors only).

    The report becomes a draft again, its figures live; the late mark of the first
    filing stays. A reason is required.
    """
    _require_supervisor(actor)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Ghi rõ nội dung cần bổ sung, chỉnh sửa.")})
    with transaction.atomic():
        locked = AgencyReport.objects.select_for_update().get(pk=report.pk)
        if not locked.is_submitted:
            raise ValidationError(_("Báo cáo chưa nộp, không cần trả lại."))
        locked.status = ReportStatus.DRAFT
        locked.figures = {}
        locked.figures_as_of = None
        locked.submitted_at = None
        locked.save(
            update_fields=["status", "figures", "figures_as_of", "submitted_at", "updated_at"]
        )
        _event(
            locked,
            action=ReportAction.REOPENED,
            from_status=ReportStatus.SUBMITTED,
            actor=actor,
            comment=comment,
        )
    return locked


# --- Reminders ---------------------------------------------------------------------------


def _reminder_days() -> int:
    return int(getattr(settings, "PERIODIC_REPORTS_REMINDER_DAYS", 7))


def report_reminders_send(*, on: datetime.date | None = None) -> int:
    """Remind the agencies that have not filed: before the due date and once overdue.

    For every period due within `PERIODIC_REPORTS_REMINDER_DAYS` days (or overdue by less
    than a year), each reporting agency that has not filed gets one notification per
    officer who files for it (administrators and approvers): "due soon" before the due
    date, "overdue" after it. Each is sent once per period and agency (the notification
    key), so the task can run every day. Return the number of notifications sent.
    """
    from django.urls import reverse

    on = on or today()
    periods = ReportPeriod.objects.filter(
        due_on__gte=on - datetime.timedelta(days=365),
        due_on__lte=on + datetime.timedelta(days=_reminder_days()),
    ).order_by("due_on")
    sent = 0
    for period in periods:
        overdue = on > period.due_on
        event = "periodic_report_overdue" if overdue else "periodic_report_due_soon"
        pending = [
            row.agency
            for row in period_filing_rows(period=period, on=on)
            if row.report is None or not row.report.is_submitted
        ]
        if not pending:
            continue
        officers: dict[int, list[User]] = {}
        for membership in (
            Membership.objects.filter(
                agency__in=pending, role__in=FILING_ROLES, user__is_active=True
            )
            .select_related("user")
            .order_by("agency_id", "user_id")
        ):
            users = officers.setdefault(membership.agency_id, [])
            if all(u.pk != membership.user_id for u in users):
                users.append(membership.user)
        messages: list[Message] = []
        for agency in pending:
            url = settings.SITE_URL.rstrip("/") + reverse(
                "periodic_reports:report", args=[period.pk, agency.code]
            )
            context = {
                "period_title": period.title,
                "agency_name": agency.name,
                "due_on": period.due_on.strftime("%d/%m/%Y"),
                "url": url,
            }
            kind = "overdue" if overdue else "due"
            for user in officers.get(agency.pk, []):
                messages.append(
                    Message(
                        user=user,
                        event=event,
                        context={**context, "officer_name": officer_display_name(user=user)},
                        url=url,
                        key=f"periodic-report:{period.pk}:{agency.pk}:{kind}:{user.pk}",
                    )
                )
        with transaction.atomic():
            sent += len(notify_many(messages=messages))
    return sent

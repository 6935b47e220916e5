"""A hand-computed history: seven dossiers of two agencies and two procedures in 2020.

#  agency   proc channel submitted (VN)   accepted   handed back       timeliness
1  justice  P    online  2020-03-02 08:00 same       2020-03-04 08:00  early (2 days)
2  justice  P    direct  2020-03-02 09:00 same       2020-03-12 09:00  late (10 days)
3  justice  Q    online  2020-04-01 10:00 same       2020-04-02 10:00  on time (1 day)
4  district P    postal  2020-04-10 08:00 same       open              overdue now
5  district P    online  2020-04-11 08:00 refused    -                 -
6  district Q    online  2020-03-31 23:30 not yet    open              within (due later)
7  justice  P    online  2019-12-31 10:00 same       2020-01-03 10:00  on time (3 days)

Dossier 2 was paid online (50.000 đ, 2020-03-05); 1 rated "very satisfied", 2 "unsatisfied".
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from dichvucong.catalogue.models import ProcedureVersion
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.feedback.models import Rating
from dichvucong.reporting.services import daily_figures_rebuild

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
JUSTICE = "000.00.01.H10"
DISTRICT = "000.00.20.H10"


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN)


@dataclass(frozen=True)
class Entry:
    """One line of the table above (times in Vietnam time)."""

    n: int
    agency: str
    proc: int  # index into the `procedures` fixture: 0 is P, 1 is Q
    channel: str
    submitted: str
    accepted: bool = True
    done: str | None = None
    status: str = "done"
    timeliness: str = ""
    due: str | None = None  # the due date, or None with `due_days`
    due_days: int | None = None  # due this many days from now (negative: overdue)
    refused: str | None = None  # when the agency refused it


SEVEN = (
    Entry(1, JUSTICE, 0, "online", "2020-03-02 08:00", done="2020-03-04 08:00",
          timeliness="early", due="2020-03-05 17:00"),
    Entry(2, JUSTICE, 0, "direct", "2020-03-02 09:00", done="2020-03-12 09:00",
          timeliness="late", due="2020-03-09 17:00"),
    Entry(3, JUSTICE, 1, "online", "2020-04-01 10:00", done="2020-04-02 10:00",
          timeliness="on_time", due="2020-04-02 17:00"),
    Entry(4, DISTRICT, 0, "postal", "2020-04-10 08:00", status="processing", due_days=-1),
    Entry(5, DISTRICT, 0, "online", "2020-04-11 08:00", accepted=False, status="denied",
          refused="2020-04-11 15:00"),
    Entry(6, DISTRICT, 1, "online", "2020-03-31 23:30", accepted=False, status="receiving",
          due_days=3),
    Entry(7, JUSTICE, 0, "online", "2019-12-31 10:00", done="2020-01-03 10:00",
          timeliness="on_time", due="2020-01-06 17:00"),
)  # fmt: skip


class History:
    def __init__(self, province: dict[str, Any], procedures: list[ProcedureVersion]) -> None:
        self.province = province
        self.versions = procedures
        self.dossiers: dict[int, Dossier] = {}

    def make(self, entry: Entry, *, now: datetime) -> Dossier:
        """Write the dossier of `entry` and the events that brought it where it is."""
        version = self.versions[entry.proc]
        at = vn(entry.submitted)
        done = vn(entry.done) if entry.done else None
        if entry.due is not None:
            due_at: datetime | None = vn(entry.due)
        elif entry.due_days is not None:
            due_at = now + timedelta(days=entry.due_days)
        else:
            due_at = None
        dossier = Dossier.objects.create(
            code=f"T-{entry.n}",
            procedure=version.procedure,
            version=version,
            case=version.cases.order_by("position", "pk")[0],
            agency=self.province[entry.agency],
            channel=entry.channel,
            status=entry.status,
            created_at=at,
            submitted_at=at,
            accepted_at=at if entry.accepted else None,
            result_at=done,
            handed_back_at=done,
            due_at=due_at,
            timeliness=entry.timeliness,
            applicant_name=f"Người nộp {entry.n}",
        )
        moves = [("submitted", "", "receiving", at)]
        if entry.accepted:
            moves.append(("accept", "receiving", "new", at))
        if entry.refused:
            moves.append(("refuse", "receiving", "denied", vn(entry.refused)))
        if done:
            moves.append(("hand_back", "releasing", "done", done))
        for action, source, target, when in moves:
            DossierEvent.objects.create(
                dossier=dossier,
                action=action,
                from_status=source,
                to_status=target,
                created_at=when,
            )
        self.dossiers[entry.n] = dossier
        return dossier


def history_build(province: dict[str, Any], procedures: list[ProcedureVersion]) -> History:
    """Write the seven dossiers of the table above and rebuild the daily figures."""
    h = History(province, procedures)
    now = timezone.now()
    for entry in SEVEN:
        h.make(entry, now=now)
    DossierEvent.objects.create(
        dossier=h.dossiers[2],
        action="payment_received",
        from_status="processing",
        to_status="processing",
        created_at=vn("2020-03-05 10:00"),
        data={"payment": {"id": 1, "txn_ref": "2T1", "amount": 50000}},
    )
    Rating.objects.create(
        dossier=h.dossiers[1], level="very_satisfied", created_at=vn("2020-03-05 09:00")
    )
    Rating.objects.create(
        dossier=h.dossiers[2], level="unsatisfied", created_at=vn("2020-03-13 09:00")
    )
    daily_figures_rebuild()
    return h

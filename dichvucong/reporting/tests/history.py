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


class History:
    def __init__(self, province: dict[str, Any], procedures: list[ProcedureVersion]) -> None:
        self.province = province
        self.versions = procedures
        self.dossiers: dict[int, Dossier] = {}

    def make(
        self,
        n: int,
        *,
        agency: str,
        proc: int,
        channel: str,
        submitted: str,
        accepted: bool = True,
        done: str | None = None,
        status: str = "done",
        timeliness: str = "",
        due_at: datetime | None = None,
    ) -> Dossier:
        version = self.versions[proc]
        at = vn(submitted)
        dossier = Dossier.objects.create(
            code=f"T-{n}",
            procedure=version.procedure,
            version=version,
            case=version.cases.order_by("position", "pk")[0],
            agency=self.province[agency],
            channel=channel,
            status=status,
            created_at=at,
            submitted_at=at,
            accepted_at=at if accepted else None,
            result_at=vn(done) if done else None,
            handed_back_at=vn(done) if done else None,
            due_at=due_at,
            timeliness=timeliness,
            applicant_name=f"Người nộp {n}",
        )
        event = DossierEvent.objects.create
        event(
            dossier=dossier,
            action="submitted",
            from_status="",
            to_status="receiving",
            created_at=at,
        )
        if accepted:
            event(
                dossier=dossier,
                action="accept",
                from_status="receiving",
                to_status="new",
                created_at=at,
            )
        if done:
            event(
                dossier=dossier,
                action="hand_back",
                from_status="releasing",
                to_status="done",
                created_at=vn(done),
            )
        self.dossiers[n] = dossier
        return dossier


def history_build(province: dict[str, Any], procedures: list[ProcedureVersion]) -> History:
    """Write the seven dossiers of the table above and rebuild the daily figures."""
    h = History(province, procedures)
    now = timezone.now()
    h.make(
        1,
        agency=JUSTICE,
        proc=0,
        channel="online",
        submitted="2020-03-02 08:00",
        done="2020-03-04 08:00",
        timeliness="early",
        due_at=vn("2020-03-05 17:00"),
    )
    h.make(
        2,
        agency=JUSTICE,
        proc=0,
        channel="direct",
        submitted="2020-03-02 09:00",
        done="2020-03-12 09:00",
        timeliness="late",
        due_at=vn("2020-03-09 17:00"),
    )
    h.make(
        3,
        agency=JUSTICE,
        proc=1,
        channel="online",
        submitted="2020-04-01 10:00",
        done="2020-04-02 10:00",
        timeliness="on_time",
        due_at=vn("2020-04-02 17:00"),
    )
    h.make(
        4,
        agency=DISTRICT,
        proc=0,
        channel="postal",
        submitted="2020-04-10 08:00",
        status="processing",
        due_at=now - timedelta(days=1),
    )
    five = h.make(
        5,
        agency=DISTRICT,
        proc=0,
        channel="online",
        submitted="2020-04-11 08:00",
        accepted=False,
        status="denied",
    )
    DossierEvent.objects.create(
        dossier=five,
        action="refuse",
        from_status="receiving",
        to_status="denied",
        created_at=vn("2020-04-11 15:00"),
    )
    h.make(
        6,
        agency=DISTRICT,
        proc=1,
        channel="online",
        submitted="2020-03-31 23:30",
        accepted=False,
        status="receiving",
        due_at=now + timedelta(days=3),
    )
    h.make(
        7,
        agency=JUSTICE,
        proc=0,
        channel="online",
        submitted="2019-12-31 10:00",
        done="2020-01-03 10:00",
        timeliness="on_time",
        due_at=vn("2020-01-06 17:00"),
    )
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

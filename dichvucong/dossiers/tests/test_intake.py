"""Dossiers taken at the counter: paper below level 3, online on the citizen's behalf above."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from dichvucong.catalogue.models import Procedure, RequiredDocument, ServiceLevel
from dichvucong.dossiers.intake import (
    WalkIn,
    citizen_find,
    dossier_counter_intake,
    dossier_submit_on_behalf,
)
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.fixtures import EXAMPLE, ID_COPY_FIELD, pdf_upload

WALK_IN = WalkIn(
    name="Trần Thị Bình",
    id_number="074190005678",
    phone="0987654321",
    address="Khu phố 3, phường Tân Phú, thị xã Đồng Xoài",
)


@pytest.fixture
def paper_procedure(procedures: Any) -> Procedure:
    procedure: Procedure = procedures[0].procedure
    Procedure.objects.filter(pk=procedure.pk).update(level=ServiceLevel.LEVEL_2)
    procedure.refresh_from_db()
    return procedure


def documents_of(procedure: Procedure) -> list[RequiredDocument]:
    return list(RequiredDocument.objects.filter(case__version=procedure.current_version))


def test_paper_dossier_accepted_on_the_spot(
    paper_procedure: Procedure, officers: dict[str, Any]
) -> None:
    documents = documents_of(paper_procedure)
    dossier = dossier_counter_intake(
        officer=officers["reception"],
        procedure=paper_procedure,
        walk_in=WALK_IN,
        received_document_ids=[d.pk for d in documents[:2]],
        scans={documents[0].pk: [pdf_upload("to-khai.pdf")]},
        copies=1,
        accept=True,
        idempotency_key="quay-1",
    )
    assert dossier.channel == "direct"
    assert dossier.applicant is None
    assert dossier.entered_by == officers["reception"]
    assert dossier.applicant_name == "Trần Thị Bình"
    assert dossier.status == "new"
    assert dossier.register_number == 1
    assert dossier.due_at is not None
    assert [e.action for e in dossier.events.all()] == ["counter_intake", "accept"]
    intake = dossier.events.all()[0]
    assert intake.data["received_documents"] == [
        {"id": d.pk, "name": d.name} for d in documents[:2]
    ]
    assert [d.original_name for d in dossier.documents.all()] == ["to-khai.pdf"]
    # A double click records nothing twice.
    again = dossier_counter_intake(
        officer=officers["reception"],
        procedure=paper_procedure,
        walk_in=WALK_IN,
        received_document_ids=[d.pk for d in documents[:2]],
        accept=True,
        idempotency_key="quay-1",
    )
    assert again.pk == dossier.pk
    assert Dossier.objects.count() == 1


def test_paper_dossier_of_a_citizen_with_an_account_is_theirs(
    paper_procedure: Procedure, officers: dict[str, Any], citizen: Any
) -> None:
    walk_in = WalkIn(name="Nguyễn Văn An", id_number="074090001234")
    dossier = dossier_counter_intake(
        officer=officers["reception"],
        procedure=paper_procedure,
        walk_in=walk_in,
        received_document_ids=[documents_of(paper_procedure)[0].pk],
    )
    assert dossier.applicant == citizen
    assert (dossier.status, dossier.state.code if dossier.state else "") == (
        "receiving",
        "submitted",
    )


@pytest.mark.parametrize(
    ("who", "change", "field"),
    [
        ("specialist", {}, "agency"),  # not a reception officer
        ("outsider", {}, "agency"),  # reception elsewhere: this agency does not receive it
        ("reception", {"walk_in": WalkIn(name=" ")}, "name"),
        ("reception", {"walk_in": WalkIn(name="A", id_number="12")}, "id_number"),
        ("reception", {"copies": 0}, "copies"),
        ("reception", {"received_document_ids": []}, "documents"),
        ("reception", {"received_document_ids": [999999]}, "documents"),
    ],
)
def test_counter_refusals_record_nothing(
    paper_procedure: Procedure, officers: dict[str, Any], who: str, change: Any, field: str
) -> None:
    values: dict[str, Any] = {
        "officer": officers[who],
        "procedure": paper_procedure,
        "walk_in": WALK_IN,
        "received_document_ids": [documents_of(paper_procedure)[0].pk],
    }
    values.update(change)
    with pytest.raises(ValidationError) as refused:
        dossier_counter_intake(**values)
    assert field in refused.value.message_dict
    assert Dossier.objects.count() == 0


def test_online_procedures_take_no_paper_and_are_filed_online_for_the_citizen(
    online_procedure: Procedure, officers: dict[str, Any], citizen: Any
) -> None:
    # The test catalogue has no form files, so its computed level stays low: set it.
    Procedure.objects.filter(pk=online_procedure.pk).update(level=ServiceLevel.LEVEL_3)
    online_procedure.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        dossier_counter_intake(
            officer=officers["reception"],
            procedure=online_procedure,
            walk_in=WALK_IN,
            received_document_ids=[documents_of(online_procedure)[0].pk],
        )
    assert "nộp trực tuyến" in refused.value.message_dict["procedure"][0]
    applicant = citizen_find(id_number="074090001234")
    assert applicant == citizen
    result = dossier_submit_on_behalf(
        officer=officers["reception"],
        applicant=applicant,
        procedure=online_procedure,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: [pdf_upload()]},
        idempotency_key="ho-tro-1",
    )
    dossier = result.dossier
    assert (dossier.applicant, dossier.entered_by, dossier.channel) == (
        citizen,
        officers["reception"],
        "online",
    )
    assert dossier.status == "receiving"
    with pytest.raises(ValidationError):
        dossier_submit_on_behalf(
            officer=officers["specialist"],
            applicant=applicant,
            procedure=online_procedure,
            form_data=dict(EXAMPLE),
            files={ID_COPY_FIELD: [pdf_upload()]},
            idempotency_key="ho-tro-2",
        )
    assert Dossier.objects.count() == 1


def test_a_level_3_procedure_not_yet_online_still_takes_paper(
    paper_procedure: Procedure, officers: dict[str, Any]
) -> None:
    Procedure.objects.filter(pk=paper_procedure.pk).update(
        level=ServiceLevel.LEVEL_3, online_submission_enabled=False
    )
    paper_procedure.refresh_from_db()
    dossier = dossier_counter_intake(
        officer=officers["reception"],
        procedure=paper_procedure,
        walk_in=WALK_IN,
        received_document_ids=[documents_of(paper_procedure)[0].pk],
    )
    assert (dossier.channel, dossier.status) == ("direct", "receiving")


@pytest.mark.parametrize("id_number", ["", "   "])
def test_a_blank_id_finds_nobody(id_number: str, citizen: Any) -> None:
    from dichvucong.accounts.models import Profile, User

    Profile.objects.filter(user=citizen).update(citizen_id="")
    with pytest.raises(User.DoesNotExist):
        citizen_find(id_number=id_number)

"""Compute a procedure's online service level from what is really configured.

Each level is a list of requirements; a procedure is at level N when every requirement
of levels 1..N holds. This app registers levels 1 and 2 (Circular 32/2017 Art. 5(1)-(2));
the online-submission and payment apps register levels 3 and 4 from their own
`AppConfig.ready()`, so no code here changes when they arrive. A level nobody has
registered requirements for is never reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import (
    FormTemplate,
    Procedure,
    ProcedureResult,
    ProcedureStep,
    ProcedureVersion,
    ProcessingTime,
    RequiredDocument,
    ServiceLevel,
)

Check = Callable[[Procedure, ProcedureVersion], bool]


@dataclass(frozen=True)
class Requirement:
    level: int
    key: str
    label: str | Promise
    check: Check


_requirements: dict[str, Requirement] = {}


def register(requirement: Requirement) -> None:
    """Add (or replace, by key) a requirement of a level."""
    _requirements[requirement.key] = requirement


def requirements(level: int) -> list[Requirement]:
    return [r for r in _requirements.values() if r.level == level]


@dataclass(frozen=True)
class LevelAssessment:
    level: int
    unmet: dict[int, list[Requirement]]

    def unmet_for(self, level: int) -> list[Requirement]:
        return self.unmet.get(level, [])


def assess(procedure: Procedure, version: ProcedureVersion | None = None) -> LevelAssessment:
    """Return the level reached and, per level, the requirements that do not hold."""
    version = version or procedure.current_version
    unmet: dict[int, list[Requirement]] = {}
    reached = ServiceLevel.NONE.value
    if version is None:
        return LevelAssessment(level=reached, unmet={})
    blocked = False
    for level in (1, 2, 3, 4):
        level_requirements = requirements(level)
        failing = [r for r in level_requirements if not r.check(procedure, version)]
        unmet[level] = failing
        if not level_requirements or failing:
            blocked = True
        if not blocked:
            reached = level
    return LevelAssessment(level=reached, unmet=unmet)


def compute_level(procedure: Procedure, version: ProcedureVersion | None = None) -> int:
    """Return the level the procedure really reaches (0 when not even level 1)."""
    return assess(procedure, version).level


def _has_forms_available(procedure: Procedure, version: ProcedureVersion) -> bool:
    forms = FormTemplate.objects.filter(version=version)
    return not forms.filter(file="", source_url="").exists()


def register_catalogue_requirements() -> None:
    """Register the 11 information items of level 1 and the forms of level 2."""
    level_1: list[tuple[str, str | Promise, Check]] = [
        ("a_name", _("Tên thủ tục hành chính"), lambda p, v: bool(v.name.strip())),
        (
            "b_steps",
            _("Trình tự thực hiện"),
            lambda p, v: ProcedureStep.objects.filter(case__version=v).exists(),
        ),
        (
            "c_method",
            _("Cách thức thực hiện"),
            lambda p, v: ProcessingTime.objects.filter(case__version=v).exists(),
        ),
        (
            "d_documents",
            _("Thành phần, số lượng hồ sơ"),
            lambda p, v: RequiredDocument.objects.filter(case__version=v).exists(),
        ),
        (
            "dd_time_limit",
            _("Thời hạn giải quyết"),
            lambda p, v: (
                ProcessingTime.objects.filter(case__version=v, duration__isnull=False)
                .exclude(duration=0)
                .exists()
                or ProcessingTime.objects.filter(case__version=v).exclude(description="").exists()
            ),
        ),
        ("e_applicants", _("Đối tượng thực hiện"), lambda p, v: bool(v.applicant_types)),
        ("g_agency", _("Cơ quan giải quyết"), lambda p, v: v.agencies.exists()),
        (
            "h_result",
            _("Kết quả thực hiện"),
            lambda p, v: ProcedureResult.objects.filter(version=v).exists(),
        ),
        (
            "k_reception",
            _("Hình thức, địa chỉ nhận hồ sơ và trả kết quả"),
            lambda p, v: bool(v.reception_address.strip()),
        ),
        (
            "l_legal_basis",
            _("Căn cứ pháp lý và quyết định công bố"),
            lambda p, v: bool(v.decision_number.strip()) and v.legal_basis.exists(),
        ),
    ]
    for key, label, check in level_1:
        register(Requirement(level=1, key=f"info_{key}", label=label, check=check))
    register(
        Requirement(
            level=2,
            key="forms_downloadable",
            label=_("Mọi mẫu đơn, tờ khai đều có tệp để tải về"),
            check=_has_forms_available,
        )
    )

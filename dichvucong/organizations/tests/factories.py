from __future__ import annotations

import factory

from dichvucong.organizations.models import AdministrativeUnit, Agency, AgencyKind, UnitKind


class AdministrativeUnitFactory(factory.django.DjangoModelFactory[AdministrativeUnit]):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code",)

    code = "70"
    name = "Bình Phước"
    kind = UnitKind.TINH
    tier = "province"

    class Params:
        district = factory.Trait(
            code="689",
            name="Đồng Xoài",
            kind=UnitKind.THI_XA,
            tier="district",
            parent=factory.SubFactory(
                "dichvucong.organizations.tests.factories.AdministrativeUnitFactory"
            ),
        )


class AgencyFactory(factory.django.DjangoModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.00.{n + 40:02d}.H10")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")
    kind = AgencyKind.DEPARTMENT
    administrative_unit = factory.SubFactory(AdministrativeUnitFactory)
    tier = factory.SelfAttribute("administrative_unit.tier")

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from dichvucong.core.api.views import PublicAPIMixin
from dichvucong.organizations import selectors
from dichvucong.organizations.models import AdministrativeUnit, Agency, AgencyKind, Tier

from .serializers import AdministrativeUnitSerializer, AgencySerializer


def _choice_param(request: Request, name: str, choices: list[str]) -> str:
    value = request.query_params.get(name, "")
    if value and value not in choices:
        message = _("%(value)s không phải là một giá trị hợp lệ; các giá trị: %(choices)s.")
        raise ValidationError({name: [message % {"value": value, "choices": ", ".join(choices)}]})
    return value


@extend_schema(
    parameters=[
        OpenApiParameter("tier", enum=Tier.values, description="province, district or commune"),
        OpenApiParameter("kind", enum=AgencyKind.values),
    ]
)
class AgencyListView(PublicAPIMixin, generics.ListAPIView[Agency]):
    """List the agencies in force today."""

    serializer_class = AgencySerializer

    def get_queryset(self) -> QuerySet[Agency]:
        return selectors.agency_list(
            tier=_choice_param(self.request, "tier", Tier.values),
            kind=_choice_param(self.request, "kind", AgencyKind.values),
        )


class AgencyDetailView(PublicAPIMixin, generics.RetrieveAPIView[Agency]):
    """Return one agency by its identifier code."""

    serializer_class = AgencySerializer

    def get_object(self) -> Agency:
        try:
            return selectors.agency_get(code=self.kwargs["code"])
        except Agency.DoesNotExist:
            raise Http404 from None


@extend_schema(
    parameters=[
        OpenApiParameter("tier", enum=Tier.values),
        OpenApiParameter("parent", description="code of the parent unit"),
    ]
)
class AdministrativeUnitListView(PublicAPIMixin, generics.ListAPIView[AdministrativeUnit]):
    """List the administrative units in force today."""

    serializer_class = AdministrativeUnitSerializer

    def get_queryset(self) -> QuerySet[AdministrativeUnit]:
        parent = self.request.query_params.get("parent", "")
        if parent and not AdministrativeUnit.objects.filter(code=parent).exists():
            raise ValidationError({"parent": [_("Không có mã %(value)s.") % {"value": parent}]})
        return selectors.administrative_unit_list(
            tier=_choice_param(self.request, "tier", Tier.values), parent_code=parent
        )

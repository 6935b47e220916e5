"""The officers' API: their queue, a dossier with the actions open to them, and actions.

Every endpoint answers only for dossiers of the officer's agencies (a supervisor reads
every agency's and acts on none); another agency's dossier is a 404. A session must
have passed the second factor; an officer's token is issued only after it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.accounts.api.authentication import TokenAuthentication
from dichvucong.accounts.models import User
from dichvucong.organizations.models import Agency
from dichvucong.workflows.models import Effect, WorkflowAction

from .. import selectors
from ..actions import (
    ActionForbidden,
    ActionNotAllowed,
    ActionRequest,
    MissingItem,
    available_actions,
    dossier_action_execute,
    due_at_for_day,
)
from ..models import Dossier, DossierEvent, DossierStatus, EventAttachment
from .serializers import DossierDocumentSerializer
from .views import _datetime, _validation_error


class IsVerifiedOfficer(BasePermission):
    """An active officer (a membership somewhere), past the second factor."""

    message = _("Chỉ cán bộ đã đăng nhập với xác thực hai lớp mới dùng được chức năng này.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if not isinstance(request.successful_authenticator, TokenAuthentication):
            is_verified = getattr(user, "is_verified", None)
            if not (callable(is_verified) and is_verified()):
                return False
        scope = selectors.officer_scope(user=user)
        request.officer_scope = scope  # type: ignore[attr-defined]  # read once per request
        return bool(scope.roles_by_agency)


# Fields an action needs besides the comment, by its effect.
EFFECT_FIELDS: dict[str, list[str]] = {
    Effect.ASSIGN: ["assignee"],
    Effect.APOLOGIZE: ["new_due_date"],
    Effect.REQUEST_DOCUMENTS: ["items"],
}


class AvailableActionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    to_state = serializers.CharField(source="to_state.code")
    to_status = serializers.CharField(source="to_state.status")
    effect = serializers.CharField()
    comment_required = serializers.BooleanField()
    document_required = serializers.BooleanField()
    inputs = serializers.SerializerMethodField(
        help_text="Fields this action needs besides the comment (assignee, new_due_date, items)."
    )

    def get_inputs(self, obj: WorkflowAction) -> list[str]:
        return EFFECT_FIELDS.get(obj.effect, [])


class AttachmentSerializer(serializers.ModelSerializer[EventAttachment]):
    class Meta:
        model = EventAttachment
        fields = ["id", "original_name", "kind", "size", "sha256"]


class OfficerEventSerializer(serializers.ModelSerializer[DossierEvent]):
    action_display = serializers.CharField()
    actor = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True)

    class Meta:
        model = DossierEvent
        fields = [
            "action",
            "action_display",
            "from_status",
            "to_status",
            "from_state",
            "to_state",
            "actor",
            "actor_role",
            "comment",
            "data",
            "step_started_at",
            "step_due_at",
            "step_timeliness",
            "created_at",
            "attachments",
        ]

    def get_actor(self, obj: DossierEvent) -> str | None:
        return obj.actor.username if obj.actor else None


class OfficerDossierListSerializer(serializers.ModelSerializer[Dossier]):
    status_display = serializers.CharField(source="get_status_display")
    state = serializers.CharField(source="state.code", allow_null=True)
    state_name = serializers.CharField(source="state.name", allow_null=True)
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="version.name")
    agency = serializers.CharField(source="agency.code")
    assignee = serializers.CharField(source="assignee.username", allow_null=True)

    class Meta:
        model = Dossier
        fields = [
            "code",
            "status",
            "status_display",
            "state",
            "state_name",
            "procedure",
            "procedure_name",
            "agency",
            "applicant_name",
            "channel",
            "submitted_at",
            "accepted_at",
            "due_at",
            "state_due_at",
            "assignee",
        ]


class OfficerDossierDetailSerializer(OfficerDossierListSerializer):
    case = serializers.CharField(source="case.name")
    # Declared, not inferred: an inferred bound would follow the database's integer sizes.
    copies = serializers.IntegerField(read_only=True)
    register_year = serializers.IntegerField(read_only=True, allow_null=True)
    register_number = serializers.IntegerField(read_only=True, allow_null=True)
    documents = DossierDocumentSerializer(many=True)
    events = OfficerEventSerializer(many=True)
    available_actions = serializers.SerializerMethodField()

    class Meta(OfficerDossierListSerializer.Meta):
        fields = [
            *OfficerDossierListSerializer.Meta.fields,
            "case",
            "applicant_id_number",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
            "copies",
            "register_year",
            "register_number",
            "original_due_at",
            "result_at",
            "handed_back_at",
            "timeliness",
            "form_data",
            "documents",
            "events",
            "available_actions",
        ]

    @extend_schema_field(AvailableActionSerializer(many=True))
    def get_available_actions(self, obj: Dossier) -> Any:
        actions = available_actions(dossier=obj, user=self.context["user"])
        return AvailableActionSerializer(actions, many=True).data


class ActionResultSerializer(serializers.Serializer[DossierEvent]):
    """The answer to an action: where the dossier is now, and the event written.

    Built from what the action wrote, without reading the dossier again; GET the dossier
    for its documents, history and the actions open next.
    """

    code = serializers.SerializerMethodField()
    status = serializers.CharField(source="to_status")
    state = serializers.CharField(source="to_state")
    due_at = serializers.SerializerMethodField()
    state_due_at = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    register_year = serializers.SerializerMethodField()
    register_number = serializers.SerializerMethodField()
    timeliness = serializers.SerializerMethodField()
    event = OfficerEventSerializer(source="*")

    def _dossier(self) -> Dossier:
        dossier: Dossier = self.context["dossier"]
        return dossier

    def get_code(self, obj: DossierEvent) -> str:
        return self._dossier().code or ""

    def get_due_at(self, obj: DossierEvent) -> str | None:
        return _datetime(self._dossier().due_at)

    def get_state_due_at(self, obj: DossierEvent) -> str | None:
        return _datetime(self._dossier().state_due_at)

    def get_assignee(self, obj: DossierEvent) -> str | None:
        assignee = obj.data.get("assignee") if isinstance(obj.data, dict) else None
        if assignee:
            return str(assignee.get("username", ""))
        return None if self._dossier().assignee_id is None else str(self._dossier().assignee)

    def get_register_year(self, obj: DossierEvent) -> int | None:
        return self._dossier().register_year

    def get_register_number(self, obj: DossierEvent) -> int | None:
        return self._dossier().register_number

    def get_timeliness(self, obj: DossierEvent) -> str:
        return self._dossier().timeliness


def event_row(event: DossierEvent) -> dict[str, Any]:
    """Return an event as OfficerEventSerializer writes it (a test checks they agree)."""
    return {
        "action": event.action,
        "action_display": str(event.action_display),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "actor": event.actor.username if event.actor else None,
        "actor_role": event.actor_role,
        "comment": event.comment,
        "data": event.data,
        "step_started_at": _datetime(event.step_started_at),
        "step_due_at": _datetime(event.step_due_at),
        "step_timeliness": event.step_timeliness,
        "created_at": _datetime(event.created_at),
        "attachments": [
            {
                "id": a.pk,
                "original_name": a.original_name,
                "kind": a.kind,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in event.attachments.all()
        ],
    }


def action_result(event: DossierEvent, dossier: Dossier) -> dict[str, Any]:
    """Return the answer to an action, as ActionResultSerializer (its documentation in
    the schema) writes it; by hand, without the serializer's field machinery. A test
    checks that they agree."""
    assignee = event.data.get("assignee") if isinstance(event.data, dict) else None
    if assignee:
        assignee_name: str | None = str(assignee.get("username", ""))
    else:
        assignee_name = None if dossier.assignee_id is None else str(dossier.assignee)
    return {
        "code": dossier.code or "",
        "status": event.to_status,
        "state": event.to_state,
        "due_at": _datetime(dossier.due_at),
        "state_due_at": _datetime(dossier.state_due_at),
        "assignee": assignee_name,
        "register_year": dossier.register_year,
        "register_number": dossier.register_number,
        "timeliness": dossier.timeliness,
        "event": event_row(event),
    }


class MissingItemSerializer(serializers.Serializer[Any]):
    document = serializers.CharField(max_length=500)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)


# Inputs that only an effect implemented by another app reads (ActionRequest.extra).
EXTRA_FIELDS = ("copies", "pages", "exempt", "exemption_reason", "agency", "outcome", "leg_id")


def _extra(values: dict[str, Any]) -> dict[str, Any]:
    """Return what the action's effect reads from `ActionRequest.extra`."""
    extra = {key: values[key] for key in EXTRA_FIELDS if key in values}
    if "due_date" in values:
        extra["due_at"] = due_at_for_day(values["due_date"])
    return extra


class ActionInputSerializer(serializers.Serializer[Any]):
    action = serializers.SlugField(max_length=60)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    assignee = serializers.CharField(
        required=False, max_length=150, help_text="Username of the specialist (assign)."
    )
    new_due_date = serializers.DateField(
        required=False, help_text="The new appointment day (apologize, Form 04)."
    )
    items = serializers.JSONField(
        required=False,
        help_text='What is missing and why (request_documents): [{"document", "reason"}].',
    )
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="Files attached to the action."
    )
    # The fees step (request_payment): what the fees are computed from.
    copies = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, help_text="Copies (request_payment)."
    )
    pages = serializers.IntegerField(
        required=False, min_value=0, max_value=100000, help_text="Pages (request_payment)."
    )
    exempt = serializers.BooleanField(
        required=False, help_text="The applicant's exemption is granted (request_payment)."
    )
    exemption_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Why the fees are waived (request_payment, with exempt).",
    )
    # Inter-agency actions (interop): the other agency, the opinion's deadline, the outcome.
    agency = serializers.CharField(
        required=False,
        max_length=35,
        help_text="Code of the agency the dossier is sent to or asked (send_to_agency, "
        "request_opinion).",
    )
    due_date = serializers.DateField(
        required=False, help_text="The day the opinion is due (request_opinion)."
    )
    outcome = serializers.CharField(
        required=False,
        max_length=20,
        help_text="The leg's outcome, approved or rejected (return_to_sender, answer_opinion).",
    )
    leg_id = serializers.IntegerField(
        required=False, min_value=1, help_text="The leg the action closes, when there are several."
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        """Only the fields sent, and the action: an absent field adds nothing here (none
        has a default), and copying all fifteen for every action cost more than the rest
        of the validation. Without data (the schema, the browsable API), all of them."""
        sent = getattr(self, "initial_data", None)
        if not isinstance(sent, Mapping):
            return super().get_fields()
        declared = self._declared_fields
        return {
            name: copy.deepcopy(field)
            for name, field in declared.items()
            if name == "action" or name in sent
        }

    def validate_items(self, value: Any) -> list[MissingItem]:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise serializers.ValidationError(_("Phải là JSON hợp lệ.")) from None
        items = MissingItemSerializer(data=value, many=True)
        if not isinstance(value, list) or not items.is_valid():
            raise serializers.ValidationError(
                _("Danh sách các mục cần bổ sung, mỗi mục có document và reason.")
            )
        return [MissingItem(document=i["document"], reason=i.get("reason", "")) for i in value]

    def validate_agency(self, value: str) -> int:
        pk = Agency.objects.valid_on().filter(code=value).values_list("pk", flat=True).first()
        if pk is None:
            raise serializers.ValidationError(_("Không có cơ quan với mã này."))
        return pk

    def validate_assignee(self, value: str) -> User:
        try:
            return User.objects.get(username=value, is_active=True)
        except User.DoesNotExist:
            raise serializers.ValidationError(_("Không có cán bộ với tên đăng nhập này.")) from None


def _officer_dossier(request: Request, code: str) -> Dossier:
    try:
        return selectors.dossier_get_for_officer(
            user=request.user,  # type: ignore[arg-type]
            code=code,
        )
    except Dossier.DoesNotExist:
        raise Http404 from None


def _detail(request: Request, dossier: Dossier) -> dict[str, Any]:
    return OfficerDossierDetailSerializer(dossier, context={"user": request.user}).data


@extend_schema(
    tags=["backoffice"],
    parameters=[
        OpenApiParameter("scope", str, enum=["mine", "all"], description="mine: waiting for me"),
        OpenApiParameter("status", str, description="National status value"),
        OpenApiParameter("procedure", str, description="Procedure code"),
        OpenApiParameter("due", str, enum=["soon", "overdue"]),
        OpenApiParameter("q", str, description="Dossier code or applicant name"),
        OpenApiParameter(
            "ordering",
            str,
            enum=sorted(selectors.ORDERINGS),
            description="Default: due_at for scope=mine, -submitted_at for scope=all",
        ),
    ],
    responses=OfficerDossierListSerializer(many=True),
)
class OfficerQueueView(generics.GenericAPIView[Dossier]):
    """The officer's queue: dossiers waiting for one of their roles (or all they may read)."""

    permission_classes = (IsVerifiedOfficer,)
    serializer_class = OfficerDossierListSerializer

    def get_queryset(self) -> QuerySet[Dossier]:
        params = self.request.query_params
        filters = selectors.InboxFilters(
            scope=params.get("scope", "mine"),
            status=params.get("status", ""),
            procedure=params.get("procedure", ""),
            due=params.get("due", ""),
            query=params.get("q", "")[:100],
            ordering=params.get("ordering", ""),
        )
        return selectors.dossier_inbox_for_officer(
            user=self.request.user,  # type: ignore[arg-type]
            filters=filters,
            scope=self.request.officer_scope,  # type: ignore[attr-defined]
        )

    def get(self, request: Request) -> Response:
        # Rows are read as plain values and written by hand (no model instances, no
        # serializer field machinery): a third of the time of a list endpoint. A test
        # checks they equal OfficerDossierListSerializer's, which documents them.
        dossiers = self.get_queryset()
        source = CountedRows(count_of=dossiers, rows=dossiers.values(*QUEUE_VALUES))
        page: list[Any] = self.paginate_queryset(source) or []  # type: ignore[arg-type]
        return self.get_paginated_response([queue_row(values) for values in page])


class CountedRows:
    """A page source: rows from one queryset, the total from another (without joins).

    Counting the `.values()` queryset would keep the joins its columns need; the model
    queryset's count drops them, which on a large agency is the difference between an
    index-only count and a join over every row.
    """

    ordered = True

    def __init__(self, *, count_of: QuerySet[Any], rows: QuerySet[Any]) -> None:
        self._count_of = count_of
        self._rows = rows

    def count(self) -> int:
        return self._count_of.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: Any) -> Any:
        return self._rows[index]


QUEUE_VALUES = (
    "code",
    "status",
    "state__code",
    "state__name",
    "procedure__code",
    "version__name",
    "agency__code",
    "applicant_name",
    "channel",
    "submitted_at",
    "accepted_at",
    "due_at",
    "state_due_at",
    "assignee__username",
)


def queue_row(values: dict[str, Any]) -> dict[str, Any]:
    """Return a queue row as OfficerDossierListSerializer writes it."""
    return {
        "code": values["code"],
        "status": values["status"],
        "status_display": str(DossierStatus(values["status"]).label),
        "state": values["state__code"],
        "state_name": values["state__name"],
        "procedure": values["procedure__code"],
        "procedure_name": values["version__name"],
        "agency": values["agency__code"],
        "applicant_name": values["applicant_name"],
        "channel": values["channel"],
        "submitted_at": _datetime(values["submitted_at"]),
        "accepted_at": _datetime(values["accepted_at"]),
        "due_at": _datetime(values["due_at"]),
        "state_due_at": _datetime(values["state_due_at"]),
        "assignee": values["assignee__username"],
    }


@extend_schema(tags=["backoffice"], responses=OfficerDossierDetailSerializer)
class OfficerDossierView(APIView):
    """A dossier of the officer's agency with its documents, history and open actions."""

    permission_classes = (IsVerifiedOfficer,)

    def get(self, request: Request, code: str) -> Response:
        return Response(_detail(request, _officer_dossier(request, code)))


@extend_schema(
    tags=["backoffice"],
    request={
        "application/json": ActionInputSerializer,
        "multipart/form-data": ActionInputSerializer,
    },
    responses={
        200: ActionResultSerializer,
        400: OpenApiResponse(description="What the action needs is missing or wrong."),
        403: OpenApiResponse(description="The officer's roles do not allow this action."),
        404: OpenApiResponse(description="No such dossier in the officer's agencies."),
        409: OpenApiResponse(description="The action is not possible in the current state."),
    },
)
class OfficerActionView(APIView):
    """Take a workflow action on a dossier (accept, assign, approve, hand back, ...)."""

    permission_classes = (IsVerifiedOfficer,)
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def post(self, request: Request, code: str) -> Response:
        scope: selectors.OfficerScope = request.officer_scope  # type: ignore[attr-defined]
        serializer = ActionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        # The engine finds and locks the dossier within what the officer may read (an
        # agency a dossier was sent to on a leg reads it and takes the leg's actions):
        # one query, and 404 for one outside it, as for one that does not exist.
        dossier = Dossier(code=code)
        try:
            new_due_at = (
                due_at_for_day(values["new_due_date"]) if "new_due_date" in values else None
            )
            event = dossier_action_execute(
                dossier=dossier,
                actor=request.user,  # type: ignore[arg-type]
                agency_roles=scope.roles_by_agency,
                within=scope.readable_condition(),
                request=ActionRequest(
                    action=values["action"],
                    comment=values.get("comment", ""),
                    assignee=values.get("assignee"),
                    new_due_at=new_due_at,
                    items=values.get("items", []),
                    attachments=values.get("attachments", []),
                    extra=_extra(values),
                ),
            )
        except Dossier.DoesNotExist:
            raise Http404 from None
        except DjangoValidationError as exc:
            raise _validation_error(exc) from None
        except ActionNotAllowed as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except ActionForbidden as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        return Response(action_result(event, dossier))

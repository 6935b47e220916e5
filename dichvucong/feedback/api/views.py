"""The rating API: the applicant rates a dossier whose result was handed back."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.dossiers.models import Dossier

from .. import selectors, services
from .serializers import RatingCreateSerializer, RatingSerializer


def _own_dossier(request: Request, code: str) -> Dossier:
    try:
        return selectors.dossier_get_for_rating(
            applicant=request.user,  # type: ignore[arg-type]
            code=code,
        )
    except Dossier.DoesNotExist:
        raise Http404(_("Không có hồ sơ này.")) from None


def _validation_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    return ValidationError({"non_field_errors": exc.messages})


class DossierRatingView(APIView):
    """The caller's satisfaction rating of one of their dossiers."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=["dossiers"],
        responses={200: RatingSerializer, 401: OpenApiResponse(description="Not signed in.")},
    )
    def get(self, request: Request, code: str) -> Response:
        """Return the rating; 404 when the dossier is not the caller's or is not rated yet."""
        rating = selectors.rating_for_dossier(dossier=_own_dossier(request, code))
        if rating is None:
            raise Http404(_("Hồ sơ này chưa được đánh giá."))
        return Response(RatingSerializer(rating).data)

    @extend_schema(
        tags=["dossiers"],
        request=RatingCreateSerializer,
        responses={
            201: RatingSerializer,
            200: OpenApiResponse(
                RatingSerializer, description="The same rating was already recorded (a retry)."
            ),
            401: OpenApiResponse(description="Not signed in."),
            409: OpenApiResponse(
                description="The dossier was already rated differently: a rating is final."
            ),
        },
        examples=[
            OpenApiExample(
                "Rating",
                request_only=True,
                value={"level": "very_satisfied", "comment": "Cán bộ hướng dẫn tận tình."},
            )
        ],
    )
    def post(self, request: Request, code: str) -> Response:
        """Rate the dossier once its result is handed back (status `done`); a rating is final.

        400: an invalid level or comment, or a dossier whose result is not handed back yet
        (errors.status); 404: not the caller's dossier.
        """
        dossier = _own_dossier(request, code)
        serializer = RatingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        existed = selectors.rating_for_dossier(dossier=dossier) is not None
        try:
            rating = services.rating_submit(
                dossier=dossier,
                applicant=request.user,  # type: ignore[arg-type]
                level=values["level"],
                comment=values["comment"],
            )
        except services.RatingAlreadyGiven as exc:
            return Response(
                {"detail": exc.messages[0], "errors": exc.message_dict},
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as exc:
            raise _validation_error(exc) from None
        except Dossier.DoesNotExist:  # gone between the two reads
            raise Http404(_("Không có hồ sơ này.")) from None
        return Response(
            RatingSerializer(rating).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import ArtistProfile
from apps.core.api.filters import StrictBooleanField
from apps.core.api.pagination import CursorPagination
from apps.core.api.schema import refusals

from .. import payments, services
from ..models import SupporterAllocation, Tip
from ..periods import month_of, parse_month
from .serializers import (
    StatementSerializer,
    SupporterAllocationSerializer,
    SupporterSerializer,
    SupporterSubscribeSerializer,
    TipConfirmationSerializer,
    TipConfirmSerializer,
    TipCreateSerializer,
    TipSerializer,
    TipStartedSerializer,
)

MONTH = OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM; this month when left out.")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description="16–100 letters, digits, - or _; a retry with the same key returns the same tip.",
)


class PaymentsDown(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "payments_unavailable"


def month_param(request: Request) -> date:
    value = request.query_params.get("month")
    if value is None:
        return month_of(timezone.now())
    try:
        return parse_month(value)
    except ValueError as error:
        raise exceptions.ValidationError({"month": [str(error)]}) from error


def payer_key_of(request: Request, *, start: bool = False) -> str | None:
    """Who is paying: the signed-in account, or an anonymous visitor's browser session.

    ``start`` opens a session for a visitor who has none, so their browser comes back with
    the key their tip is filed under; otherwise a visitor without a session pays for nothing.
    """
    if not request.user.is_authenticated:
        session = request.session
        if session.session_key:
            # The session stands in for an account here, so it gets a signed-in session's CSRF check.
            SessionAuthentication().enforce_csrf(request)
        elif start:
            # An empty session never reaches the browser as a cookie: mark it.
            session["tipper"] = True
            session.save()
        else:
            return None
    return services.payer_key(request.user, request.session.session_key)


def artist_of(request: Request) -> ArtistProfile:
    artist = ArtistProfile.objects.filter(user=request.user).first()
    if artist is None:
        raise exceptions.PermissionDenied("Only artists have revenue; create an artist profile first.")
    return artist


class TipViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Tips: anyone may tip an artist; artists list what they received, payers what they gave (``?mine``)."""

    serializer_class = TipSerializer
    pagination_class = CursorPagination
    lookup_field = "public_id"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in ("create", "retrieve", "confirm"):
            # Anonymous visitors tip too, and follow and pay their own tip by their session.
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Tip]:
        tips = Tip.objects.select_related("artist", "payer")
        if getattr(self, "swagger_fake_view", False):
            return tips.none()
        user = self.request.user
        if self.action in ("retrieve", "confirm"):
            # Only the payer's account or browser may follow or pay a tip; the artist may read it.
            key = payer_key_of(self.request)
            mine = tips.filter(payer_key=key) if key else tips.none()
            if self.action == "retrieve" and user.is_authenticated:
                return mine | tips.filter(artist__user=user)
            return mine
        if self._mine():
            return tips.given_by(user)
        return tips.received_by(artist_of(self.request)).paid()

    def _mine(self) -> bool:
        """`?mine=true` (the schema's boolean); anything but true or false is refused."""
        try:
            return bool(StrictBooleanField().to_python(self.request.query_params.get("mine")))
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"mine": error.messages}) from error

    @extend_schema(
        parameters=[OpenApiParameter("mine", OpenApiTypes.BOOL, description="Tips you gave, not received.")]
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        description=(
            "The payer or the artist reads a tip. A visitor who tipped without an account reads "
            "it with the browser session that started it (the `sessionid` cookie); to anyone "
            "else it is not found."
        )
    )
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        description=(
            "Start a tip. Without an account the payer is the browser session: the answer sets "
            "the `sessionid` cookie when there is none, and only that session can read and "
            "confirm the tip. A session sends its CSRF token as `X-CSRFToken`."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=TipCreateSerializer,
        responses={
            201: TipStartedSerializer,
            200: TipStartedSerializer,
            **refusals(
                {
                    400: "The amount is outside the site's range, the Idempotency-Key is missing, "
                    "the performance is by another artist, or you are tipping yourself.",
                    409: "This Idempotency-Key was already used for a different tip.",
                }
            ),
        },
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = TipCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            tip = services.start_tip(
                data["artist"],
                amount=data["amount"],
                idempotency_key=request.headers.get("Idempotency-Key", ""),
                payer=request.user if request.user.is_authenticated else None,
                payer_key=payer_key_of(request, start=True),
                performance=data.get("performance"),
                message=data.get("message", ""),
            )
        except payments.PaymentsUnavailable as error:
            raise PaymentsDown(str(error)) from error
        return Response(
            TipStartedSerializer(tip).data,
            status=status.HTTP_201_CREATED if tip.just_created else status.HTTP_200_OK,
        )

    @extend_schema(request=TipConfirmSerializer, responses=TipConfirmationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.AllowAny])
    def confirm(self, request: Request, public_id: str | None = None) -> Response:
        """Pay with the card Stripe.js tokenised; ``requires_action`` means authenticate with Stripe.js."""
        tip = self.get_object()
        serializer = TipConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = services.confirm_tip(tip, payment_method=serializer.validated_data["payment_method"])
        except payments.PaymentsUnavailable as error:
            raise PaymentsDown(str(error)) from error
        data = {
            "status": result.status,
            "failure_message": result.failure_message,
            "client_secret": tip.client_secret,
        }
        return Response(TipConfirmationSerializer(data).data)


class RevenueView(APIView):
    """The signed-in artist's statement for a month: every cent by source, and the balance."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[MONTH], responses=StatementSerializer)
    def get(self, request: Request) -> Response:
        artist = artist_of(request)
        statement = services.artist_statement(artist, month_param(request))
        data = {**statement.__dict__, "balance": services.artist_balance(artist)}
        return Response(StatementSerializer(data).data)


class SupporterSubscribeView(APIView):
    """Become a monthly supporter with a card Stripe.js turned into a payment method.

    The first month is charged at once; ``client_secret`` is set when the card asks for
    authentication with Stripe.js. Resuming a cancelled subscription needs no card.
    """

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=SupporterSubscribeSerializer, responses={200: SupporterSerializer})
    def post(self, request: Request) -> Response:
        serializer = SupporterSubscribeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            supporter = services.become_supporter(
                request.user, payment_method=serializer.validated_data["payment_method"]
            )
        except payments.PaymentsUnavailable as error:
            raise PaymentsDown(str(error)) from error
        return Response(SupporterSerializer(supporter).data)


class SupporterCancelView(APIView):
    """Stop supporting at the end of the month already paid for."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: SupporterSerializer})
    def post(self, request: Request) -> Response:
        try:
            supporter = services.stop_supporting(request.user)
        except payments.PaymentsUnavailable as error:
            raise PaymentsDown(str(error)) from error
        return Response(SupporterSerializer(supporter).data)


class SupporterAllocationView(APIView):
    """Where a supporter's money went in a month: each artist's share and the engagement behind it."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[MONTH], responses=SupporterAllocationSerializer)
    def get(self, request: Request) -> Response:
        month = month_param(request)
        allocation = (
            SupporterAllocation.objects.prefetch_related("shares__artist")
            .filter(supporter=request.user, period=month)
            .first()
        )
        if allocation is None:
            raise exceptions.NotFound(
                "Nothing was shared out for you in that month (months are split once over)."
            )
        return Response(SupporterAllocationSerializer(allocation).data)

from rest_framework import serializers

from ..models import ReportReason
from ..services import NOTE_MAX


class ReportSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True)


class ReportedSerializer(serializers.Serializer):
    reported = serializers.BooleanField()

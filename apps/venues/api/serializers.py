from __future__ import annotations

from rest_framework import serializers

from apps.core.rows import KEY_MAX
from apps.performances.api.serializers import ArtistRefSerializer

from ..models import EntryStatus, Event, EventStatus, Venue

# Ids are 64-bit in the database: anything larger is refused here, not there.
ID_MAX = KEY_MAX


class VenueRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Venue
        fields = ["slug", "name"]


class EventSerializer(serializers.ModelSerializer):
    venue = VenueRefSerializer(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "name",
            "status",
            "venue",
            "starts_at",
            "ends_at",
            "opens_automatically",
            "vote_cooldown_seconds",
            "votes_per_guest_per_hour",
            "veto_window_minutes",
        ]


class PoolTrackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    artist = ArtistRefSerializer()
    duration = serializers.FloatField(allow_null=True, help_text="Seconds.")
    thumbnail_url = serializers.SerializerMethodField()

    def get_thumbnail_url(self, track) -> str | None:  # noqa: ANN001
        return track.thumbnail.url if track.thumbnail else None


class PoolQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Search titles and artists."
    )


class GuestJoinSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500, help_text="What the QR code on the venue's screen carries.")


class GuestTokenSerializer(serializers.Serializer):
    guest_token = serializers.CharField(help_text="Send it as `X-Guest-Token` when voting.")
    expires_in = serializers.IntegerField(help_text="Seconds.")


class VoteSerializer(serializers.Serializer):
    track = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="A track of the event's pool.")


class EntryActionSerializer(serializers.Serializer):
    entry = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="A queue entry's id.")


# --- the queue: documentation only; the views write it with orjson ------------------------


class QueueTrackSerializer(PoolTrackSerializer):
    thumbnail_url = serializers.CharField(allow_null=True)


class PlayingTrackSerializer(QueueTrackSerializer):
    stream_url = serializers.CharField(allow_null=True)


class QueueEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    track = QueueTrackSerializer()
    votes = serializers.IntegerField()
    status = serializers.ChoiceField(choices=EntryStatus.choices)


class NowPlayingSerializer(QueueEntrySerializer):
    track = PlayingTrackSerializer()
    started_at = serializers.DateTimeField(allow_null=True)


class QueueEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=EventStatus.choices)


class QueueStateSerializer(serializers.Serializer):
    """What every client shows; ``seq`` is the last live update it includes."""

    seq = serializers.IntegerField()
    event = QueueEventSerializer()
    now_playing = NowPlayingSerializer(allow_null=True)
    queue = QueueEntrySerializer(many=True, help_text="Most votes first; then first to get there.")
    history = QueueEntrySerializer(many=True, help_text="The last few played, latest first.")


class VotedEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    track = serializers.IntegerField()
    votes = serializers.IntegerField()


class VoteResultSerializer(serializers.Serializer):
    entry = VotedEntrySerializer()
    seq = serializers.IntegerField(
        help_text="The event's last update number; the new queue follows on the socket."
    )

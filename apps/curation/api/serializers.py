from __future__ import annotations

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from apps.performances.api.serializers import ArtistRefSerializer

from .. import services
from ..models import Collection, CollectionItem, Feature, FeatureSlot


class ArtistTargetSerializer(serializers.Serializer):
    slug = serializers.CharField()
    stage_name = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


class PerformanceTargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    artist = ArtistRefSerializer()
    url = serializers.CharField(source="get_absolute_url")


class TrackTargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    duration = serializers.FloatField(allow_null=True, help_text="Seconds.")
    artist = ArtistRefSerializer()
    url = serializers.CharField(source="get_absolute_url")


class CollectionTargetSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


TARGETS: dict[str, type[serializers.Serializer]] = {
    "artist": ArtistTargetSerializer,
    "performance": PerformanceTargetSerializer,
    "track": TrackTargetSerializer,
    "collection": CollectionTargetSerializer,
}


def target_schema(name: str, kinds: list[str]) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name=name, serializers=[TARGETS[kind] for kind in kinds], resource_type_field_name=None
    )


def target_data(entry: CollectionItem | Feature) -> dict[str, Any]:
    kind = services.kind_of(entry)
    return TARGETS[kind](getattr(entry, kind)).data


ITEM_KINDS = ["artist", "performance", "track"]


class CollectionItemSerializer(serializers.Serializer):
    kind = serializers.SerializerMethodField()
    note = serializers.CharField()
    position = serializers.IntegerField()
    target = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=ITEM_KINDS))
    def get_kind(self, item: CollectionItem) -> str:
        return services.kind_of(item)

    @extend_schema_field(target_schema("CollectionItemTarget", ITEM_KINDS))
    def get_target(self, item: CollectionItem) -> dict[str, Any]:
        return target_data(item)


class CollectionSerializer(serializers.ModelSerializer):
    curator = serializers.SerializerMethodField()
    areas = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    genres = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    item_count = serializers.IntegerField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Collection
        fields = [
            "slug",
            "title",
            "intro",
            "curator",
            "areas",
            "genres",
            "item_count",
            "published_at",
            "publish_until",
            "url",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_curator(self, collection: Collection) -> str | None:
        return collection.curator.display_name if collection.curator else None


class CollectionDetailSerializer(CollectionSerializer):
    items = CollectionItemSerializer(source="public_items", many=True, read_only=True)

    class Meta(CollectionSerializer.Meta):
        fields = [*CollectionSerializer.Meta.fields, "items"]


class FeatureSerializer(serializers.ModelSerializer):
    slot = serializers.ChoiceField(choices=FeatureSlot.choices)
    headline = serializers.SerializerMethodField()
    kind = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()

    class Meta:
        model = Feature
        fields = ["id", "slot", "headline", "note", "starts_at", "ends_at", "kind", "target"]

    def get_headline(self, feature: Feature) -> str:
        return feature.headline or str(getattr(feature.target, "stage_name", None) or feature.target)

    @extend_schema_field(serializers.ChoiceField(choices=list(services.TARGETS)))
    def get_kind(self, feature: Feature) -> str:
        return services.kind_of(feature)

    @extend_schema_field(target_schema("FeatureTarget", list(services.TARGETS)))
    def get_target(self, feature: Feature) -> dict[str, Any]:
        return target_data(feature)

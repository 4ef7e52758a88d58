from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from apps.curation import services
from apps.curation.models import (
    Collection,
    CollectionItem,
    CollectionStatus,
    Feature,
    FeatureSlot,
)
from apps.moderation.models import ModerationAction, ModerationVerb
from tests.factories import PerformanceFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


def split(moment) -> dict[str, str]:  # noqa: ANN001
    local = timezone.localtime(moment)
    return {"0": local.strftime("%Y-%m-%d"), "1": local.strftime("%H:%M:%S")}


def feature_form(slot: str, starts_at, ends_at, **target) -> dict:  # noqa: ANN001
    data = {"slot": slot, "headline": "", "note": ""}
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        for part, value in split(moment).items():
            data[f"{name}_{part}"] = value
    for name in ("artist", "performance", "track", "collection"):
        data[name] = str(target[name].pk) if name in target else ""
    return data


def collection_form(title: str, items: list[dict]) -> dict:
    data = {
        "title": title,
        "slug": title.lower().replace(" ", "-"),
        "intro": "Songs for a warm night.",
        "publish_from_0": "",
        "publish_from_1": "",
        "publish_until_0": "",
        "publish_until_1": "",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for n, item in enumerate(items):
        row = {"position": "0", "artist": "", "performance": "", "track": "", "note": "", **item}
        data.update({f"items-{n}-{key}": value for key, value in row.items()})
    return data


@pytest.fixture
def curator_client(client, personas):
    client.force_login(personas.curator)
    return client


def test_a_curator_builds_a_collection_with_items_and_is_its_curator(curator_client, personas):
    track = TrackFactory()
    performance = PerformanceFactory()
    data = collection_form(
        "Summer songs",
        [
            {"track": str(track.pk), "note": "Opens the night", "position": "5"},
            {"performance": str(performance.pk), "note": "Then this", "position": "2"},
            # Its position left alone: it goes after the others.
            {"artist": str(personas.owner.artist_profile.pk), "note": "And her"},
        ],
    )

    response = curator_client.post(reverse("admin:curation_collection_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    collection = Collection.objects.get(slug="summer-songs")
    assert collection.curator == personas.curator
    assert collection.status == CollectionStatus.DRAFT
    assert [(item.note, item.position) for item in collection.items.all()] == [
        ("Then this", 2),
        ("Opens the night", 5),
        ("And her", 6),
    ]


def test_an_item_with_two_targets_is_refused_with_one_clear_reason(curator_client, personas):
    data = collection_form(
        "Two at once",
        [{"artist": str(personas.owner.artist_profile.pk), "track": str(TrackFactory().pk)}],
    )

    response = curator_client.post(reverse("admin:curation_collection_add"), data)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].non_field_errors()
    assert list(errors) == ["Choose exactly one artist, performance or track."]
    assert not Collection.objects.exists()


def test_curators_publish_and_unpublish_collections_with_bulk_actions(curator_client, personas):
    ready = Collection.objects.create(title="Ready", slug="ready")
    CollectionItem.objects.create(collection=ready, artist=personas.owner.artist_profile)
    empty = Collection.objects.create(title="Empty", slug="empty")
    url = reverse("admin:curation_collection_changelist")

    response = curator_client.post(
        url, {"action": "publish_selected", "_selected_action": [ready.pk, empty.pk]}, follow=True
    )

    ready.refresh_from_db()
    empty.refresh_from_db()
    assert ready.status == CollectionStatus.PUBLISHED
    assert empty.status == CollectionStatus.DRAFT
    shown = [str(m) for m in response.context["messages"]]
    assert "Empty: Add at least one item before publishing." in shown
    assert "1 collection published." in shown

    curator_client.post(url, {"action": "unpublish_selected", "_selected_action": [ready.pk]})
    ready.refresh_from_db()
    assert ready.status == CollectionStatus.DRAFT


def test_a_bulk_action_the_service_refuses_is_reported_not_an_error_page(client, personas):
    # Allowed to edit collections in the admin, but not a curator: publishing is refused.
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_collection", "change_collection"])
    )
    client.force_login(editor)
    ready = Collection.objects.create(title="Ready", slug="ready")
    CollectionItem.objects.create(collection=ready, artist=personas.owner.artist_profile)

    response = client.post(
        reverse("admin:curation_collection_changelist"),
        {"action": "publish_selected", "_selected_action": [ready.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["Ready: Only curators can do this."]
    ready.refresh_from_db()
    assert ready.status == CollectionStatus.DRAFT


def test_the_collection_list_shows_status_window_curator_and_item_count(curator_client, personas):
    collection = Collection.objects.create(title="Listed", slug="listed", curator=personas.curator)
    CollectionItem.objects.create(collection=collection, artist=personas.owner.artist_profile)
    services.publish_collection(collection, actor=personas.curator)

    url = reverse("admin:curation_collection_changelist")
    page = curator_client.get(url, {"status__exact": "published", "q": "Listed"})

    assert page.status_code == 200
    row = page.context["cl"].result_list[0]
    assert row == collection and row.item_count == 1
    assert "Charlie" in page.content.decode() or personas.curator.email in page.content.decode()


def test_a_feature_overlapping_another_in_its_slot_is_refused_naming_it(curator_client, personas):
    now = timezone.now().replace(microsecond=0, second=0)
    services.create_feature(
        slot=FeatureSlot.HERO,
        starts_at=now,
        ends_at=now + timedelta(days=2),
        artist=personas.owner.artist_profile,
        headline="Alice all week",
        actor=personas.curator,
    )
    data = feature_form(
        FeatureSlot.HERO,
        now + timedelta(days=1),
        now + timedelta(days=3),
        artist=personas.other.artist_profile,
    )

    response = curator_client.post(reverse("admin:curation_feature_add"), data)

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "overlaps" in errors and "Alice all week" in errors
    assert services.describe_span(now, now + timedelta(days=2)) in errors
    assert Feature.objects.count() == 1


def test_a_feature_starting_when_the_last_one_ends_is_saved_by_its_curator(curator_client, personas):
    now = timezone.now().replace(microsecond=0, second=0)
    services.create_feature(
        slot=FeatureSlot.HERO,
        starts_at=now,
        ends_at=now + timedelta(days=2),
        artist=personas.owner.artist_profile,
        actor=personas.curator,
    )
    data = feature_form(
        FeatureSlot.HERO,
        now + timedelta(days=2),
        now + timedelta(days=3),
        artist=personas.other.artist_profile,
    )

    response = curator_client.post(reverse("admin:curation_feature_add"), data)

    assert response.status_code == 302
    added = Feature.objects.get(artist=personas.other.artist_profile)
    assert added.created_by == personas.curator


@pytest.mark.parametrize("targets", [0, 2])
def test_a_feature_needs_exactly_one_target_in_the_admin(curator_client, personas, targets):
    now = timezone.now()
    chosen = {"artist": personas.owner.artist_profile, "track": TrackFactory()}
    data = feature_form(
        FeatureSlot.SPOTLIGHT_1, now, now + timedelta(hours=1), **dict(list(chosen.items())[:targets])
    )

    response = curator_client.post(reverse("admin:curation_feature_add"), data)

    assert response.status_code == 200
    errors = list(response.context["adminform"].form.non_field_errors())
    assert errors == ["Choose exactly one artist, performance, track or collection."]
    assert not Feature.objects.exists()


def test_a_curator_moves_a_feature_in_the_admin(curator_client, personas):
    now = timezone.now().replace(microsecond=0, second=0)
    feature = services.create_feature(
        slot=FeatureSlot.HERO,
        starts_at=now,
        ends_at=now + timedelta(hours=2),
        artist=personas.owner.artist_profile,
        actor=personas.curator,
    )
    data = feature_form(
        FeatureSlot.SPOTLIGHT_2, now, now + timedelta(hours=4), artist=personas.owner.artist_profile
    )

    response = curator_client.post(reverse("admin:curation_feature_change", args=[feature.pk]), data)

    assert response.status_code == 302
    feature.refresh_from_db()
    assert feature.slot == FeatureSlot.SPOTLIGHT_2
    assert feature.ends_at == now + timedelta(hours=4)


@pytest.mark.parametrize("when", ["live", "upcoming", "past"])
def test_the_feature_list_filters_by_live_upcoming_and_past(curator_client, personas, when):
    now = timezone.now()
    spans = {"past": (-3, -2), "live": (-1, 1), "upcoming": (2, 3)}
    for name, (start, end) in spans.items():
        services.create_feature(
            slot=FeatureSlot.HERO,
            starts_at=now + timedelta(hours=start),
            ends_at=now + timedelta(hours=end),
            artist=personas.owner.artist_profile,
            headline=name,
            actor=personas.curator,
        )

    page = curator_client.get(reverse("admin:curation_feature_changelist"), {"when": when})

    assert page.status_code == 200
    assert [feature.headline for feature in page.context["cl"].result_list] == [when]


def test_the_moderation_log_is_read_only_for_curators(curator_client, personas):
    track = TrackFactory()
    action = ModerationAction.objects.create(
        item=track, verb=ModerationVerb.HIDE, reason="Not music", actor=personas.curator
    )

    listing = curator_client.get(reverse("admin:moderation_moderationaction_changelist"), {"q": "music"})
    assert listing.status_code == 200
    assert "Not music" in listing.content.decode()
    assert str(track) in listing.content.decode()

    change_url = reverse("admin:moderation_moderationaction_change", args=[action.pk])
    assert curator_client.get(change_url).status_code == 200
    curator_client.post(change_url, {"verb": "restore", "reason": "Changed"})
    action.refresh_from_db()
    assert action.reason == "Not music"
    assert curator_client.get(reverse("admin:moderation_moderationaction_add")).status_code == 403
    delete_url = reverse("admin:moderation_moderationaction_delete", args=[action.pk])
    assert curator_client.get(delete_url).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/admin/curation/collection/",
        "/admin/curation/collection/add/",
        "/admin/curation/feature/",
        "/admin/curation/feature/add/",
        "/admin/moderation/moderationaction/",
        "/admin/places/area/add/",
        "/admin/places/genre/add/",
    ],
)
def test_curators_manage_collections_features_areas_and_genres(curator_client, url):
    assert curator_client.get(url).status_code == 200


def test_the_item_pickers_search_artists_performances_and_tracks_for_curators(curator_client, personas):
    TrackFactory(title="Saudade")
    response = curator_client.get(
        reverse("admin:autocomplete"),
        {"term": "Saud", "app_label": "curation", "model_name": "collectionitem", "field_name": "track"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]][0].startswith("Saudade")


@pytest.mark.parametrize("url", ["/admin/tips/tip/", "/admin/tips/payout/", "/admin/tips/ledgerentry/"])
def test_curators_cannot_see_tips_or_payments(curator_client, url):
    assert curator_client.get(url).status_code == 403


@pytest.mark.parametrize("who", ["owner", "other"])
@pytest.mark.parametrize("url", ["/admin/", "/admin/curation/collection/", "/admin/curation/feature/add/"])
def test_fans_and_artists_cannot_reach_the_admin(client, personas, who, url):
    client.force_login(getattr(personas, who))
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]

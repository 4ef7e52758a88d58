import pytest
from django.urls import reverse

from apps.performances.models import Performance, PerformanceStatus
from tests.factories import ArtistProfileFactory, UserFactory
from tests.performances.helpers import plan

pytestmark = pytest.mark.django_db


def stop_fields(index: int, start: str, end: str, place: str = "Rossio") -> dict:
    return {
        f"stops-{index}-place_name": place,
        f"stops-{index}-lat": "38.7139",
        f"stops-{index}-lng": "-9.1394",
        f"stops-{index}-starts_at": start,
        f"stops-{index}-ends_at": end,
    }


def management(total: int) -> dict:
    return {
        "stops-TOTAL_FORMS": str(total),
        "stops-INITIAL_FORMS": "0",
        "stops-MIN_NUM_FORMS": "1",
        "stops-MAX_NUM_FORMS": "5",
    }


def test_the_route_form_plans_a_performance_with_two_stops(client_as, artist):
    client = client_as(artist.user)
    data = {
        "title": "Two corners",
        **management(2),
        **stop_fields(0, "2030-05-01T18:00", "2030-05-01T19:00"),
        **stop_fields(1, "2030-05-01T19:30", "2030-05-01T20:30", place="Chiado"),
    }
    response = client.post(reverse("performance-create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    performance = Performance.objects.get()
    assert list(performance.stops.values_list("place_name", flat=True)) == ["Rossio", "Chiado"]


def test_the_route_form_shows_the_services_rule_and_stores_nothing(client_as, artist):
    data = {
        "title": "Clash",
        **management(2),
        **stop_fields(0, "2030-05-01T18:00", "2030-05-01T19:00"),
        **stop_fields(1, "2030-05-01T18:30", "2030-05-01T20:00"),
    }
    response = client_as(artist.user).post(reverse("performance-create"), data)
    assert response.status_code == 200
    assert "Stop 2 overlaps stop 1" in response.content.decode()
    assert not Performance.objects.exists()


def test_adding_a_stop_inline_returns_just_the_route_with_one_more_stop(client_as, artist):
    data = {
        "title": "X",
        **management(1),
        **stop_fields(0, "2030-05-01T18:00", "2030-05-01T19:00"),
        "edit_route": "add",
    }
    response = client_as(artist.user).post(reverse("performance-create"), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.strip().startswith('<div id="route">')
    assert html.count("<fieldset") == 2
    assert 'value="Rossio"' in html
    assert not Performance.objects.exists()


def test_removing_a_stop_works_without_javascript_too(client_as, artist):
    data = {
        "title": "X",
        **management(2),
        **stop_fields(0, "2030-05-01T18:00", "2030-05-01T19:00", place="First"),
        **stop_fields(1, "2030-05-01T19:30", "2030-05-01T20:30", place="Second"),
        "edit_route": "remove-0",
    }
    html = client_as(artist.user).post(reverse("performance-create"), data).content.decode()
    assert "<html" in html
    assert 'value="Second"' in html
    assert 'value="First"' not in html


def test_go_live_and_end_from_the_dashboard(client_as, artist):
    performance = plan(artist, 0)
    client = client_as(artist.user)
    client.post(reverse("performance-go-live", args=[performance.pk]))
    performance.refresh_from_db()
    assert performance.status == PerformanceStatus.LIVE
    page = client.get(reverse("performance-dashboard")).content.decode()
    assert "Share my location" in page
    client.post(reverse("performance-end", args=[performance.pk]), {"confirm": "yes"})
    performance.refresh_from_db()
    assert performance.status == PerformanceStatus.COMPLETED


def test_a_refused_go_live_explains_why_on_the_dashboard(client_as, artist):
    performance = plan(artist, 120)
    response = client_as(artist.user).post(reverse("performance-go-live", args=[performance.pk]), follow=True)
    assert "30 minutes before a stop starts" in response.content.decode()


def test_strangers_get_404_for_someone_elses_dashboard_actions(client_as, artist):
    performance = plan(artist, 0)
    client = client_as(ArtistProfileFactory().user)
    for name in (
        "performance-edit",
        "performance-go-live",
        "performance-end",
        "performance-cancel",
        "performance-delete",
    ):
        method = client.get if name == "performance-edit" else client.post
        assert method(reverse(name, args=[performance.pk])).status_code == 404, name
    performance.refresh_from_db()
    assert performance.status == PerformanceStatus.SCHEDULED


def test_like_button_swaps_in_place(client_as, artist):
    performance = plan(artist, 0)
    response = client_as(UserFactory()).post(
        reverse("performance-like", args=[performance.pk]), {"action": "like"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.strip().startswith('<div id="like"')
    assert "Liked" in html
    performance.refresh_from_db()
    assert performance.like_count == 1


def test_the_map_page_lists_performances_without_javascript(client, artist):
    plan(artist, -5, title="Corner set")
    html = client.get(reverse("map"), {"when": "now"}).content.decode()
    assert "Corner set" in html
    assert 'id="map-results"' in html


def test_the_map_page_names_bad_filters(client):
    html = client.get(reverse("map"), {"radius_km": "500"}).content.decode()
    assert "less than or equal to 50" in html


def test_the_map_filters_swap_only_the_results_with_htmx(client, artist):
    plan(artist, -5)
    html = client.get(reverse("map"), {"when": "now"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.strip().startswith('<section id="results"')


def test_a_malformed_remove_button_value_changes_nothing(client_as, artist):
    data = {
        "title": "X",
        **management(2),
        **stop_fields(0, "2030-05-01T18:00", "2030-05-01T19:00"),
        **stop_fields(1, "2030-05-01T19:30", "2030-05-01T20:30"),
        "edit_route": "remove-x",
    }
    html = client_as(artist.user).post(reverse("performance-create"), data).content.decode()
    assert html.count("<fieldset") == 2


def test_the_performance_page_lists_the_artists_next_performances_soonest_first(client, artist):
    current = plan(artist, -5, title="Now")
    plan(artist, 600, title="Later")
    plan(artist, 120, title="Sooner")
    html = client.get(current.get_absolute_url()).content.decode()
    assert html.index("Sooner") < html.index("Later")


def test_curators_see_performances_in_the_admin_but_cannot_change_them(client_as, artist):
    from apps.accounts.roles import CURATORS

    performance = plan(artist, 0)
    curator = UserFactory(group=CURATORS)
    client = client_as(curator)
    assert client.get("/admin/performances/performance/").status_code == 200
    page = client.get(f"/admin/performances/performance/{performance.pk}/change/")
    assert page.status_code == 200
    assert b'name="title"' not in page.content
    assert client.post(f"/admin/performances/performance/{performance.pk}/delete/").status_code == 403


def test_ending_a_performance_asks_first_and_changes_nothing_until_confirmed(client_as, artist):
    performance = plan(artist, 0)
    client = client_as(artist.user)
    client.post(reverse("performance-go-live", args=[performance.pk]))
    url = reverse("performance-end", args=[performance.pk])
    asked = client.post(url)
    assert asked.status_code == 200
    html = asked.content.decode()
    assert f"End “{performance.title}”?" in html
    assert f'action="{url}"' in html and 'name="confirm" value="yes"' in html
    assert 'href="/me/performances/"' in html  # the way back, changing nothing
    performance.refresh_from_db()
    assert performance.status == PerformanceStatus.LIVE
    done = client.post(url, {"confirm": "yes"})
    assert done.status_code == 302
    performance.refresh_from_db()
    assert performance.status == PerformanceStatus.COMPLETED


def test_deleting_a_plan_asks_first_and_changes_nothing_until_confirmed(client_as, artist):
    performance = plan(artist, 120)
    client = client_as(artist.user)
    url = reverse("performance-delete", args=[performance.pk])
    asked = client.post(url)
    assert asked.status_code == 200
    assert f"Delete “{performance.title}”?" in asked.content.decode()
    assert Performance.objects.filter(pk=performance.pk).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not Performance.objects.filter(pk=performance.pk).exists()


def test_the_dashboard_buttons_lead_to_the_question_not_straight_to_the_action(client_as, artist):
    live, planned = plan(artist, 0), plan(artist, 120)
    client = client_as(artist.user)
    client.post(reverse("performance-go-live", args=[live.pk]))
    html = client.get(reverse("performance-dashboard")).content.decode()
    assert 'name="confirm"' not in html
    assert reverse("performance-end", args=[live.pk]) in html
    assert reverse("performance-delete", args=[planned.pk]) in html


def test_the_performance_page_says_1_like_and_1_view_in_the_singular(client, artist):
    performance = plan(artist, 0)
    Performance.objects.filter(pk=performance.pk).update(like_count=1, view_count=1)
    html = client.get(performance.get_absolute_url()).content.decode()
    assert '<span class="stat" data-like-count>1</span> <span data-like-noun>like</span>' in html
    assert " 1 view</span>" in html
    Performance.objects.filter(pk=performance.pk).update(like_count=2, view_count=2)
    html = client.get(performance.get_absolute_url()).content.decode()
    assert '<span class="stat" data-like-count>2</span> <span data-like-noun>likes</span>' in html
    assert " 2 views</span>" in html

from django.urls import path
from rest_framework.routers import DefaultRouter

from apps.accounts.api import views as accounts
from apps.core.api import views as core
from apps.curation.api import areas as curation_areas
from apps.curation.api import for_you as curation_for_you
from apps.curation.api import trending as curation_trending
from apps.curation.api import views as curation
from apps.media.api import views as media
from apps.moderation.api.views import report_paths
from apps.performances.api import artists as performances_artists
from apps.performances.api import views as performances
from apps.tips.api import views as tips
from apps.venues.api import views as venues

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
# Artists with where they play (performances extends the accounts resource).
router.register("artists", performances_artists.ArtistViewSet, basename="artist")
router.register("genres", performances.GenreViewSet, basename="genre")
router.register("areas", curation_areas.AreaViewSet, basename="area")
router.register("performances", performances.PerformanceViewSet, basename="performance")
router.register("media/clips", media.ClipViewSet, basename="clip")
router.register("media/stories", media.StoryViewSet, basename="story")
router.register("media/tracks", media.TrackViewSet, basename="track")
# The catalog's short address, where apps and the web player report plays.
router.register("tracks", media.TrackViewSet, basename="catalog-track")
router.register("events", venues.EventViewSet, basename="event")
router.register("tips", tips.TipViewSet, basename="tip")
router.register("collections", curation.CollectionViewSet, basename="collection")
router.register("features", curation.FeatureViewSet, basename="feature")

app_name = "api"
urlpatterns = [
    path("me/", accounts.MeView.as_view(), name="me"),
    path("me/artist/", accounts.MyArtistView.as_view(), name="me-artist"),
    path("me/notifications/", accounts.NotificationListView.as_view(), name="me-notifications"),
    path(
        "me/notifications/read/",
        accounts.NotificationsReadView.as_view(),
        name="me-notifications-read",
    ),
    path("me/revenue/", tips.RevenueView.as_view(), name="me-revenue"),
    path("me/supporter/allocation/", tips.SupporterAllocationView.as_view(), name="me-supporter-allocation"),
    path("supporter/subscribe/", tips.SupporterSubscribeView.as_view(), name="supporter-subscribe"),
    path("supporter/cancel/", tips.SupporterCancelView.as_view(), name="supporter-cancel"),
    path("trending/", curation_trending.TrendingView.as_view(), name="trending"),
    path("for-you/", curation_for_you.ForYouView.as_view(), name="for-you"),
    path("realtime/ticket/", core.RealtimeTicketView.as_view(), name="realtime-ticket"),
    path("media/uploads/", media.DirectUploadView.as_view(), name="direct-upload"),
    *report_paths(),
    *router.urls,
]

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.cache import cache_control
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core import views as core
from apps.core.metrics import metrics
from apps.media import views as media

# The admin signs in through allauth, so its login shares allauth's rate limits.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Encore back office"
admin.site.site_title = "Encore"


# Browsers and the admin ask for /favicon.ico whatever a page links; a temporary redirect,
# since the SVG's own address changes with its content.
@cache_control(max_age=24 * 60 * 60)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(static("favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", core.healthz, name="healthz"),
    path("readyz", core.readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("stripe/", include("djstripe.urls", namespace="djstripe")),
    path("", include("apps.accounts.urls")),
    path("", include("apps.performances.urls")),
    path("", include("apps.media.urls")),
    path("", include("apps.moderation.urls")),
    path("", include("apps.venues.urls")),
    path("", include("apps.tips.urls")),
    path("", include("apps.curation.urls")),
    path("", include("apps.curation.discovery_urls")),
]

if settings.DEBUG or settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    urlpatterns += [path("media/<path:path>", media.serve_file, name="media")]

handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"

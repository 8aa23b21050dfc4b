"""Project URLs: app views first, Wagtail pages last (German unprefixed, English under /en/)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as accounts_views
from curriculum import views as curriculum_views
from home.views import switch_language

from . import health

urlpatterns = [
    path("health/live/", health.live, name="health_live"),
    path("health/ready/", health.ready, name="health_ready"),
    # Every log-in goes through allauth (second factor, rate limits); Wagtail's form is not served.
    path("admin/login/", accounts_views.admin_login, name="admin_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/2fa/totp/activate/", accounts_views.activate_totp),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("language/", switch_language, name="switch_language"),
    path("quizzes/", include("quizzes.urls")),
    path("journeys/", include("journeys.urls")),
    path("champions/", include("champions.urls")),
    path("people/", include("people.urls")),
    path("assignments/", include("assignments.urls")),
    path("reports/", include("reports.urls")),
    path("team/", include("reports.team_urls")),
    path("outcomes/", include("outcomes.urls")),
    path("", include("pocket.urls")),
    path("", include("api.urls")),
    path("", include("curriculum.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    # /en/search/ too: the search page in the language of the URL, as the English pages link it.
    path("search/", curriculum_views.search, name="search_localized"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

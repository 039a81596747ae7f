from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from engagement import views
from surveys import offline

# The site's own error pages (they never read the request body again).
handler400 = "engagement.views.bad_request"
handler403 = "engagement.views.permission_denied"
handler404 = "engagement.views.page_not_found"
handler500 = "engagement.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # The resident pages' service worker: at the root, so its scope covers every language.
    path("sw.js", offline.service_worker, name="service_worker"),
    # A flyer's short link, outside the language prefix: it follows the phone's language.
    path("", include("surveys.short_urls")),
    path("admin/", admin.site.urls),
    # Staff pages speak the signed-in person's language (StaffLanguageMiddleware).
    path("accounts/", include("organizations.urls")),
    path("staff/", include("surveys.workspace_urls")),
    path("staff/", include("findings.urls")),
    path("staff/team/", include("organizations.team_urls")),
]

# Public pages carry their language in the URL, so a link can be shared in a language; a
# link without a prefix follows the browser's preferred language.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    # Published findings reports, one address per language.
    path("reports/", include("findings.report_urls")),
    path("", include("surveys.urls")),
)

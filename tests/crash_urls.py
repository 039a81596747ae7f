"""The site's URLs and error pages plus a view that fails, to see the server-error page."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from engagement import urls as site

handler400 = getattr(site, "handler400", "django.views.defaults.bad_request")
handler403 = getattr(site, "handler403", "django.views.defaults.permission_denied")
handler404 = getattr(site, "handler404", "django.views.defaults.page_not_found")
handler500 = getattr(site, "handler500", "django.views.defaults.server_error")


@csrf_exempt
def crash(request):
    raise RuntimeError("A failing view.")


urlpatterns = [path("crash/", crash), *site.urlpatterns]

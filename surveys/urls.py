from django.urls import path, register_converter

from . import offline, views
from .converters import LinkTokenConverter

register_converter(LinkTokenConverter, "link_token")

app_name = "surveys"


def flow_patterns(prefix, ident):
    """The same resident pages for a collection link and for a staff preview."""
    return [
        path(f"{ident}/", views.start, name=f"{prefix}start"),
        path(f"{ident}/consent/", views.consent, name=f"{prefix}consent"),
        path(f"{ident}/declined/", views.declined, name=f"{prefix}declined"),
        path(f"{ident}/not-eligible/", views.ineligible, name=f"{prefix}ineligible"),
        path(f"{ident}/step/<int:number>/", views.step, name=f"{prefix}step"),
        path(f"{ident}/thanks/<str:rid>/", views.thanks, name=f"{prefix}thanks"),
    ]


urlpatterns = [
    *flow_patterns("", "s/<link_token:token>"),
    *flow_patterns("preview_", "preview/<int:pk>"),
    # The offline outbox (surveys/offline.py): links only, never a preview.
    path("s/<link_token:token>/offline/", offline.offline_page, name="offline"),
    path("s/<link_token:token>/submit/", offline.submit, name="submit"),
    path("s/<link_token:token>/kiosk-ids/", offline.kiosk_ids, name="kiosk_ids"),
    path("s/<link_token:token>/qr.svg", views.qr_code, name="qr"),
    path("s/<link_token:token>/flyer/", views.flyer, name="flyer"),
]

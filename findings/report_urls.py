"""Report URLs: the editor (staff, added to findings.urls) and the published reports (under
the language prefix, added to the root URLconf)."""

from django.urls import path

from . import report_views

staff_urlpatterns = [
    path("reports/", report_views.report_list, name="reports"),
    path("reports/<str:token>/", report_views.report_edit, name="report_edit"),
    path(
        "reports/<str:token>/sections/<int:pk>/",
        report_views.report_section,
        name="report_section",
    ),
    path(
        "reports/<str:token>/sections/<int:pk>/move/",
        report_views.report_move_section,
        name="report_move_section",
    ),
    path(
        "reports/<str:token>/preview/<str:language>/",
        report_views.report_preview,
        name="report_preview",
    ),
]

urlpatterns = [
    path("r/<slug:slug>/", report_views.by_slug, name="report_slug"),
    path("<str:token>/", report_views.published, name="report"),
    path("<str:token>/v<int:number>/", report_views.published, name="report_version"),
    path("<str:token>/report.pdf", report_views.published_pdf, name="report_pdf"),
    path(
        "<str:token>/v<int:number>/report.pdf",
        report_views.published_pdf,
        name="report_version_pdf",
    ),
]

from django.urls import path

from . import report_urls, views

app_name = "findings"
urlpatterns = [
    path("downloads/", views.downloads, name="downloads"),
    path(
        "downloads/responses.csv",
        views.responses_download,
        {"file_format": "csv"},
        name="responses_csv",
    ),
    path(
        "downloads/responses.xlsx",
        views.responses_download,
        {"file_format": "xlsx"},
        name="responses_xlsx",
    ),
    path(
        "downloads/responses.sav",
        views.responses_download,
        {"file_format": "sav"},
        name="responses_sav",
    ),
    path("downloads/prepared/<uuid:pk>/", views.prepared, name="prepared"),
    path("downloads/prepared/<uuid:pk>/file", views.prepared_file, name="prepared_file"),
    path(
        "downloads/codebook.csv",
        views.codebook_download,
        {"file_format": "csv"},
        name="codebook_csv",
    ),
    path(
        "downloads/codebook.xlsx",
        views.codebook_download,
        {"file_format": "xlsx"},
        name="codebook_xlsx",
    ),
    path(
        "downloads/sessions.csv",
        views.sessions_download,
        {"file_format": "csv"},
        name="sessions_csv",
    ),
    path(
        "downloads/sessions.xlsx",
        views.sessions_download,
        {"file_format": "xlsx"},
        name="sessions_xlsx",
    ),
    path("results/", views.results, name="results"),
    path("results/crosstab/", views.crosstab_page, name="crosstab"),
    path("results/crosstab.csv", views.crosstab_csv, name="crosstab_csv"),
    path("coding/", views.coding, name="coding"),
    path("coding/agreement/", views.agreement_page, name="agreement"),
    path("themes/", views.themes, name="themes"),
    path("themes/codebook.csv", views.codebook_export, {"kind": "csv"}, name="codebook_themes_csv"),
    path(
        "themes/codebook.xlsx", views.codebook_export, {"kind": "xlsx"}, name="codebook_themes_xlsx"
    ),
    path("themes/codebook.qdc", views.codebook_export, {"kind": "qdc"}, name="codebook_qdc"),
    path("themes/import/", views.codebook_import, name="codebook_import"),
    path("themes/codings.csv", views.codings_download, {"kind": "csv"}, name="codings_csv"),
    path("themes/codings.xlsx", views.codings_download, {"kind": "xlsx"}, name="codings_xlsx"),
    path("themes/<slug:code>/quotes/", views.theme_quotes, name="theme_quotes"),
]

# The report editor lives in its own module (findings.report_urls).
urlpatterns += report_urls.staff_urlpatterns

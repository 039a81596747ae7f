from django.urls import path

from . import views

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
]

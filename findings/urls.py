from django.urls import path

from . import views

app_name = "findings"
urlpatterns = [
    path("downloads/", views.downloads, name="downloads"),
    path("downloads/responses.csv", views.responses_csv, name="responses_csv"),
    path("downloads/codebook.csv", views.codebook_csv, name="codebook_csv"),
    path("downloads/sessions.csv", views.sessions_csv, name="sessions_csv"),
    path("results/", views.results, name="results"),
    path("results/crosstab/", views.crosstab_page, name="crosstab"),
    path("results/crosstab.csv", views.crosstab_csv, name="crosstab_csv"),
]

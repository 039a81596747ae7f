from django.urls import path

from . import offline, workspace

app_name = "workspace"
urlpatterns = [
    path("", workspace.home, name="home"),
    path("links/", workspace.links, name="links"),
    path("links/new/", workspace.link_new, name="link_new"),
    path("links/<str:token>/status/", workspace.link_status, name="link_status"),
    path("sessions/", workspace.sessions, name="sessions"),
    path("sessions/new/", workspace.session_new, name="session_new"),
    path("sessions/<uuid:pk>/", workspace.session_detail, name="session"),
    path("sessions/<uuid:pk>/edit/", workspace.session_edit, name="session_edit"),
    path("sessions/<uuid:pk>/history/", workspace.session_history, name="session_history"),
    path("responses/", workspace.responses, name="responses"),
    path("responses/<uuid:pk>/", workspace.response_detail, name="response"),
    path("responses/<uuid:pk>/exclude/", workspace.response_exclude, name="response_exclude"),
    path("responses/<uuid:pk>/include/", workspace.response_include, name="response_include"),
    path("responses/<uuid:pk>/correct/", workspace.response_correct, name="response_correct"),
    path("kiosk/", offline.kiosk_outbox, name="kiosk_outbox"),
    path("kiosk/upload/", offline.outbox_upload, name="outbox_upload"),
    path("paper/", workspace.paper, name="paper"),
    path("paper/batches/", workspace.paper_batches, name="paper_batches"),
    path("paper/<slug:code>/print/<str:language>/", workspace.paper_print, name="paper_print"),
    path("paper/<slug:code>/enter/", workspace.paper_entry, name="paper_entry"),
    path("paper/<slug:code>/enter-again/", workspace.paper_second_entry, name="paper_second_entry"),
    path("paper/<slug:code>/check/", workspace.paper_batch_check, name="paper_batch_check"),
]

from django.urls import path

from . import workspace

app_name = "workspace"
urlpatterns = [
    path("", workspace.home, name="home"),
    path("links/", workspace.links, name="links"),
    path("sessions/", workspace.sessions, name="sessions"),
    path("responses/", workspace.responses, name="responses"),
    path("paper/", workspace.paper, name="paper"),
]

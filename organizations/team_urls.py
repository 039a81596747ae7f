from django.urls import path

from . import team

app_name = "team"
urlpatterns = [
    path("", team.members, name="members"),
]

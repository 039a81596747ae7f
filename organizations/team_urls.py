from django.urls import path

from . import team

app_name = "team"
urlpatterns = [
    path("", team.members, name="members"),
    path("invite/", team.invite, name="invite"),
    path("<int:pk>/", team.member, name="member"),
    path("<int:pk>/deactivate/", team.deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", team.reactivate, name="reactivate"),
    path("<int:pk>/resend/", team.resend, name="resend"),
]

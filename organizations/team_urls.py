from django.urls import path

from . import team

app_name = "team"
urlpatterns = [
    path("", team.members, name="members"),
    path("invite/", team.invite, name="invite"),
    path("<uuid:public_id>/", team.member, name="member"),
    path("<uuid:public_id>/deactivate/", team.deactivate, name="deactivate"),
    path("<uuid:public_id>/reactivate/", team.reactivate, name="reactivate"),
    path("<uuid:public_id>/resend/", team.resend, name="resend"),
]

from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("<str:token>/", views.take, name="take"),
    path("<str:token>/thanks/<str:rid>/", views.thanks, name="thanks"),
]

from django.urls import path

from . import views

urlpatterns = [path("l/<str:code>", views.short_link, name="short_link")]

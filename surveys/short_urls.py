from django.urls import path, register_converter

from . import views
from .converters import ShortCodeConverter

register_converter(ShortCodeConverter, "short_code")

urlpatterns = [path("l/<short_code:code>", views.short_link, name="short_link")]

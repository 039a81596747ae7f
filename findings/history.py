"""Codebook and coding history: django-reversion, as for listening sessions. Registered
after modeltranslation so every language's name and description are kept."""

import reversion

from .models import Coding, Theme

for model in (Theme, Coding):
    if not reversion.is_registered(model):
        reversion.register(model)

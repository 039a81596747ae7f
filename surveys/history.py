"""Listening-session history: every save is one django-reversion revision of the session with
its prompt notes and quotes."""

import reversion

from .models import ListeningSession, PromptNote, SessionQuote

for model, follow in (
    (PromptNote, ()),
    (SessionQuote, ()),
    (ListeningSession, ("notes", "quotes")),
):
    if not reversion.is_registered(model):
        reversion.register(model, follow=follow)

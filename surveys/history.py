"""Listening-session history: every save is one django-reversion revision of the session with
its prompt notes and quotes."""

import reversion

from .models import ListeningSession, PromptNote, SessionQuote

reversion.register(PromptNote)
reversion.register(SessionQuote)
reversion.register(ListeningSession, follow=["notes", "quotes"])

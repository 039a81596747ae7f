from django.db import models


class Heartbeat(models.Model):
    """One row per app server, rewritten by each /healthz probe: the database takes writes."""

    server = models.CharField(max_length=255, primary_key=True)
    beat = models.DateTimeField()

    def __str__(self):
        return f"{self.server} {self.beat:%Y-%m-%d %H:%M:%S}"

"""`make bench` only: the site's URLs plus the ceiling, the stack's best case for one survey.

The ceiling does a resident's job with nothing of ours: GET a form of 20 rating questions,
POST it (validated by a Django form, stored as one row), GET the thank-you page. Served by the
same gunicorn, behind the site's full middleware, through bin/bench_settings.py.
"""

import json

from django import forms
from django.db import connection
from django.http import Http404
from django.shortcuts import redirect
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path

from engagement.urls import (  # noqa: F401 (the site's error views apply here too)
    handler400,
    handler403,
    handler404,
    handler500,
)
from engagement.urls import urlpatterns as site_urlpatterns

SCALE = [
    (str(n), label)
    for n, label in enumerate(
        ("Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"), start=1
    )
]

# Written out as plain HTML in one template: the least a page of 20 rating questions costs.
PAGE = engines["django"].from_string(
    """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ceiling</title></head>
<body><main>{% if form %}<form method="post">{% csrf_token %}
{% for field in form %}<fieldset><legend>{{ field.label }}</legend>
{% for value, label in scale %}<label><input type="radio" name="{{ field.html_name }}" \
value="{{ value }}" required> {{ label }}</label>{% endfor %}</fieldset>
{% endfor %}<button type="submit">Send</button></form>{% else %}<h1>Thank you</h1>
<p>Your answers have been received ({{ number }}).</p>{% endif %}</main></body></html>"""
)


class CeilingForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, 21):
            self.fields[f"q{n:02d}"] = forms.ChoiceField(
                label=f"Statement {n}", choices=SCALE, widget=forms.RadioSelect
            )


def ceiling_form(request):
    form = CeilingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_ceiling (payload) VALUES (%s) RETURNING id",
                [json.dumps(form.cleaned_data)],
            )
            number = cursor.fetchone()[0]
        return redirect("bench_ceiling_thanks", number=number)
    return TemplateResponse(request, PAGE, {"form": form, "scale": SCALE})


def ceiling_thanks(request, number):
    if number < 1:
        raise Http404
    return TemplateResponse(request, PAGE, {"number": number})


urlpatterns = [
    *site_urlpatterns,
    path("bench/ceiling/", ceiling_form, name="bench_ceiling"),
    path("bench/ceiling/thanks/<int:number>/", ceiling_thanks, name="bench_ceiling_thanks"),
]

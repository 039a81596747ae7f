"""Polish and Arabic: offered only by configuration (OFFERED_LANGUAGES), and then every resident
page, the paper questionnaire and the flyer are in the language and, for Arabic, right to left.
The browser walks are in test_browser_languages.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf.locale import LANG_INFO
from django.urls import reverse

from .factories import CollectionLinkFactory, small_survey

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ["en", "es", "zh-hans"]
MORE = ["en", "es", "zh-hans", "pl", "ar"]


def offer(settings, codes):
    """What OFFERED_LANGUAGES=... in the environment gives at settings import."""
    settings.OFFERED_LANGUAGES = list(codes)
    settings.LANGUAGES = [(code, LANG_INFO[code]["name"]) for code in codes]


def settings_with(**env):
    """The language settings a fresh process reads from this environment."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OFFERED_LANGUAGES", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.OFFERED_LANGUAGES, [c for c, _ in settings.LANGUAGES]]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "engagement.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def arabic_survey():
    survey = small_survey(languages=MORE, title_ar="استبيان الحي", title_pl="Ankieta sąsiedzka")
    survey.questions.filter(code="trust").update(text_ar="أثق بالشرطة.", text_pl="Ufam policji.")
    return survey


def test_default_offer_leaves_out_polish_and_arabic():
    assert settings_with() == [DEFAULT, DEFAULT]


def test_polish_and_arabic_are_offered_by_configuration():
    assert settings_with(OFFERED_LANGUAGES="en,es,zh-hans,pl,ar") == [MORE, MORE]


def test_default_offer_has_no_polish_or_arabic_pages(client, areas, settings):
    offer(settings, DEFAULT)
    link = CollectionLinkFactory(instrument=arabic_survey())
    assert link.instrument.offered_languages == DEFAULT
    for language in ("pl", "ar"):
        assert client.get(f"/{language}/s/{link.token}/").status_code == 404
    html = client.get(f"/en/s/{link.token}/").content.decode()
    assert "polski" not in html and "العربيّة" not in html


def test_switcher_names_polish_and_arabic_in_their_own_script(client, areas, settings):
    offer(settings, MORE)
    link = CollectionLinkFactory(instrument=arabic_survey())
    english = client.get(f"/en/s/{link.token}/").content.decode()
    path = f"/s/{link.token}/"
    assert f'<a href="/pl{path}" lang="pl" hreflang="pl">polski</a>' in english
    assert f'<a href="/ar{path}" lang="ar" hreflang="ar" dir="rtl">العربيّة</a>' in english
    arabic = client.get(f"/ar{path}").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "bootstrap.rtl.min.css" in arabic and "bootstrap.min.css" not in arabic
    assert f'<a href="/en{path}" lang="en" hreflang="en" dir="ltr">English</a>' in arabic
    assert '<span lang="ar" aria-current="true">العربيّة</span>' in arabic
    assert "استبيان الحي" in arabic
    # English that stands in for missing Arabic keeps its own direction.
    assert f'<span lang="en" dir="ltr">{link.organization.name_en}</span>' in arabic
    polish = client.get(f"/pl{path}").content.decode()
    assert '<html lang="pl" dir="ltr">' in polish
    assert "Ankieta sąsiedzka" in polish and "Rozpocznij" in polish


def test_arabic_paper_questionnaire_is_right_to_left(client, areas, settings, staff_a):
    offer(settings, MORE)
    survey = arabic_survey()
    client.force_login(staff_a)
    html = client.get(reverse("workspace:paper_print", args=[survey.code, "ar"])).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert '<span class="number">3.</span> أثق بالشرطة.' in html
    assert "ضع علامة في مربع واحد لكل سؤال" in html


@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("pl", "ltr"), ("en", "ltr")])
def test_flyer_gives_each_language_its_direction(client, areas, settings, language, direction):
    offer(settings, MORE)
    link = CollectionLinkFactory(instrument=arabic_survey())
    html = client.get(f"/{language}/s/{link.token}/flyer/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert '<li lang="ar" dir="rtl"><strong>استبيان الحي</strong><br>أخبرنا كيف' in html
    assert '<li lang="pl" dir="ltr"><strong>Ankieta sąsiedzka</strong><br>Powiedz nam' in html
    assert '<li lang="en" dir="ltr">' in html
    assert '<figure lang="ar" dir="rtl">' in html
    assert f'<p class="short-link" dir="ltr">http://testserver/l/{link.short_code}</p>' in html

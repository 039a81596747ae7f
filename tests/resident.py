"""Walking the resident flow with Django's test client, and reading back what it stored."""

import re

from django.utils import translation

from surveys.models import Question, Response

STEP_ONE = {"q-home_area": None, "q-contact": "yes"}
STEP_TWO = {
    "q-trust": "agree",
    "q-treated": "fair",
    "q-worries": ["traffic", "other"],
    "q-worries-other": "Speeding cars",
    "q-who_crisis": "professional",
    "q-who_noise": "police",
    "q-household": "３",
    "q-zip": " 06080 ",
    "q-idea": "More street lights",
}


def flow_url(link, name="start", language="en", **kwargs):
    from django.urls import reverse

    with translation.override(language):
        return reverse(f"surveys:{name}", kwargs={"token": link.token, **kwargs})


def rid_of(page):
    return re.search(r'name="rid" value="([^"]+)"', page.content.decode()).group(1)


def agree(client, link, language="en"):
    """Consent; returns the first step's URL."""
    response = client.post(flow_url(link, "consent", language), {"decision": "agree"})
    assert response.status_code == 302, response
    return response["Location"]


def step_data(page, answers, action="next"):
    return {"rid": rid_of(page), "action": action, **answers}


def first_step(area):
    return {**STEP_ONE, "q-home_area": str(area.pk)}


def walk(client, link, area, language="en", two=None):
    """Consent, step 1, step 2: returns the final POST's response (the thank-you redirect)."""
    step1 = agree(client, link, language)
    page = client.get(step1)
    step2 = client.post(step1, step_data(page, first_step(area)))["Location"]
    page = client.get(step2)
    return client.post(step2, step_data(page, two if two is not None else STEP_TWO))


def stored_answers(response):
    """{question code: value}: choice codes (sorted lists for multiple choice), area names,
    numbers, texts and special answers."""
    result = {}
    for answer in response.answers.select_related("question", "choice", "area"):
        code = answer.question.code
        if answer.choice_id:
            if answer.question.type == Question.Type.MULTIPLE:
                result[code] = sorted([*result.get(code, []), answer.choice.code])
                continue
            result[code] = answer.choice.code
        elif answer.area_id:
            result[code] = answer.area.name
        elif answer.number is not None:
            result[code] = answer.number
        elif answer.special:
            result[code] = answer.special
        else:
            result[code] = answer.text
    return result


def response_ids():
    return set(Response.objects.values_list("pk", flat=True))

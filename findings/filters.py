"""The filter form of the results, cross-tab and downloads, bound for one user: the
instruments to choose from and the organizations they may narrow to. Views use it, and so
does the task that prepares a large download in the background (with the same rules)."""

from django.http import Http404

from organizations.models import Organization
from surveys.models import Instrument

from .forms import PUBLIC, STAFF, ResultsFilterForm, visible_organizations


def filter_organizations(user):
    """The CBOs a user may narrow to: every one for the facilitator and city partners, else
    their own (no query: the membership is loaded already)."""
    if user.is_facilitator:
        return visible_organizations(user)
    if user.is_partner:
        return list(
            Organization.objects.filter(kind=Organization.Kind.CBO)
            .order_by("name")
            .only("pk", "slug", "name")
        )
    return [user.membership.organization]


def bound_filters(user, query, form_class=ResultsFilterForm):
    """The instruments and organizations to filter by, and the form bound to `query`.

    A CBO's `?org=` of another organization answers 404, like every other object of theirs.
    """
    instruments = list(
        Instrument.objects.filter(kind=Instrument.Kind.SURVEY)
        .exclude(status=Instrument.Status.DRAFT)
        .order_by("-created_at")
    )
    if not instruments:
        raise Http404
    organizations = filter_organizations(user)
    known = {o.slug for o in organizations}
    if any(slug not in known for slug in query.getlist("org")):
        raise Http404
    data = query.copy()
    if not data.get("instrument"):
        default = next((i for i in instruments if i.status == Instrument.Status.OPEN), None)
        data["instrument"] = (default or instruments[0]).code
    if not data.get("view"):
        data["view"] = STAFF
    if user.is_partner:
        data["view"] = PUBLIC  # a city partner sees only what the public would
    return form_class(data, instruments=instruments, organizations=organizations)

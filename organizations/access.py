"""Who may open the staff workspace, and as which organization.

Scoping of data is `Model.objects.visible_to(user)`; this module only answers "is this person
signed in staff, and which organization's workspace is this request about".
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Organization


def workspace_view(view=None, *, manager=False, partners=False):
    """Signed-in, active staff of an organization (or the facilitator).

    Sets `request.organization`: the user's own; for the facilitator, the one named by
    `?org=<slug>`, else None (all organizations). Managers-only views answer 403 to staff.
    A city partner reaches only the views that say `partners=True` (aggregate pages, always
    suppressed, over every organization: `request.organization` is None); every other one
    answers them 404, like a page that does not exist.
    """

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            membership = user.membership
            slugs = request.GET.getlist("org")
            if user.is_partner:
                if not partners:
                    raise Http404
                request.organization = None
            elif user.is_facilitator:
                # One `?org=` narrows the workspace to that organization; several (a results
                # filter) leave it over all of them. Each must exist.
                found = list(Organization.objects.filter(slug__in=slugs)) if slugs else []
                if len(found) != len(set(slugs)):
                    raise Http404
                request.organization = found[0] if len(found) == 1 else None
            elif membership is None or not membership.organization.active:
                raise PermissionDenied
            else:
                request.organization = membership.organization
                if manager and not membership.can_manage_members:
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view else decorate


def facilitator_only(request):
    """A page of the facilitator's (coding, reports): anyone else gets the same answer as
    "no such page"."""
    if not request.user.is_facilitator:
        raise Http404


def scoped(queryset, request):
    """Rows the user may see, narrowed to the workspace's organization when there is one."""
    queryset = queryset.visible_to(request.user)
    if request.organization is not None:
        queryset = queryset.filter(organization=request.organization)
    return queryset


def acting_organization(request):
    """The organization new records belong to; the facilitator must pick one (?org=)."""
    if request.organization is None:
        raise Http404(_("Choose an organization first."))
    return request.organization

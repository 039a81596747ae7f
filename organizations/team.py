"""Managers manage their organization's staff accounts."""

from django.shortcuts import render

from .access import workspace_view
from .models import Membership


@workspace_view(manager=True)
def members(request):
    memberships = (
        Membership.objects.visible_to(request.user)
        .filter(organization=request.organization)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return render(request, "organizations/members.html", {"memberships": memberships})

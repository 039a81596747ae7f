"""The staff workspace: an organization's own figures, sessions, responses, paper entry."""

from django.shortcuts import render

from organizations.access import workspace_view

from .models import CollectionLink


@workspace_view
def home(request):
    return render(request, "staff/home.html", {})


@workspace_view
def links(request):
    links = CollectionLink.objects.visible_to(request.user).select_related("instrument", "organization")
    if request.organization:
        links = links.filter(organization=request.organization)
    return render(request, "staff/links.html", {"links": links})


@workspace_view
def sessions(request):
    return render(request, "staff/home.html", {})


@workspace_view
def responses(request):
    return render(request, "staff/home.html", {})


@workspace_view
def paper(request):
    return render(request, "staff/home.html", {})

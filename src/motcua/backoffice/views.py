"""Back-office pages for officers (pages only: they call services, never change models directly)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from motcua.agencies.models import Assignment


@login_required
def home(request):
    assignments = (
        Assignment.objects.filter(officer=request.user).select_related("agency").order_by("agency__path", "role")
    )
    return render(request, "backoffice/home.html", {"assignments": assignments})

"""Who is a citizen, and the pages that need one."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse

from .models import Profile


def profile_of(user) -> Profile | None:
    """The citizen's profile of a logged-in user, or None for officers and anonymous visitors."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.citizen
    except Profile.DoesNotExist:
        return None


def citizen_required(view):
    """A portal page for a logged-in citizen; visitors are sent to the login page and come back,
    an officer's account (no profile) is told politely that this page is for citizens."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if profile_of(request.user) is None:
            if request.user.is_authenticated:
                return render(request, "citizens/not_citizen.html", status=403)
            return redirect(f"{reverse('citizens:login')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper

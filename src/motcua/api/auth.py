"""Who calls the API: a program with `Authorization: Bearer motcua_…`, or an officer's browser
session from the back-office pages (htmx), which must then pass Django's CSRF check to change
anything."""

from ninja.security import HttpBearer, SessionAuth

from . import services


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        return services.officer_for(token)


class OfficerSessionAuth(SessionAuth):
    """ninja's `django_auth` (CSRF checked on unsafe methods), consulted only for a logged-in
    session without an Authorization header: a wrong token is not rescued by a cookie."""

    def __call__(self, request):
        if "authorization" in request.headers or not request.user.is_authenticated:
            return None
        return super().__call__(request)


officer_auth = [ApiTokenAuth(), OfficerSessionAuth(csrf=True)]

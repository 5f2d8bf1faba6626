from django.conf import settings


def site(request):
    """What every page shows about the deployment: the province it serves."""
    return {"province": settings.MOTCUA_PROVINCE_NAME}

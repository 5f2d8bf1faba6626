from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    verbose_name = _("Messages to applicants")

    def ready(self) -> None:
        # The shipped channels register themselves on import.
        from .contrib.email import plugin as _email  # noqa: F401
        from .contrib.sms import plugin as _sms  # noqa: F401

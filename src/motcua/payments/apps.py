from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    verbose_name = _("Fees and payments")

    def ready(self) -> None:
        # The shipped gateways register themselves on import.
        from .contrib.cash import plugin as _cash  # noqa: F401
        from .contrib.vietqr import plugin as _vietqr  # noqa: F401
        from .contrib.vnpay import plugin as _vnpay  # noqa: F401

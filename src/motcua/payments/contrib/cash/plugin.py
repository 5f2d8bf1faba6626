"""Cash (tiền mặt) taken by a receptionist at the counter: recorded, never started online, refunded
by hand."""

from django.utils.translation import gettext_lazy as _

from motcua.payments.base import Gateway
from motcua.payments.registry import register


@register
class Cash(Gateway):
    identifier = "cash"
    label = _("Cash at the counter")

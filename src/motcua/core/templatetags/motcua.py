from django import template

from motcua.core.money import format_dong
from motcua.core.people import full_name

register = template.Library()


@register.filter
def dong(amount):
    """{{ fee.amount|dong }} → 75.000 đ"""
    return "" if amount is None else format_dong(amount)


@register.filter(name="full_name")
def full_name_filter(user):
    """{{ officer|full_name }} → "Trần Thị Hoa" (family name first)."""
    return full_name(user)

from django import template

from motcua.core.money import format_dong

register = template.Library()


@register.filter
def dong(amount):
    """{{ fee.amount|dong }} → 75.000 đ"""
    return "" if amount is None else format_dong(amount)

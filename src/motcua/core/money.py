"""Money is an integer number of đồng; this is how it is written for people."""


def format_dong(amount: int) -> str:
    """75000 → "75.000 đ" (Vietnamese groups thousands with dots)."""
    if amount != int(amount):
        raise ValueError("Amounts are whole đồng.")
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,} đ".replace(",", ".")

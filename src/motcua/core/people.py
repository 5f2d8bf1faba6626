"""How people's names are written: Vietnamese order, family name first ("Trần Thị Hoa").

Django's `get_full_name()` puts the given name first, which reads wrong in Vietnamese; officers'
names are stored as last_name = "Trần Thị", first_name = "Hoa".
"""


def full_name(user) -> str:
    if user is None:
        return ""
    name = " ".join(part for part in (user.last_name, user.first_name) if part)
    return name or user.get_username()

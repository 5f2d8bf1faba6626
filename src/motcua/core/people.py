"""How people's names are written: Vietnamese order, family name first ("Trần Thị Hoa").

Django's `get_full_name()` puts the given name first, which reads wrong in Vietnamese; officers'
names are stored as last_name = "Trần Thị", first_name = "Hoa".
"""


def full_name(user) -> str:
    if user is None:
        return ""
    name = " ".join(part for part in (user.last_name, user.first_name) if part)
    return name or user.get_username()


def mask_name(name: str) -> str:
    """A name as the public look-up shows it: the family name whole, then only each other word's
    first letter ("Nguyễn Thị Lan" → "Nguyễn T** L**"), so holding a slip reveals no one's name."""
    words = (name or "").split()
    if not words:
        return ""
    # A single word may be a given name (or an officer's login): it is masked too.
    head = [words[0]] if len(words) > 1 else []
    masked = head + [word[0] + "*" * max(1, len(word) - 1) for word in words[len(head) :]]
    return " ".join(masked)

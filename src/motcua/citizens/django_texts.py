"""Django's own messages that its Vietnamese catalogue leaves untranslated. Naming them here makes
`makemessages` keep them in ours (locale/vi), where the translation is."""

from django.utils.translation import ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("motcua — administration")
admin.site.site_title = _("motcua administration")
admin.site.index_title = _("Province configuration")

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from . import exchange, services
from .models import (
    Fee,
    Field,
    FormField,
    Procedure,
    ProcedureAgency,
    ProcedureVersion,
    ProcessStep,
    ProcessTemplate,
    RequiredDocument,
)
from .rules import share_error


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class ProcedureAgencyInline(admin.TabularInline):
    model = ProcedureAgency
    extra = 0
    autocomplete_fields = ["agency"]


class VersionLinkInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ["effective_from", "effective_to", "name", "time_limit_amount", "time_limit_unit", "online_level"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Catalogue file (JSON)"))


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "field", "allow_agency_override"]
    list_filter = ["field"]
    search_fields = ["code", "versions__name"]
    inlines = [VersionLinkInline, ProcedureAgencyInline]
    change_list_template = "admin/catalog/procedure/change_list.html"

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="catalog_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name="catalog_export"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not request.user.has_perm("catalog.add_procedure"):
            return HttpResponse(status=403)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                counts = exchange.import_catalog(upload.read().decode("utf-8"), source=upload.name)
            except UnicodeDecodeError:
                form.add_error("file", _("The file is not UTF-8 text."))
            except exchange.CatalogImportError as exc:
                for problem in exc.problems:
                    form.add_error("file", f"{exc.source}: {problem}")
            else:
                messages.success(
                    request,
                    _("Imported %(procedures)s procedures (%(versions)s versions) in %(fields)s fields.") % counts,
                )
                return redirect(reverse("admin:catalog_procedure_changelist"))
        context = {**self.admin_site.each_context(request), "form": form, "title": _("Import the catalogue")}
        return render(request, "admin/catalog/procedure/import.html", context)

    def export_view(self, request):
        body = json.dumps(exchange.export_catalog(), ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="motcua-catalog.json"'
        return response


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


class FormFieldInline(admin.StackedInline):
    """The online form of the version, one question per block, in the order of `position`."""

    model = FormField
    extra = 0
    fields = [
        ("position", "name", "type", "required"),
        "label",
        "help_text",
        "choices",
        ("min_value", "max_value", "max_length"),
        ("pattern", "pattern_message"),
        "prefill",
    ]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "name", "effective_from", "effective_to", "level", "online_level"]
    list_filter = ["level", "online_level", "procedure__field", "boundary_free"]
    search_fields = ["procedure__code", "name"]
    inlines = [RequiredDocumentInline, FeeInline, FormFieldInline]
    list_select_related = ["procedure"]

    def save_model(self, request, obj, form, change):
        services.save_version(obj)


class StepFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.version_id is None:
            return
        steps = [
            (f.cleaned_data["stage"], f.cleaned_data["share"])
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        version = self.instance.version
        error = share_error(steps, version.time_limit_amount, version.time_limit_unit)
        if error:
            raise ValidationError(_("The steps' shares do not match the time limit: %(error)s.") % {"error": error})
        if self.instance.agency_id and not version.procedure.allow_agency_override:
            raise ValidationError(_("This procedure does not allow agencies to adapt its process."))


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    formset = StepFormSet
    extra = 0
    autocomplete_fields = ["coordinating_agency"]


@admin.register(ProcessTemplate)
class ProcessTemplateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "version", "agency"]
    search_fields = ["version__procedure__code", "version__name", "agency__name"]
    autocomplete_fields = ["version", "agency"]
    inlines = [ProcessStepInline]

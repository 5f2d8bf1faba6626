"""Import and export of the whole catalogue as JSON, so a province can move its definitions
between environments. An import is checked in full before anything is written: a wrong entry
names the file, the entry and the field, and nothing is imported."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Literal

from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from motcua.agencies.models import Agency
from motcua.core.text import nfc
from motcua.workdays.calendar import Unit

from . import models
from .rules import share_error

FORMAT = "motcua-catalog/1"


class CatalogImportError(Exception):
    """Everything wrong with an import file, one line per problem."""

    def __init__(self, source: str, problems: list[str]):
        self.source, self.problems = source, problems
        super().__init__(f"{source}: " + "; ".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FieldIn(_Strict):
    code: str = Field(min_length=1, max_length=30, pattern=r"^[A-Z0-9_]+$")
    name: str = Field(min_length=1, max_length=200)


class TimeLimitIn(_Strict):
    amount: Decimal = Field(ge=0, max_digits=6, decimal_places=2)
    unit: Unit
    text: str = ""

    @model_validator(mode="after")
    def same_day_is_zero(self):
        if self.unit is Unit.SAME_DAY and self.amount != 0:
            raise ValueError("a same-day procedure has amount 0")
        return self


class FeeIn(_Strict):
    name: str = Field(min_length=1, max_length=300)
    kind: Literal["fee", "charge"]
    channel: Literal["any", "in_person", "online"] = "any"
    amount: int = Field(ge=0)
    effective_from: dt.date
    note: str = ""


class DocumentIn(_Strict):
    name: str = Field(min_length=1)
    form: Literal["original", "copy", "certified_copy", "original_or_certified_copy", "shown"]
    quantity: int = Field(ge=1, le=100, default=1)
    optional: bool = False
    template: str = ""


class FormFieldIn(_Strict):
    """A question of the online form; files written before forms existed simply have none."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,49}$")
    label: str = Field(min_length=1, max_length=300)
    type: Literal["text", "long_text", "number", "date", "choice", "yes_no", "citizen_id", "phone", "email"] = "text"
    required: bool = True
    help_text: str = Field(default="", max_length=500)
    choices: list[str] = []
    min_value: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    max_value: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    max_length: int | None = Field(default=None, ge=1)
    pattern: str = Field(default="", max_length=300)
    pattern_message: str = Field(default="", max_length=300)
    prefill: Literal["", "full_name", "id_number", "birth_date", "address", "phone", "email", "last_answer"] = ""

    @model_validator(mode="after")
    def consistent(self):
        if self.type == "choice" and not self.choices:
            raise ValueError(f"{self.name}: a choice needs choices")
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"{self.name}: not a valid pattern ({exc})") from exc
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValueError(f"{self.name}: the maximum is smaller than the minimum")
        return self


class StepIn(_Strict):
    name: str = Field(min_length=1, max_length=300)
    role: Literal["receptionist", "specialist", "leader", "centre_head"]
    agency: Literal["receiving_centre", "resolving", "coordinating"]
    stage: int = Field(ge=1, le=100)
    share: Decimal = Field(ge=0, max_digits=6, decimal_places=2)
    coordinating_agency: str | None = None
    coordinating_agency_name: str = ""


class VersionIn(_Strict):
    effective_from: dt.date
    name: str = Field(min_length=1, max_length=600)
    level: Literal["province", "commune", "province_commune"]
    resolving_agency: str = Field(min_length=1, max_length=600)
    coordinating_agencies: str = ""
    steps: str = ""
    channels: list[Literal["in_person", "postal", "online"]] = Field(min_length=1)
    applicants: str = Field(min_length=1, max_length=600)
    time_limit: TimeLimitIn
    clock_after_payment: bool = False
    supplement_wait_days: int = Field(default=15, ge=1, le=365)
    fees: list[FeeIn] = []
    documents: list[DocumentIn] = []
    form: list[FormFieldIn] = []
    result: str = Field(min_length=1)
    legal_basis: list[str] = Field(min_length=1)
    online_level: Literal["full", "partial", "none"]
    boundary_free: bool
    process: list[StepIn] = Field(min_length=1)
    agency_processes: dict[str, list[StepIn]] = {}

    @field_validator("form")
    @classmethod
    def distinct_names(cls, form):
        names = [f.name for f in form]
        if len(names) != len(set(names)):
            raise ValueError("two form fields share a name")
        return form

    @model_validator(mode="after")
    def shares_add_up(self):
        for owner, steps in [("process", self.process), *self.agency_processes.items()]:
            error = share_error([(s.stage, s.share) for s in steps], self.time_limit.amount, self.time_limit.unit)
            if error:
                raise ValueError(f"{owner}: {error}")
        return self


class AgenciesIn(_Strict):
    resolving: list[str] = []
    coordinating: list[str] = []


class ProcedureIn(_Strict):
    code: str = Field(pattern=r"^[0-9]\.[0-9]{6}$")
    field: str
    allow_agency_override: bool = False
    versions: list[VersionIn] = Field(min_length=1)
    agencies: AgenciesIn = AgenciesIn()

    @field_validator("versions")
    @classmethod
    def distinct_dates(cls, versions):
        dates = [v.effective_from for v in versions]
        if len(dates) != len(set(dates)):
            raise ValueError("two versions share an effective date")
        return versions


class CatalogIn(_Strict):
    format: Literal["motcua-catalog/1"]
    fields: list[FieldIn]
    procedures: list[ProcedureIn]


def _describe(errors, data) -> list[str]:
    problems = []
    for error in errors:
        loc = list(error["loc"])
        where = []
        node = data
        for part in loc:
            if isinstance(part, int):
                where[-1:] = [f"{where[-1] if where else ''}[{part}]"]
                if isinstance(node, list) and part < len(node):
                    node = node[part]
                    if isinstance(node, dict) and "code" in node and len(where) == 1:
                        where[-1] += f" (code {node['code']})"
            else:
                where.append(str(part))
                node = node.get(part) if isinstance(node, dict) else None
        problems.append(f"{'.'.join(where) or 'file'}: {error['msg']}")
    return problems


def _agencies_named(procedure: ProcedureIn) -> set[str]:
    named = {*procedure.agencies.resolving, *procedure.agencies.coordinating}
    for version in procedure.versions:
        named.update(version.agency_processes)
        for steps in [version.process, *version.agency_processes.values()]:
            named.update(s.coordinating_agency for s in steps if s.coordinating_agency)
    return named


def parse(text: str, source: str = "catalogue") -> CatalogIn:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogImportError(
            source, [f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"]
        ) from exc
    try:
        catalog = CatalogIn.model_validate(data)
    except ValidationError as exc:
        raise CatalogImportError(source, _describe(exc.errors(), data)) from exc
    problems = []
    field_codes = {f.code for f in catalog.fields}
    seen: set[str] = set()
    for index, procedure in enumerate(catalog.procedures):
        where = f"procedures[{index}] (code {procedure.code})"
        if procedure.field not in field_codes and not models.Field.objects.filter(code=procedure.field).exists():
            problems.append(f"{where}.field: unknown field “{procedure.field}”")
        if procedure.code in seen:
            problems.append(f"{where}.code: the procedure appears twice")
        seen.add(procedure.code)
    identifiers = {ident for p in catalog.procedures for ident in _agencies_named(p)}
    known = set(Agency.objects.filter(identifier__in=identifiers).values_list("identifier", flat=True))
    problems += [
        f"procedures[{index}] (code {procedure.code}).agencies: unknown agency “{ident}”"
        for index, procedure in enumerate(catalog.procedures)
        for ident in sorted(_agencies_named(procedure) - known)
    ]
    if problems:
        raise CatalogImportError(source, problems)
    return catalog


@transaction.atomic
def import_catalog(text: str, source: str = "catalogue") -> dict[str, int]:
    """Create or replace every field and procedure of the file; all or nothing."""
    from . import services

    catalog = parse(text, source)
    for field in catalog.fields:
        models.Field.objects.update_or_create(code=field.code, defaults={"name": nfc(field.name)})
    fields = {f.code: f for f in models.Field.objects.all()}
    named = {ident for p in catalog.procedures for ident in _agencies_named(p)}
    agencies = {a.identifier: a for a in Agency.objects.filter(identifier__in=named)}
    counts = {"fields": len(catalog.fields), "procedures": 0, "versions": 0}
    for item in catalog.procedures:
        procedure, _ = models.Procedure.objects.update_or_create(
            code=item.code,
            defaults={"field": fields[item.field], "allow_agency_override": item.allow_agency_override},
        )
        for version_in in item.versions:
            counts["versions"] += 1
            _import_version(procedure, version_in, agencies, services)
        services.refresh_effective_ranges(procedure)
        if item.agencies.resolving or item.agencies.coordinating:
            procedure.assignments.all().delete()
            models.ProcedureAgency.objects.bulk_create(
                [
                    models.ProcedureAgency(procedure=procedure, agency=agencies[ident], role=role)
                    for role, idents in (
                        ("resolving", item.agencies.resolving),
                        ("coordinating", item.agencies.coordinating),
                    )
                    for ident in idents
                ]
            )
        counts["procedures"] += 1
    return counts


def _import_version(procedure, item: VersionIn, agencies, services) -> None:
    version = models.ProcedureVersion.objects.filter(procedure=procedure, effective_from=item.effective_from).first()
    version = version or models.ProcedureVersion(procedure=procedure, effective_from=item.effective_from)
    version.name = nfc(item.name)
    version.level = item.level
    version.resolving_agency = nfc(item.resolving_agency)
    version.coordinating_agencies = nfc(item.coordinating_agencies)
    version.steps = item.steps
    version.channels = list(item.channels)
    version.applicants = nfc(item.applicants)
    version.time_limit_amount = item.time_limit.amount
    version.time_limit_unit = item.time_limit.unit.value
    version.time_limit_text = item.time_limit.text
    version.clock_after_payment = item.clock_after_payment
    version.supplement_wait_days = item.supplement_wait_days
    version.result = item.result
    version.legal_basis = [nfc(x) for x in item.legal_basis]
    version.online_level = item.online_level
    version.boundary_free = item.boundary_free
    version.search_text = services.search_text_for(version, procedure.field.name)
    version.full_clean(exclude=["procedure"])
    version.save()
    version.documents.all().delete()
    models.RequiredDocument.objects.bulk_create(
        [
            models.RequiredDocument(
                version=version,
                position=i,
                name=nfc(d.name),
                form=d.form,
                quantity=d.quantity,
                optional=d.optional,
                template_name=d.template,
            )
            for i, d in enumerate(item.documents)
        ]
    )
    version.fees.all().delete()
    models.Fee.objects.bulk_create(
        [
            models.Fee(
                version=version,
                name=nfc(f.name),
                kind=f.kind,
                channel=f.channel,
                amount=f.amount,
                effective_from=f.effective_from,
                note=f.note,
            )
            for f in item.fees
        ]
    )
    version.form_fields.all().delete()
    models.FormField.objects.bulk_create(
        [
            models.FormField(
                version=version,
                position=i,
                name=f.name,
                label=nfc(f.label),
                type=f.type,
                required=f.required,
                help_text=nfc(f.help_text),
                choices="\n".join(nfc(c) for c in f.choices),
                min_value=f.min_value,
                max_value=f.max_value,
                max_length=f.max_length,
                pattern=f.pattern,
                pattern_message=nfc(f.pattern_message),
                prefill=f.prefill,
            )
            for i, f in enumerate(item.form)
        ]
    )
    version.processes.all().delete()
    for owner, steps in [(None, item.process), *item.agency_processes.items()]:
        template = models.ProcessTemplate.objects.create(version=version, agency=agencies[owner] if owner else None)
        models.ProcessStep.objects.bulk_create(
            [
                models.ProcessStep(
                    template=template,
                    stage=s.stage,
                    position=i,
                    name=nfc(s.name),
                    role=s.role,
                    agency_role=s.agency,
                    coordinating_agency=agencies.get(s.coordinating_agency) if s.coordinating_agency else None,
                    coordinating_agency_name=nfc(s.coordinating_agency_name),
                    share=s.share,
                )
                for i, s in enumerate(steps)
            ]
        )


def export_catalog() -> dict:
    """The whole catalogue in the import format."""
    procedures = []
    queryset = models.Procedure.objects.select_related("field").prefetch_related(
        "versions__documents",
        "versions__fees",
        "versions__form_fields",
        "versions__processes__steps__coordinating_agency",
        "versions__processes__agency",
        "assignments__agency",
    )
    for procedure in queryset.order_by("code"):
        versions = []
        for v in sorted(procedure.versions.all(), key=lambda v: v.effective_from):
            processes = {p.agency.identifier if p.agency_id else None: p for p in v.processes.all()}
            versions.append(
                {
                    "effective_from": v.effective_from.isoformat(),
                    "name": v.name,
                    "level": v.level,
                    "resolving_agency": v.resolving_agency,
                    "coordinating_agencies": v.coordinating_agencies,
                    "steps": v.steps,
                    "channels": v.channels,
                    "applicants": v.applicants,
                    "time_limit": {
                        "amount": _number(v.time_limit_amount),
                        "unit": v.time_limit_unit,
                        "text": v.time_limit_text,
                    },
                    "clock_after_payment": v.clock_after_payment,
                    "supplement_wait_days": v.supplement_wait_days,
                    "fees": [
                        {
                            "name": f.name,
                            "kind": f.kind,
                            "channel": f.channel,
                            "amount": f.amount,
                            "effective_from": f.effective_from.isoformat(),
                            "note": f.note,
                        }
                        for f in v.fees.all()
                    ],
                    "documents": [
                        {
                            "name": d.name,
                            "form": d.form,
                            "quantity": d.quantity,
                            "optional": d.optional,
                            "template": d.template_name,
                        }
                        for d in v.documents.all()
                    ],
                    "form": [_form_field(f) for f in v.form_fields.all()],
                    "result": v.result,
                    "legal_basis": v.legal_basis,
                    "online_level": v.online_level,
                    "boundary_free": v.boundary_free,
                    "process": _steps(processes.pop(None, None)),
                    "agency_processes": {ident: _steps(p) for ident, p in sorted(processes.items())},
                }
            )
        procedures.append(
            {
                "code": procedure.code,
                "field": procedure.field.code,
                "allow_agency_override": procedure.allow_agency_override,
                "versions": versions,
                "agencies": {
                    role: sorted(a.agency.identifier for a in procedure.assignments.all() if a.role == role)
                    for role in ("resolving", "coordinating")
                },
            }
        )
    return {
        "format": FORMAT,
        "fields": [{"code": f.code, "name": f.name} for f in models.Field.objects.order_by("code")],
        "procedures": procedures,
    }


def _form_field(f: models.FormField) -> dict:
    return {
        "name": f.name,
        "label": f.label,
        "type": f.type,
        "required": f.required,
        "help_text": f.help_text,
        "choices": f.choice_list,
        "min_value": None if f.min_value is None else _number(f.min_value),
        "max_value": None if f.max_value is None else _number(f.max_value),
        "max_length": f.max_length,
        "pattern": f.pattern,
        "pattern_message": f.pattern_message,
        "prefill": f.prefill,
    }


def _steps(template) -> list[dict]:
    if template is None:
        return []
    return [
        {
            "name": s.name,
            "role": s.role,
            "agency": s.agency_role,
            "stage": s.stage,
            "share": str(_number(s.share)),
            "coordinating_agency": s.coordinating_agency.identifier if s.coordinating_agency_id else None,
            "coordinating_agency_name": s.coordinating_agency_name,
        }
        for s in template.steps.all()
    ]


def _number(value: Decimal) -> int | str:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else str(value.normalize())


def import_file(path: str | Path) -> dict[str, int]:
    path = Path(path)
    return import_catalog(path.read_text(encoding="utf-8"), source=path.name)

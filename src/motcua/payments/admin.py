"""Payments in the admin: read-only (every change goes through the services and the finance pages)."""

from django.contrib import admin

from .models import Discrepancy, Invoice, InvoiceLine, Payment, PaymentEvent, ReconciliationRun, Refund


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ["kind", "name", "scheduled_amount", "amount", "exemption_reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly):
    list_display = ["reference", "dossier", "agency", "total", "status", "issued_at", "paid_at"]
    list_filter = ["status"]
    search_fields = ["reference", "dossier__code"]
    list_select_related = ["dossier", "agency"]
    show_full_result_count = False
    inlines = [LineInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ["txn_ref", "gateway", "amount", "status", "applied", "settled_by", "created_at", "paid_at"]
    list_filter = ["gateway", "status", "settled_by"]
    search_fields = ["txn_ref", "gateway_transaction_no", "invoice__reference"]
    show_full_result_count = False


@admin.register(Refund)
class RefundAdmin(ReadOnly):
    list_display = ["payment", "amount", "cause", "status", "by_hand", "requested_at", "finished_at"]
    list_filter = ["status", "cause"]
    show_full_result_count = False


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnly):
    list_display = ["gateway", "day", "status", "ours", "theirs", "matched", "settled", "discrepancies"]


@admin.register(Discrepancy)
class DiscrepancyAdmin(ReadOnly):
    list_display = ["created_at", "gateway", "kind", "txn_ref", "resolution", "resolved_at"]
    list_filter = ["kind", "resolution"]
    search_fields = ["txn_ref"]
    show_full_result_count = False


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnly):
    list_display = ["at", "kind", "source", "gateway", "code", "invoice", "payment"]
    list_filter = ["kind", "source"]
    show_full_result_count = False

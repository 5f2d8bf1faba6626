"""Finance pages of the back office, mounted at /can-bo/tai-chinh/."""

from django.urls import path

from . import backoffice_views as views

app_name = "finance"
urlpatterns = [
    path("", views.summary, name="summary"),
    path("xuat.xlsx", views.export, name="export"),
    path("doi-soat/", views.discrepancies, name="discrepancies"),
    path("doi-soat/<int:pk>/", views.resolve, name="resolve"),
    path("doi-soat/chay/", views.run_reconciliation, name="reconcile"),
    path("doi-soat/truy-van/", views.settle_now, name="settle_now"),
    path("ho-so/", views.find_dossier, name="find_dossier"),
    path("ho-so/<int:dossier_id>/", views.dossier, name="dossier"),
    path("ho-so/<int:dossier_id>/tien-mat/", views.record_cash, name="record_cash"),
    path("ho-so/<int:dossier_id>/mien/", views.exempt, name="exempt"),
    path("thanh-toan/<int:payment_id>/hoan-tien/", views.order_refund, name="order_refund"),
    path("hoan-tien/<int:refund_id>/da-tra/", views.refunded_by_hand, name="refunded_by_hand"),
    path("sao-ke/", views.statement, name="statement"),
]

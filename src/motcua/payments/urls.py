"""Public payment pages, mounted at /thanh-toan/."""

from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("vnpay/ipn/", views.vnpay_ipn, name="vnpay_ipn"),
    path("vnpay/tra-ve/", views.vnpay_return, name="vnpay_return"),
    path("<str:token>/", views.pay, name="pay"),
    path("<str:token>/trang-thai/", views.status, name="status"),
    path("<str:token>/vnpay/", views.start_vnpay, name="start_vnpay"),
    path("<str:token>/bien-lai.pdf", views.receipt, name="receipt"),
]

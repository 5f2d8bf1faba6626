from django.urls import path

from . import views

app_name = "citizens"
urlpatterns = [
    path("", views.account, name="account"),
    path("dang-ky/", views.sign_up, name="sign_up"),
    path("ma-xac-nhan/", views.code, name="code"),
    path("ma-xac-nhan/gui-lai/", views.resend, name="resend"),
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("quen-mat-khau/", views.forgot, name="forgot"),
    path("mat-khau-moi/", views.new_password, name="new_password"),
    path("lien-he/", views.add_contact, name="add_contact"),
    path("to-chuc/", views.organisations, name="organisations"),
    path("to-chuc/<int:pk>/xoa/", views.remove_organisation, name="remove_organisation"),
    path("dinh-danh/", views.identity_start, name="identity_start"),
    path("dinh-danh/ve/", views.identity_return, name="identity_return"),
    path("dinh-danh/tai-khoan-rieng/", views.identity_separate, name="identity_separate"),
]

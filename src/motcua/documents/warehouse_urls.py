"""The data warehouse (kho dữ liệu), mounted at /kho-du-lieu/."""

from django.urls import path

from . import warehouse_views as views

app_name = "warehouse"
urlpatterns = [
    path("", views.index, name="index"),
    path("giay-to/<int:pk>/", views.download, name="download"),
    path("giay-to/<int:pk>/ban-<int:number>/", views.download, name="download_version"),
    path("ban-so-hoa/<int:pk>/", views.digitized_copy, name="digitized"),
    path("quay-tiep-nhan/", views.counter_offer, name="counter_offer"),
]

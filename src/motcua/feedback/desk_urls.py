"""Back-office addresses of feedback, mounted at /can-bo/phan-anh/."""

from django.urls import path

from . import desk_views as views

app_name = "feedback_desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("nhap/", views.record, name="record"),
    path("hop-thu/", views.boxes, name="boxes"),
    path("<int:pk>/", views.item, name="item"),
    path("<int:pk>/tep/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/<slug:slug>/", views.act, name="act"),
]

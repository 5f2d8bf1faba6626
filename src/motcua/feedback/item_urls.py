"""Portal addresses of feedback, mounted at /phan-anh/."""

from django.urls import path

from . import item_views as views

app_name = "feedback_items"
urlpatterns = [
    path("", views.index, name="index"),
    path("gui/", views.send, name="send"),
    path("hop-thu/<int:centre_id>/", views.box, name="box"),
    path("theo-doi/", views.follow, name="follow"),
    path("theo-doi/<str:code>/", views.follow_item, name="follow_item"),
    path("theo-doi/<str:code>/bo-sung/", views.add_more, name="add_more"),
    path("theo-doi/<str:code>/mo-lai/", views.reopen, name="reopen"),
    path("theo-doi/<str:code>/y-kien/", views.sender_vote, name="sender_vote"),
    path("tra-loi/<int:pk>/", views.answer, name="answer"),
    path("tra-loi/<int:pk>/y-kien/", views.public_vote, name="public_vote"),
]

from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("ho-so/<int:pk>/", views.rate_online, name="rate_online"),
    path("quay/<str:token>/", views.tablet, name="tablet"),
    path("quay/<str:token>/gui/", views.tablet_rate, name="tablet_rate"),
    path("moi/<int:pk>/", views.invite, name="invite"),
]

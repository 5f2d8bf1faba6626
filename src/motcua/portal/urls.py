from django.urls import path

from . import submission, tracking, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.catalogue, name="catalogue"),
    path("thu-tuc/<str:code>/", views.procedure, name="procedure"),
    # -- following dossiers and the public look-up
    path("ho-so/", tracking.my_dossiers, name="my_dossiers"),
    path("ho-so/<int:pk>/", tracking.my_dossier, name="my_dossier"),
    path("ho-so/<int:pk>/dien-bien/", tracking.timeline_fragment, name="my_dossier_timeline"),
    path("ho-so/<int:pk>/bo-sung/", tracking.supplement, name="my_dossier_supplement"),
    path("ho-so/<int:pk>/rut/", tracking.withdraw, name="my_dossier_withdraw"),
    path("ho-so/<int:pk>/mau-<int:number>.pdf", tracking.slip, name="my_dossier_slip"),
    path("ho-so/<int:pk>/ket-qua/<int:document_id>/", tracking.result, name="my_dossier_result"),
    path("tra-cuu/", tracking.lookup, name="lookup"),
    path("tra-cuu/<str:code>/<str:secret>/", tracking.lookup_direct, name="lookup_direct"),
    # -- online submission
    path("nop-ho-so/", submission.draft_list, name="submit_drafts"),
    path("nop-ho-so/bat-dau/<str:code>/", submission.start, name="submit_start"),
    path("nop-ho-so/da-nop/<int:pk>/", submission.done, name="submit_done"),
    path("nop-ho-so/<int:pk>/xoa/", submission.discard, name="submit_discard"),
    path("nop-ho-so/<int:pk>/giay-to/<int:requirement>/", submission.document, name="submit_document"),
    path("nop-ho-so/<int:pk>/<slug:slug>/", submission.step, name="submit_step"),
]

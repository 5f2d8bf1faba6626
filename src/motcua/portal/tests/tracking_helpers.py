"""Helpers of the tracking tests: citizens, and dossiers taken along their workflow."""

import time_machine
from django.contrib.auth import get_user_model

from motcua.citizens.models import Profile
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.services import Upload
from motcua.dossiers.tests.conftest import PDF, at

__all__ = ["PDF", "approve", "ask_supplement", "at", "citizen", "own"]


def citizen(username: str, name: str = "Nguyễn Thị Lan"):
    user = get_user_model().objects.create_user(username, password="mat-khau-dai-123")
    Profile.objects.create(user=user, full_name=name)
    return user


def own(dossier: Dossier, user, **fields) -> Dossier:
    Dossier.objects.filter(pk=dossier.pk).update(owner=user, **fields)
    return Dossier.objects.get(pk=dossier.pk)


def ask_supplement(dossier: Dossier, officers, items=("Bản sao sổ hộ khẩu", "Ảnh chân dung")) -> Dossier:
    with time_machine.travel(at(2026, 1, 12, 10, 0), tick=False):
        return services.request_supplement(
            dossier.pk, officers["specialist"], items=list(items), reasons="Thiếu giấy tờ"
        )


def approve(dossier: Dossier, officers, *, result: bytes | None = None, when=None) -> Dossier:
    """Hand the dossier over step by step until the leader approves it (with an electronic result)."""
    by_role = {"receptionist": officers["receptionist"], "specialist": officers["specialist"]}
    with time_machine.travel(when or at(2026, 1, 13, 9, 0), tick=False):
        for _ in range(10):
            step = DossierStep.objects.filter(dossier=dossier, state="active").order_by("stage").first()
            if step.role == "leader":
                upload = Upload(name="Kết quả", form="original", filename="kq.pdf", content=result) if result else None
                return services.approve(dossier.pk, officers["leader"], result=upload)
            services.complete_step(dossier.pk, by_role[step.role])
    raise AssertionError("the leader's step never came")

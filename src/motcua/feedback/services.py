"""The only writer of ratings: rate a dossier once after its result, and put a dossier on a
counter's tablet for its applicant to rate."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.agencies.models import Role
from motcua.core import clock
from motcua.core.errors import Conflict, Invalid, NotAllowed
from motcua.core.people import full_name
from motcua.core.text import nfc
from motcua.dossiers.models import Dossier, DossierStep, Event
from motcua.dossiers.services import holds_role
from motcua.dossiers.workflow import Status

from .models import CRITERIA, CounterDevice, RatedAgency, RatedOfficer, Rating

# A rating comes after the result: ready or returned (refused and stopped dossiers had a result too).
RATEABLE = frozenset({Status.PROCESSED, Status.RETURNED, Status.REFUSED, Status.STOPPED})
MAX_COMMENT = 2000
# Who may put a dossier on a counter's tablet: the officers who sit at a centre's counters.
COUNTER_ROLES = (Role.RECEPTIONIST, Role.CENTRE_HEAD)


def can_rate(dossier: Dossier) -> bool:
    return Status(dossier.status) in RATEABLE


def clean_scores(scores: Mapping[str, object]) -> dict[str, int | None]:
    """Each criterion 0, 1 or 2, or None when not answered; anything else is refused."""
    unknown = set(scores) - set(CRITERIA)
    if unknown:
        raise Invalid(_("Unknown criterion: %(name)s.") % {"name": ", ".join(sorted(unknown))}, "scores")
    cleaned: dict[str, int | None] = {}
    for name in CRITERIA:
        value = scores.get(name)
        if value in (None, ""):
            cleaned[name] = None
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if number not in (0, 1, 2) or isinstance(value, bool):
            raise Invalid(_("Each criterion is scored 0, 1 or 2."), f"score_{name}")
        cleaned[name] = number
    return cleaned


def handlers(dossier: Dossier) -> tuple[dict[int, str], set[int]]:
    """The officers (id → name) and agencies (ids) who handled the dossier, from its control slip
    and steps: whoever acted on it, finished or was assigned a step, and every agency involved."""
    officers: dict[int, str] = {}
    agencies = {dossier.receiving_agency_id, dossier.resolving_agency_id, dossier.returning_agency_id}
    for actor_id, name, agency_id, to_agency_id in Event.objects.filter(dossier=dossier).values_list(
        "actor_id", "actor_name", "agency_id", "to_agency_id"
    ):
        if actor_id:
            officers.setdefault(actor_id, name)
        agencies.update(a for a in (agency_id, to_agency_id) if a)
    steps = DossierStep.objects.filter(dossier=dossier).exclude(state=DossierStep.State.SKIPPED)
    for step in steps.select_related("finished_by", "assignee"):
        agencies.add(step.agency_id)
        for user in (step.finished_by, step.assignee):
            if user is not None:
                officers.setdefault(user.pk, full_name(user))
    return officers, agencies


@transaction.atomic
def rate(
    dossier_id: int,
    *,
    liked: bool | None,
    scores: Mapping[str, object],
    comment: str = "",
    channel: str = Rating.Channel.ONLINE,
    counter=None,
) -> Rating:
    """The applicant's rating: only after the result, only once, scores 0–2. Stores the officers
    and agencies who handled the dossier so that evaluations are plain sums over ratings."""
    dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
    if dossier is None:
        raise Invalid(_("There is no such dossier."))
    if not can_rate(dossier):
        raise Conflict(_("A dossier can be rated only after its result."))
    if Rating.objects.filter(dossier=dossier).exists():
        raise Conflict(_("This dossier has already been rated. Thank you."))
    if liked is None:
        raise Invalid(_("Choose whether you are satisfied."), "liked")
    if channel not in Rating.Channel.values:
        raise Invalid(_("Unknown channel."), "channel")
    cleaned = clean_scores(scores)
    comment = nfc(comment or "")
    if len(comment) > MAX_COMMENT:
        raise Invalid(_("The comment is too long (at most %(n)s characters).") % {"n": MAX_COMMENT}, "comment")
    answered = [v for v in cleaned.values() if v is not None]
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=dossier,
                liked=bool(liked),
                comment=comment,
                channel=channel,
                counter=counter,
                total=sum(answered),
                answered=len(answered),
                created_at=clock.now(),
                **{f"score_{name}": value for name, value in cleaned.items()},
            )
    except IntegrityError as exc:
        raise Conflict(_("This dossier has already been rated. Thank you.")) from exc
    officers, agencies = handlers(dossier)
    RatedOfficer.objects.bulk_create(
        RatedOfficer(rating=rating, officer_id=pk, name=name) for pk, name in officers.items()
    )
    RatedAgency.objects.bulk_create(RatedAgency(rating=rating, agency_id=pk) for pk in agencies)
    # The tablet that showed it goes back to waiting.
    CounterDevice.objects.filter(dossier=dossier).update(dossier=None, shown_at=None)
    return rating


def devices_for(officer):
    """The counter tablets of the centres where the officer works at a counter."""
    from motcua.agencies.models import Assignment

    centres = Assignment.objects.filter(officer=officer, role__in=COUNTER_ROLES).values("agency_id")
    return CounterDevice.objects.filter(counter__centre__in=centres, counter__is_active=True).select_related("counter")


@transaction.atomic
def invite(device_id: int, dossier: Dossier, officer) -> CounterDevice:
    """Put the dossier on the counter's tablet for its applicant to rate (the officer's "Mời đánh giá")."""
    device = CounterDevice.objects.select_for_update().select_related("counter__centre").filter(pk=device_id).first()
    if device is None:
        raise Invalid(_("Choose your counter."), "device")
    if not holds_role(officer, COUNTER_ROLES, device.counter.centre):
        raise NotAllowed(_("You do not work at this counter's centre."))
    if not can_rate(dossier):
        raise Conflict(_("A dossier can be rated only after its result."))
    if Rating.objects.filter(dossier=dossier).exists():
        raise Conflict(_("This dossier has already been rated. Thank you."))
    device.dossier = dossier
    device.officer = officer
    device.shown_at = clock.now()
    device.save(update_fields=["dossier", "officer", "shown_at"])
    return device


def evaluation(since=None, until=None) -> dict[str, list[dict]]:
    """Per officer and per agency: ratings, satisfied share and the average score of the criteria
    answered (0–2), for the evaluation of officers and units (Circular 01/2018 Art. 13)."""
    from django.db.models import Count, Q, Sum

    ratings = Rating.objects.all()
    if since:
        ratings = ratings.filter(created_at__gte=since)
    if until:
        ratings = ratings.filter(created_at__lt=until)

    def rows(model, *keys):
        found = (
            model.objects.filter(rating__in=ratings)
            .values(*keys)
            .annotate(
                ratings=Count("rating"),
                liked=Count("rating", filter=Q(rating__liked=True)),
                total=Sum("rating__total"),
                answered=Sum("rating__answered"),
            )
            .order_by(keys[-1])
        )
        return [
            {
                **row,
                "liked_share": row["liked"] / row["ratings"] if row["ratings"] else None,
                "average": row["total"] / row["answered"] if row["answered"] else None,
            }
            for row in found
        ]

    return {
        "officers": rows(RatedOfficer, "officer_id", "name"),
        "agencies": rows(RatedAgency, "agency_id", "agency__name"),
    }

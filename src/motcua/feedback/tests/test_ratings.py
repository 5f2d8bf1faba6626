"""Ratings: after the result only, once, scores 0–2; online by the owner and on the counter tablet."""

import pytest
from django.urls import reverse

from motcua.agencies.models import Counter
from motcua.core.errors import Conflict, Invalid
from motcua.feedback import services
from motcua.feedback.models import CounterDevice, RatedAgency, RatedOfficer, Rating
from motcua.portal.tests.tracking_helpers import approve, citizen, own

pytestmark = pytest.mark.django_db
ALL_TWO = dict.fromkeys(("time", "agency_time", "contacts", "organisations", "publicity", "attitude"), 2)


def test_refused_before_result_twice_and_out_of_range(receive, officers):
    dossier = receive()
    with pytest.raises(Conflict):
        services.rate(dossier.pk, liked=True, scores={})
    approve(dossier, officers)
    with pytest.raises(Invalid):
        services.rate(dossier.pk, liked=True, scores={"time": 3})
    with pytest.raises(Invalid):
        services.rate(dossier.pk, liked=True, scores={"time": "-1"})
    with pytest.raises(Invalid):
        services.rate(dossier.pk, liked=True, scores={"speed": 1})
    assert not Rating.objects.exists()
    rating = services.rate(dossier.pk, liked=True, scores=ALL_TWO | {"feedback": "1"}, comment="Tốt")
    assert (rating.total, rating.answered) == (13, 7)
    # Tied to the officers and agencies who handled it.
    officers_rated = set(RatedOfficer.objects.filter(rating=rating).values_list("officer__username", flat=True))
    assert {"tiepnhan", "chuyenvien", "lanhdao"} <= officers_rated
    assert RatedAgency.objects.filter(rating=rating, agency=dossier.resolving_agency).exists()
    with pytest.raises(Conflict):
        services.rate(dossier.pk, liked=False, scores={})


def test_owner_rates_online(client, receive, officers):
    lan = citizen("lan")
    dossier = own(receive(), lan)
    approve(dossier, officers)
    client.force_login(lan)
    page = client.get(reverse("portal:my_dossier", args=[dossier.pk])).content.decode()
    assert 'name="score_attitude"' in page
    bad = client.post(reverse("feedback:rate_online", args=[dossier.pk]), {"score_time": "2"})
    assert bad.status_code == 422 and 'id="rating-error"' in bad.content.decode()
    response = client.post(
        reverse("feedback:rate_online", args=[dossier.pk]), {"liked": "yes", "score_time": "2", "comment": "Nhanh"}
    )
    assert response.status_code == 302
    assert Rating.objects.get(dossier=dossier).channel == "online"


def test_counter_tablet_flow_without_login(client, receive, officers, province):
    dossier = receive()
    approve(dossier, officers)
    counter = Counter.objects.create(centre=province["thanh_sen_centre"], number=1, name="Quầy 1")
    device = CounterDevice.objects.create(counter=counter)
    url = reverse("feedback:tablet", args=[device.token])
    assert "Đang chờ" in client.get(url).content.decode()
    assert client.get(reverse("feedback:tablet", args=["wrong-token"])).status_code == 404
    # The officer of another centre may not use this tablet; the receptionist may.
    with pytest.raises(Exception):  # noqa: B017
        services.invite(device.pk, dossier, officers["other_receptionist"])
    officer_client = client_class_login(officers["receptionist"])
    back_office = officer_client.get(reverse("backoffice:dossier", args=[dossier.pk])).content.decode()
    assert reverse("feedback:invite", args=[dossier.pk]) in back_office
    officer_client.post(reverse("feedback:invite", args=[dossier.pk]), {"device": device.pk})
    shown = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert dossier.code in shown and 'name="liked"' in shown
    sent = client.post(
        reverse("feedback:tablet_rate", args=[device.token]),
        {"dossier": dossier.pk, "liked": "no", "score_attitude": "0", "comment": "Chờ lâu"},
    )
    assert sent.status_code == 302 and sent["Location"] == url
    assert "Cảm ơn" in client.get(url).content.decode()
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.channel, rating.liked, rating.counter) == ("counter", False, counter)
    device.refresh_from_db()
    assert device.dossier is None
    again = client.post(reverse("feedback:tablet_rate", args=[device.token]), {"dossier": dossier.pk, "liked": "yes"})
    assert again.status_code == 409 and Rating.objects.count() == 1


def client_class_login(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_evaluation_per_officer_and_agency(client, receive, officers, admin_user):
    first, second = receive(), receive()
    for dossier in (first, second):
        approve(dossier, officers)
    services.rate(first.pk, liked=True, scores={"attitude": 2, "time": 2})
    services.rate(second.pk, liked=False, scores={"attitude": 0, "time": 1})
    figures = services.evaluation()
    leader = next(r for r in figures["officers"] if r["officer_id"] == officers["leader"].pk)
    assert (leader["ratings"], leader["liked"], leader["average"]) == (2, 1, 5 / 4)
    agency = next(r for r in figures["agencies"] if r["agency_id"] == first.resolving_agency_id)
    assert agency["ratings"] == 2
    client.force_login(admin_user)
    page = client.get(reverse("admin:feedback_rating_evaluation"))
    assert page.status_code == 200 and "Lanhdao" in page.content.decode()

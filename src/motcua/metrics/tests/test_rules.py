"""The index's rules on hand-worked figures (no database)."""

import datetime as dt
from decimal import Decimal

import pytest

from motcua.metrics import rules
from motcua.metrics.rules import Totals

T = dt.timezone(dt.timedelta(hours=7))


def at(day, hour=9):
    return dt.datetime(2026, 3, day, hour, tzinfo=T)


class TestIsLate:
    def test_ended_before_the_appointment_is_on_time(self):
        assert not rules.is_late(due_at=at(10), ended_at=at(9), supplements=0, paused_at=None, at=at(31))

    def test_ended_exactly_at_the_appointment_is_on_time(self):
        assert not rules.is_late(due_at=at(10), ended_at=at(10), supplements=0, paused_at=None, at=at(31))

    def test_ended_after_the_appointment_is_late(self):
        assert rules.is_late(due_at=at(10), ended_at=at(10, 10), supplements=0, paused_at=None, at=at(31))

    def test_a_waiting_time_that_moved_the_appointment_makes_it_on_time(self):
        # Received 2 March, 5 working days → due 9 March; it waited 4–6 March for a supplement (3 days
        # deducted), so the index's appointment is 12 March: ended 11 March is on time.
        assert not rules.is_late(due_at=at(12), ended_at=at(11), supplements=1, paused_at=None, at=at(31))

    def test_two_supplement_requests_are_late_whatever_the_dates(self):
        assert rules.is_late(due_at=at(20), ended_at=at(5), supplements=2, paused_at=None, at=at(31))

    def test_open_past_its_appointment_at_the_period_end_is_late(self):
        assert rules.is_late(due_at=at(20), ended_at=None, supplements=0, paused_at=None, at=at(31, 23))

    def test_open_and_not_yet_due_at_the_period_end_is_on_time(self):
        assert not rules.is_late(due_at=at(31, 23), ended_at=None, supplements=0, paused_at=None, at=at(31, 22))

    def test_ended_after_the_period_end_is_judged_as_open_then(self):
        # Seen at 15 March: not ended yet and not due yet (ends late on 25 March, after the period).
        assert not rules.is_late(due_at=at(20), ended_at=at(25), supplements=0, paused_at=None, at=at(15))

    def test_an_open_supplement_request_counts_as_the_end(self):
        # Asked for a supplement on 8 March, due 10 March, still waiting at the period's end.
        assert not rules.is_late(due_at=at(10), ended_at=None, supplements=1, paused_at=at(8), at=at(31))
        assert rules.is_late(due_at=at(10), ended_at=None, supplements=1, paused_at=at(12), at=at(31))

    def test_no_appointment_yet_is_not_late(self):
        assert not rules.is_late(due_at=None, ended_at=None, supplements=0, paused_at=None, at=at(31))


class TestScore:
    def test_at_or_above_the_threshold_full_points(self):
        assert rules.score(0.5, Decimal(6), Decimal(50)) == Decimal(6)
        assert rules.score(0.93, Decimal(6), Decimal(90)) == Decimal(6)

    def test_below_the_threshold_points_times_rate_over_threshold(self):
        # 6 × 0.30 ÷ 0.50 = 3.60
        assert rules.score(0.30, Decimal(6), Decimal(50)) == Decimal("3.60")
        # 20 × 0.8 = 16 with a 100 % threshold
        assert rules.score(0.8, Decimal(20), Decimal(100)) == Decimal("16.00")
        # 2 × 0.41 ÷ 0.80 = 1.025 → 1.03 (half up)
        assert rules.score(0.41, Decimal(2), Decimal(80)) == Decimal("1.03")

    def test_nothing_to_measure(self):
        assert rules.score(None, Decimal(6), Decimal(100), when_empty="full") == Decimal(6)
        assert rules.score(None, Decimal(6), Decimal(90), when_empty="zero") == Decimal(0)


class TestMeasures:
    def test_on_time_counts_ended_in_the_period_and_open_at_its_end(self):
        # 10 ended (3 late) + 5 open at the end (1 late): (7 + 4) ÷ 15
        t = Totals(ended=10, ended_late=3, open=5, open_late=1)
        m = rules.on_time(t)
        assert (m.numerator, m.denominator) == (11, 15)
        assert m.rate == pytest.approx(11 / 15)

    def test_satisfaction_is_one_minus_late_rate_and_dislike_rate(self):
        # late rate 4/15; disliked 2 of 10 ended: 1 − (4/15 + 2/10) = 1 − 0.4667 = 0.5333
        t = Totals(ended=10, ended_late=3, open=5, open_late=1, ended_disliked=2)
        assert rules.dossier_satisfaction(t).rate == pytest.approx(1 - (4 / 15 + 0.2))

    def test_satisfaction_never_below_zero(self):
        t = Totals(ended=2, ended_late=2, ended_disliked=2)
        assert rules.dossier_satisfaction(t).rate == 0

    def test_satisfaction_without_dossiers_is_not_measured(self):
        assert rules.dossier_satisfaction(Totals()).rate is None

    def test_shares(self):
        t = Totals(received=8, received_online=2, fee_bearing=4, paid_online=1, digitized=6, reused=0)
        assert rules.MEASURES["online_share"](t).rate == 0.25
        assert rules.MEASURES["paid_online"](t).rate == 0.25
        assert rules.MEASURES["digitized"](t).rate == 0.75
        assert rules.MEASURES["reused"](t).rate == 0

    def test_no_fee_bearing_dossier_means_nothing_to_measure(self):
        assert rules.MEASURES["paid_online"](Totals(received=3)).rate is None

    def test_average_resolution_time_is_shown_not_rated(self):
        m = rules.resolution_time(Totals(resolved=4, working_days=10.0))
        assert m.rate is None and m.value == 2.5

    def test_feedback(self):
        t = Totals(feedback_closed=4, feedback_on_time=3, feedback_unsatisfied=2)
        assert rules.MEASURES["feedback_on_time"](t).rate == 0.75
        assert rules.MEASURES["feedback_satisfaction"](t).rate == 0.5

    def test_not_recorded_measures_say_so(self):
        assert rules.MEASURES["dossiers_synced"](Totals(received=5)).measured is False

    def test_totals_add_up(self):
        assert (Totals(received=1, open=2) + Totals(received=3)).received == 4


class TestMonths:
    def test_months_of_a_quarter(self):
        assert rules.months(dt.date(2026, 4, 15), dt.date(2026, 6, 1)) == [
            dt.date(2026, 4, 1),
            dt.date(2026, 5, 1),
            dt.date(2026, 6, 1),
        ]

    def test_december_to_january(self):
        assert rules.next_month(dt.date(2025, 12, 1)) == dt.date(2026, 1, 1)


class TestAdvance:
    now = dt.datetime(2026, 3, 1, 9, tzinfo=T)
    grace = dt.timedelta(seconds=30)

    def test_consecutive_ids_move_to_the_last(self):
        assert rules.advance(10, [11, 12, 13], None, self.now, self.grace) == (13, None)

    def test_a_gap_holds_the_position_before_it(self):
        assert rules.advance(10, [11, 13, 14], None, self.now, self.grace) == (11, self.now)

    def test_a_gap_still_young_keeps_waiting(self):
        seen = self.now - dt.timedelta(seconds=10)
        assert rules.advance(11, [13, 14], seen, self.now, self.grace) == (11, seen)

    def test_an_old_gap_is_passed(self):
        seen = self.now - dt.timedelta(seconds=31)
        assert rules.advance(11, [13, 14], seen, self.now, self.grace) == (14, None)

    def test_past_an_old_gap_a_second_gap_waits_anew(self):
        seen = self.now - dt.timedelta(seconds=31)
        assert rules.advance(11, [13, 14, 16], seen, self.now, self.grace) == (14, self.now)

    def test_nothing_new(self):
        assert rules.advance(10, [], None, self.now, self.grace) == (10, None)

"""Campaign stats: every number checked against hand-computed expectations (tests/reportdata)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from bot.campaign import Campaign
from bot.stats import (
    CampaignStats,
    DayTally,
    GroupTally,
    LetterTally,
    Referrer,
    campaign_stats,
    format_stats_text,
)
from bot.store import Store
from bot.store.reports import FORGOTTEN
from tests.reportdata import CAMPAIGN, TODAY, Seeded, add_letter, at, seed


@pytest.fixture
def tiny(make_campaign: Callable[..., Campaign]) -> Campaign:
    return make_campaign(
        campaign_id=CAMPAIGN,
        demands=("alpha", "beta", "gamma"),
        targets={"mayor": ["alpha", "beta"], "council": ["gamma"]},
    )


@pytest.fixture
def seeded(tmp_store: Store) -> Seeded:
    return seed(tmp_store)


@pytest.fixture
def stats(tmp_store: Store, seeded: Seeded, tiny: Campaign) -> CampaignStats:
    return tmp_store.call(campaign_stats, tiny, TODAY)


def test_totals(stats: CampaignStats) -> None:
    t = stats.totals
    assert (t.supporters, t.writers, t.drafted, t.sent) == (5, 4, 6, 5)
    assert t.share_sent == pytest.approx(5 / 6)
    assert (t.opted_in, t.blocked, t.referred) == (2, 1, 3)  # s2 opted in but blocked
    assert stats.campaign_id == CAMPAIGN and stats.today == TODAY


def test_targets_in_campaign_order_then_unknown_ids(stats: CampaignStats) -> None:
    assert stats.by_target == (
        LetterTally("mayor", "Office mayor", 4, 4),
        LetterTally("council", "Office council", 1, 0),
        LetterTally("ghost", "ghost", 1, 1),
    )


def test_demands_counted_through_letter_demand(stats: CampaignStats) -> None:
    assert stats.by_demand == (
        LetterTally("alpha", "Demand alpha", 3, 3),
        LetterTally("beta", "Demand beta", 2, 2),
        LetterTally("gamma", "Demand gamma", 1, 0),
        LetterTally("zeta", "zeta", 1, 1),
    )


def test_states_funnel(stats: CampaignStats) -> None:
    assert stats.by_state == (
        GroupTally("CA", "CA", supporters=2, writers=2, drafted=3, sent=2),
        GroupTally("NY", "NY", supporters=2, writers=1, drafted=1, sent=1),
        GroupTally(None, "unknown", supporters=1, writers=1, drafted=1, sent=1),
        GroupTally(FORGOTTEN, FORGOTTEN, supporters=0, writers=0, drafted=1, sent=1),
    )


def test_sources_with_null_as_direct(stats: CampaignStats) -> None:
    assert stats.by_source == (
        GroupTally("radio", "radio", supporters=2, writers=2, drafted=2, sent=2),
        GroupTally(None, "direct", supporters=2, writers=1, drafted=2, sent=1),
        GroupTally("referral", "referral", supporters=1, writers=1, drafted=1, sent=1),
        GroupTally(FORGOTTEN, FORGOTTEN, supporters=0, writers=0, drafted=1, sent=1),
    )


def test_thirty_days_zero_filled(stats: CampaignStats) -> None:
    days = stats.by_day
    assert len(days) == 30
    assert days[0].day == date(2024, 6, 1) and days[-1].day == TODAY
    assert [d.day for d in days] == [date(2024, 6, 1) + timedelta(n) for n in range(30)]
    busy = {d.day.day: (d.drafted, d.sent) for d in days if d.drafted or d.sent}
    # L4 drafted 05-31 (outside) but sent 06-01 (inside); L5 sent 07-01, after "today".
    assert busy == {
        1: (1, 1),
        2: (0, 1),
        15: (1, 0),
        20: (1, 0),
        21: (0, 1),
        29: (1, 0),
        30: (1, 1),
    }
    assert DayTally(date(2024, 6, 10), 0, 0) in days


def test_top_referrers_are_pseudonymous(stats: CampaignStats, seeded: Seeded) -> None:
    assert stats.top_referrers == (
        Referrer(seeded.public_ids["s1"], 2),
        Referrer(seeded.public_ids["s2"], 1),
    )


def test_median_even_count_averages_the_middle_two(stats: CampaignStats) -> None:
    # Scores 0.1 0.2 0.3 | 0.5 0.7 0.9 -> (0.3 + 0.5) / 2; campaign "other"'s 0.6 is ignored.
    assert stats.median_score == pytest.approx(0.4)


def test_median_odd_count_and_none_without_letters(tmp_store: Store, tiny: Campaign) -> None:
    assert tmp_store.call(campaign_stats, tiny, TODAY).median_score is None
    with tmp_store.transaction() as repo:
        for score in (0.9, 0.2, 0.4):
            add_letter(repo, None, "mayor", ["alpha"], at(6, 1), score=score)
    stats = tmp_store.call(campaign_stats, tiny, TODAY)
    assert stats.median_score == pytest.approx(0.4)
    assert stats.totals.share_sent == 0


def test_empty_database(tmp_store: Store, tiny: Campaign) -> None:
    stats = tmp_store.call(campaign_stats, tiny, TODAY)
    assert stats.totals.drafted == 0 and stats.totals.share_sent is None
    assert [t.drafted for t in stats.by_target] == [0, 0]  # campaign targets still listed
    assert len(stats.by_day) == 30 and stats.by_source == () and stats.top_referrers == ()
    assert "n/a" in format_stats_text(stats)


def test_default_today_is_utc_today(tmp_store: Store, tiny: Campaign) -> None:
    from datetime import UTC, datetime

    stats = tmp_store.call(campaign_stats, tiny)
    assert stats.today == datetime.now(UTC).date()


def test_text_shows_the_same_numbers(stats: CampaignStats, seeded: Seeded) -> None:
    text = format_stats_text(stats)
    assert "A tiny test campaign (tiny), as of 2024-06-30 (UTC)" in text
    assert "83%" in text  # share sent
    assert "40%" in text  # median personalization
    assert "Office mayor [mayor]" in text and "ghost" in text
    assert "direct" in text and seeded.public_ids["s1"] in text
    assert "2024-06-10" in text  # zero days are printed too
    assert str(seeded.telegram_ids["s1"]) not in text


def test_stats_run_a_fixed_number_of_queries(
    tmp_store: Store, seeded: Seeded, tiny: Campaign
) -> None:
    """Aggregation happens in SQL: more letters must not mean more queries."""
    statements: list[str] = []
    event.listen(
        tmp_store.engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_rest: statements.append(statement),
    )
    tmp_store.call(campaign_stats, tiny, TODAY)
    before = len(statements)
    with tmp_store.transaction() as repo:
        for day in range(1, 29):
            add_letter(repo, None, "mayor", ["alpha", "beta"], at(6, day), at(6, day), 0.5)
    statements.clear()
    tmp_store.call(campaign_stats, tiny, TODAY)
    assert len(statements) == before
    assert any("GROUP BY" in s for s in statements)
    assert any("OFFSET" in s for s in statements)  # the median


def test_stats_queries_scan_rather_than_walk_an_index(tmp_store: Store) -> None:
    """On SQLite the campaign filter is `+campaign_id`: a full-campaign read is a scan, never
    a walk down the campaign_id index with a table lookup per letter."""
    from sqlalchemy import select

    from bot.store.models import Letter
    from bot.store.reports import unindexed

    query = select(Letter.id, Letter.sent_at).where(unindexed(Letter.campaign_id) == "x")
    with tmp_store.engine.connect() as connection:
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(query.compile(tmp_store.engine)), ("x",)
        ).all()
    assert "SCAN letter" in str(plan) and "campaign_id=?" not in str(plan)

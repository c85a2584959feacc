"""Campaign stats: every number checked against hand-computed expectations (tests/reports/data)."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from bot.campaign import Campaign, load_campaign
from bot.letters.score import MEANING
from bot.reports.by_recipient import RecipientTally
from bot.reports.stats import (
    CampaignStats,
    DayTally,
    GroupTally,
    LetterTally,
    Referrer,
    campaign_stats,
)
from bot.reports.stats_text import format_stats_text
from bot.store import Store, stats_queries
from bot.store.models import Legislator
from bot.store.reports import FORGOTTEN
from bot.telegram.render import MAX_MESSAGE, fits_message, render, visible_length
from tests.reports.data import (
    CAMPAIGN,
    OTHER,
    TODAY,
    Seeded,
    add_letter,
    add_supporter,
    at,
    congress_campaign_toml,
    import_legislators,
    seed,
    seed_congress,
    seed_congress_then_drop,
    take_part,
    tiny_campaign_toml,
)

SENTENCE = (
    "Personalization: the share of a letter's five-word phrases that the templates would not "
    "write on their own (phrases not in the template letter and with a word it never uses), so "
    "a form letter scores 0%, reordered or shuffled."
)


@pytest.fixture
def tiny(tmp_path: Path) -> Campaign:
    path = tmp_path / f"{CAMPAIGN}.toml"
    path.write_text(tiny_campaign_toml(), encoding="utf-8")
    return load_campaign(path)


@pytest.fixture
def other(tmp_path: Path) -> Campaign:
    """The seed's second campaign, with the same offices and demands."""
    path = tmp_path / f"{OTHER}.toml"
    path.write_text(tiny_campaign_toml(OTHER), encoding="utf-8")
    return load_campaign(path)


@pytest.fixture
def congress(tmp_path: Path) -> Campaign:
    """The tiny campaign with lookups of each supporter's senators and representative."""
    path = tmp_path / "congress.toml"
    path.write_text(congress_campaign_toml(), encoding="utf-8")
    return load_campaign(path)


@pytest.fixture
def seeded(tmp_store: Store) -> Seeded:
    return seed(tmp_store)


@pytest.fixture
def stats(tmp_store: Store, seeded: Seeded, tiny: Campaign) -> CampaignStats:
    return tmp_store.call(campaign_stats, tiny, TODAY)


def test_totals(stats: CampaignStats) -> None:
    t = stats.totals
    # s6 takes part in "other" only; s5 opted in to "other" only; s1 referred s6 to "other".
    assert (t.supporters, t.writers, t.drafted, t.sent) == (5, 4, 6, 5)
    assert t.share_sent == pytest.approx(5 / 6)
    assert (t.opted_in, t.blocked, t.referred) == (2, 1, 3)  # s2 opted in but blocked
    assert stats.campaign_id == CAMPAIGN and stats.today == TODAY


def test_each_campaign_counts_its_own_participants(
    tmp_store: Store, seeded: Seeded, other: Campaign
) -> None:
    """ "other" has s4, s5 and s6, with the sources, referrals and opt-ins they have there."""
    stats = tmp_store.call(campaign_stats, other, TODAY)
    t = stats.totals
    assert (t.supporters, t.writers, t.drafted, t.sent) == (3, 2, 2, 1)
    assert (t.opted_in, t.blocked, t.referred) == (2, 0, 1)  # s5 and s6; s6 by s1
    assert stats.top_referrers == (Referrer(seeded.public_ids["s1"], 1),)
    assert stats.by_source == (
        GroupTally("podcast", "podcast", supporters=1, writers=1, drafted=1, sent=1),
        GroupTally("poster", "poster", supporters=1, writers=1, drafted=1, sent=0),
        GroupTally("flyer", "flyer", supporters=1, writers=0, drafted=0, sent=0),
    )


def test_a_supporter_of_two_campaigns_has_each_ones_source(
    tmp_store: Store, seeded: Seeded
) -> None:
    """s4 (no state) came to "tiny" from the radio and to "other" from a podcast."""

    def stateless_sources(campaign_id: str) -> set[str | None]:
        rows = tmp_store.call(stats_queries.writer_counts, campaign_id)
        return {row.source for row in rows if row.state is None and not row.forgotten}

    assert stateless_sources(CAMPAIGN) == {"radio"}
    assert stateless_sources(OTHER) == {"podcast"}


def test_a_writer_without_a_part_in_the_campaign_has_no_source(
    tmp_store: Store, tiny: Campaign
) -> None:
    """Letters count even from a supporter with no Participation row in their campaign: as
    writers without a source, not as the campaign's supporters."""
    with tmp_store.transaction() as repo:
        outsider = add_supporter(repo, 1, state="CA", public_id="pub-1", campaign_id=None)
        take_part(repo, outsider, OTHER, source="poster")
        add_letter(repo, outsider, "mayor", ["alpha"], at(6, 1))
    stats = tmp_store.call(campaign_stats, tiny, TODAY)
    assert (stats.totals.supporters, stats.totals.writers) == (0, 1)
    assert stats.by_source == (GroupTally(None, "direct", 0, 1, 1, 0),)


def office(key: str, drafted: int, sent: int) -> RecipientTally:
    return RecipientTally(key, f"Office {key}", f"Head of {key}", None, "office", drafted, sent)


def test_targets_in_campaign_order_then_unknown_ids(stats: CampaignStats) -> None:
    assert stats.by_target == (
        office("mayor", 4, 4),
        office("council", 1, 0),
        RecipientTally("ghost", "ghost", "", None, "office", 1, 1),
    )
    # Without letters to Congress nor lookups of members, the grouping is the offices alone.
    assert stats.by_kind == stats.by_target and stats.members == ()


def test_members_named_from_the_legislator_table(
    tmp_store: Store, tmp_path: Path, congress: Campaign
) -> None:
    import_legislators(tmp_store, tmp_path)
    seed_congress(tmp_store)
    statements = count_statements(tmp_store)
    stats = tmp_store.call(campaign_stats, congress, TODAY)
    # Offices first, in campaign order; then members, most letters (then sent), then by label.
    assert stats.by_target == (
        office("mayor", 1, 1),
        office("council", 0, 0),
        RecipientTally("a000001", "Sen. Alice Aldrich (D, VT)", "Senator", "VT", "senate", 2, 1),
        RecipientTally(
            "z000099", "Former member Z000099", "Former member of Congress", None, "former", 1, 1
        ),
        RecipientTally("h000008", "Sen. Hana Hughes (D, AZ)", "Senator", "AZ", "senate", 1, 1),
        RecipientTally("d000004", "Del. Dana Dupont (D, DC)", "Delegate", "DC", "house", 1, 0),
        RecipientTally(
            "c000003",
            "Rep. Carmen Castillo (D, VT at-large)",
            "Representative",
            "VT",
            "house",
            1,
            0,
        ),
    )
    assert stats.members == stats.by_target[2:]
    assert [(k.label, k.drafted, k.sent) for k in stats.by_kind] == [
        ("Office mayor", 1, 1),
        ("Office council", 0, 0),
        ("Senators (all)", 3, 2),
        ("Representatives (all)", 2, 0),  # the DC delegate sits in the House
        ("Former members (all)", 1, 1),
    ]
    legislator_queries = [s for s in statements if "FROM legislator" in s]
    assert len(legislator_queries) == 1  # one query for every member, none per row


def test_a_member_who_left_congress_is_still_named(
    tmp_store: Store, tmp_path: Path, congress: Campaign
) -> None:
    """The letter was written while Senator Aldrich was in the table; an import dropped her."""
    seed_congress_then_drop(tmp_store, tmp_path, "A000001")
    stats = tmp_store.call(campaign_stats, congress, TODAY)
    gone = next(t for t in stats.by_target if t.key == "a000001")
    assert gone == RecipientTally(
        "a000001", "Former member A000001", "Former member of Congress", None, "former", 2, 1
    )
    kinds = {k.label: (k.drafted, k.sent) for k in stats.by_kind}
    assert kinds["Senators (all)"] == (1, 1) and kinds["Former members (all)"] == (3, 2)
    text = format_stats_text(stats)
    assert "Former member A000001" in text and "a000001" not in text


def test_looked_up_kinds_are_listed_at_zero(tmp_store: Store, congress: Campaign) -> None:
    stats = tmp_store.call(campaign_stats, congress, TODAY)
    assert [(k.key, k.label, k.drafted) for k in stats.by_kind] == [
        ("mayor", "Office mayor", 0),
        ("council", "Office council", 0),
        ("(senate)", "Senators (all)", 0),
        ("(house)", "Representatives (all)", 0),
    ]
    assert stats.members == ()


def test_a_campaign_office_keeps_its_label_even_with_a_bioguide_like_id(
    tmp_store: Store, tmp_path: Path, make_campaign: Callable[..., Campaign]
) -> None:
    campaign = make_campaign(
        campaign_id=CAMPAIGN, demands=("alpha",), targets={"a000001": ["alpha"]}
    )
    import_legislators(tmp_store, tmp_path)
    with tmp_store.transaction() as repo:
        add_letter(repo, None, "a000001", ["alpha"], at(6, 1))
    stats = tmp_store.call(campaign_stats, campaign, TODAY)
    assert stats.by_target == (office("a000001", 1, 0),) and stats.members == ()


def test_a_letter_counts_for_each_of_its_demands(stats: CampaignStats) -> None:
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
    # Per supporter: s1 (0.5 + 0.1) / 2 = 0.3, s3 0.3 | s4 0.7, s2 0.9 -> (0.3 + 0.7) / 2.
    # The forgotten letter (0.2) has no supporter; campaign "other"'s 0.6 is ignored.
    assert stats.median_supporter_score == pytest.approx(0.5)


def test_median_is_per_supporter_not_per_letter(tmp_store: Store, tiny: Campaign) -> None:
    """Five letters at 0.9 from one supporter count once: the letters' median would be 0.9."""
    with tmp_store.transaction() as repo:
        prolific = add_supporter(repo, 1, public_id="pub-1")
        for n in range(5):
            add_letter(repo, prolific, "mayor", ["alpha"], at(6, 1 + n), score=0.9)
        add_letter(
            repo, add_supporter(repo, 2, public_id="pub-2"), "mayor", [], at(6, 1), None, 0.1
        )
        add_letter(
            repo, add_supporter(repo, 3, public_id="pub-3"), "mayor", [], at(6, 1), None, 0.2
        )
    stats = tmp_store.call(campaign_stats, tiny, TODAY)
    assert stats.median_supporter_score == pytest.approx(0.2)


def test_median_averages_each_supporter_first(tmp_store: Store, tiny: Campaign) -> None:
    with tmp_store.transaction() as repo:
        one = add_supporter(repo, 1, public_id="pub-1")
        add_letter(repo, one, "mayor", ["alpha"], at(6, 1), score=1.0)
        add_letter(repo, one, "council", ["gamma"], at(6, 1), score=0.0)  # mean 0.5
        add_letter(
            repo, add_supporter(repo, 2, public_id="pub-2"), "mayor", [], at(6, 1), None, 0.8
        )
    # Two supporters: (0.5 + 0.8) / 2, whatever the letters' own median (0.8) says.
    assert tmp_store.call(campaign_stats, tiny, TODAY).median_supporter_score == pytest.approx(0.65)


def test_median_odd_count_and_none_without_writers(tmp_store: Store, tiny: Campaign) -> None:
    assert tmp_store.call(campaign_stats, tiny, TODAY).median_supporter_score is None
    with tmp_store.transaction() as repo:
        add_letter(repo, None, "mayor", ["alpha"], at(6, 1), score=0.7)  # forgotten: no one
    assert tmp_store.call(campaign_stats, tiny, TODAY).median_supporter_score is None
    with tmp_store.transaction() as repo:
        for n, score in enumerate((0.9, 0.2, 0.4)):
            supporter = add_supporter(repo, 10 + n, public_id=f"pub-{n}")
            add_letter(repo, supporter, "mayor", ["alpha"], at(6, 1), score=score)
    stats = tmp_store.call(campaign_stats, tiny, TODAY)
    assert stats.median_supporter_score == pytest.approx(0.4)
    assert stats.totals.share_sent == 0


def test_empty_database(tmp_store: Store, tiny: Campaign) -> None:
    stats = tmp_store.call(campaign_stats, tiny, TODAY)
    assert stats.totals.drafted == 0 and stats.totals.share_sent is None
    assert [t.drafted for t in stats.by_target] == [0, 0]  # campaign targets still listed
    assert [t.drafted for t in stats.by_kind] == [0, 0]
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
    assert "  median personalization (per supporter)    50%\n" in text
    assert MEANING == SENTENCE and SENTENCE in text
    assert "Office mayor [mayor]" in text and "ghost" in text
    assert "Members of Congress" not in text  # none written to, none looked up
    assert "direct" in text and seeded.public_ids["s1"] in text
    assert "2024-06-10" in text  # zero days are printed too
    assert str(seeded.telegram_ids["s1"]) not in text


def test_text_groups_congress_then_lists_every_member(
    tmp_store: Store, tmp_path: Path, congress: Campaign
) -> None:
    import_legislators(tmp_store, tmp_path)
    seed_congress(tmp_store)
    text = format_stats_text(tmp_store.call(campaign_stats, congress, TODAY))
    by_recipient = text.split("By recipient\n")[1].split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in by_recipient[1:]] == [
        "Office",
        "Office",
        "Senators",
        "Representatives",
        "Former",
    ]
    assert by_recipient[3].split() == ["Senators", "(all)", "3", "2"]
    members = text.split("Members of Congress\n")[1].split("\n\n")[0].splitlines()
    assert members[0].split() == ["office", "state", "drafted", "sent"]
    assert members[1].split() == [
        "Sen.",
        "Alice",
        "Aldrich",
        "(D,",
        "VT)",
        "Senator",
        "VT",
        "2",
        "1",
    ]
    assert members[-1].startswith("  Rep. Carmen Castillo (D, VT at-large)  Representative  ")
    assert len(members) == 1 + 5 and "c000003" not in text
    assert "  median personalization (per supporter)    50%\n" in text


def count_statements(store: Store) -> list[str]:
    """The SQL statements the store runs from now on (the list fills as they run)."""
    statements: list[str] = []
    event.listen(
        store.engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_rest: statements.append(statement),
    )
    return statements


def test_stats_run_a_fixed_number_of_queries(
    tmp_store: Store, seeded: Seeded, tiny: Campaign
) -> None:
    """Aggregation happens in SQL: more letters, or letters to more members, must not mean
    more queries."""
    statements = count_statements(tmp_store)
    with tmp_store.transaction() as repo:
        add_letter(repo, None, "a000001", ["alpha"], at(6, 1))
    statements.clear()
    tmp_store.call(campaign_stats, tiny, TODAY)
    before = len(statements)
    with tmp_store.transaction() as repo:
        for day in range(1, 29):
            add_letter(repo, None, "mayor", ["alpha", "beta"], at(6, day), at(6, day), 0.5)
            add_letter(repo, None, f"b{day:06d}", ["alpha"], at(6, day), None, 0.5)
    statements.clear()
    tmp_store.call(campaign_stats, tiny, TODAY)
    assert len(statements) == before
    assert any("GROUP BY" in s for s in statements)
    assert any("OFFSET" in s for s in statements)  # the median


# /stats in Telegram
def test_stats_message_explains_the_score(stats: CampaignStats) -> None:
    text = render("stats", stats=stats)
    assert SENTENCE in html.unescape(text)
    assert "Median personalization (per supporter)</b>: 50%" in text
    assert "Median personalization (per supporter): 50%." in render("stats_caption", stats=stats)


def test_stats_message_groups_congress_and_shows_top_members(
    tmp_store: Store, tmp_path: Path, congress: Campaign
) -> None:
    import_legislators(tmp_store, tmp_path)
    seed_congress(tmp_store)
    text = render("stats", stats=tmp_store.call(campaign_stats, congress, TODAY))
    assert "• Office mayor: 1 / 1\n• Office council: 0 / 0\n• Senators (all): 3 / 2\n" in text
    assert "• Representatives (all): 2 / 0\n• Former members (all): 1 / 1\n" in text
    assert "<b>Members of Congress</b>" in text
    assert "• Sen. Alice Aldrich (D, VT): 2 / 1\n• Former member Z000099: 1 / 1" in text
    assert "a000001" not in text


MEMBERS = 200


def test_stats_message_fits_telegram_with_200_members(tmp_store: Store, congress: Campaign) -> None:
    """200 members, 50 states, 60 sources of the longest length, 12 referrers: the message
    still fits in one Telegram message, with the top members only."""
    states = [f"{chr(65 + n // 26)}{chr(65 + n % 26)}" for n in range(50)]
    with tmp_store.transaction() as repo:
        for n in range(MEMBERS):
            repo.session.add(
                Legislator(
                    bioguide_id=f"W{n:06d}",
                    first_name="Alexandria",
                    last_name=f"Bartholomew-Worthington{n}",
                    official_full=f"Alexandria Q. Bartholomew-Worthington{n}, Jr.",
                    chamber="sen" if n < 100 else "rep",
                    state="CA",
                    district=None if n < 100 else n - 99,
                    party="Democrat",
                )
            )
        writers = []
        for n in range(60):
            source = f"newsletter-{n:02d}-" + "x" * 50  # 64 characters, the longest allowed
            supporter = add_supporter(
                repo, 1000 + n, state=states[n % 50], source=source, public_id=f"pub-{n:02d}"
            )
            for member in range(n, MEMBERS, 60):
                add_letter(repo, supporter, f"w{member:06d}", ["alpha"], at(6, 1 + n % 28))
            add_letter(repo, supporter, "mayor", ["alpha"], at(6, 29), at(6, 30), 0.5)
            writers.append(supporter)
        for n, referrer in enumerate(writers[:12]):  # the top ten are shown
            for m in range(n + 1):
                telegram_id = 5000 + 100 * n + m
                add_supporter(repo, telegram_id, referrer=referrer, public_id=f"r-{telegram_id}")
    stats = tmp_store.call(campaign_stats, congress, TODAY)
    assert len(stats.members) == MEMBERS and len(stats.by_source) > 15
    text = render("stats", stats=stats)
    assert visible_length(text) < MAX_MESSAGE and fits_message(text)
    assert "• … and 190 more (see /export)" in text
    assert "Senators (all): 100 / 0" in text and "Representatives (all): 100 / 0" in text
    assert SENTENCE in html.unescape(text)

"""Campaign data for the stats and export tests, written through the real tables.

`seed(store)` builds one small campaign whose every aggregate is worked out by hand in the
comments below, so the tests compare with numbers a person checked, not with the code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from string import ascii_lowercase

from bot.officials.datasets import import_files
from bot.store import Letter, Repo, Store, Supporter, participation
from bot.store.models import Participation
from tests.support import FIXTURES_DIR, campaign_toml

CAMPAIGN = "tiny"
OTHER = "other"
TODAY = date(2024, 6, 30)
ARMENIAN = "Անի Հակոբյան"
LEGISLATORS = FIXTURES_DIR / "officials" / "legislators-small.json"
LOOKUPS = """
[[lookups]]
id = "senators"
label = "Your senators"
lookup = "senators"
demands = ["alpha"]

[[lookups]]
id = "representative"
label = "Your representative"
lookup = "representative"
demands = ["alpha"]
"""


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=UTC)


def add_supporter(
    repo: Repo,
    telegram_id: int,
    *,
    state: str | None = None,
    source: str | None = None,
    referrer: Supporter | None = None,
    opted_in: bool = False,
    blocked: bool = False,
    name: str | None = None,
    joined: datetime | None = None,
    public_id: str | None = None,
    campaign_id: str | None = CAMPAIGN,
) -> Supporter:
    """A supporter who took part in `campaign_id` (None: in no campaign) with this source,
    referrer and opt-in; `take_part` adds their part in more campaigns."""
    supporter = Supporter(
        telegram_id=telegram_id,
        display_name=name,
        signing_name=name,
        state=state,
        blocked=blocked,
        created_at=joined or at(5, 1),
    )
    # Fixed, so no random pseudonym starts with "-" (which CSV would show as "'-...").
    supporter.public_id = public_id or f"pub-{ascii_lowercase[telegram_id % 26]}"
    repo.add_supporter(supporter)
    repo.session.flush()
    if campaign_id is not None:
        take_part(
            repo,
            supporter,
            campaign_id,
            source=source,
            referrer=referrer,
            opted_in=opted_in,
            joined=joined,
        )
    return supporter


def take_part(
    repo: Repo,
    supporter: Supporter,
    campaign_id: str,
    *,
    source: str | None = None,
    referrer: Supporter | None = None,
    opted_in: bool = False,
    joined: datetime | None = None,
) -> Participation:
    """The supporter's Participation row in the campaign, as the bot's join makes it."""
    assert supporter.id is not None
    referrer_id = referrer.id if referrer else None
    row, _ = participation.join(repo, supporter.id, campaign_id, source, referrer_id)
    row.opted_in = opted_in
    row.joined_at = joined or at(5, 1)
    repo.session.flush()
    return row


def add_letter(
    repo: Repo,
    supporter: Supporter | None,
    target: str,
    demands: Sequence[str],
    created: datetime,
    sent: datetime | None = None,
    score: float = 0.0,
    campaign_id: str = CAMPAIGN,
    body: str = "Dear office, please act.",
) -> Letter:
    """A letter and its LetterDemand rows (Repo.add_letter writes both)."""
    return repo.add_letter(
        Letter(
            campaign_id=campaign_id,
            supporter_id=supporter.id if supporter else None,
            target_id=target,
            demands=",".join(demands),
            variant="standard/a",
            body=body,
            score=score,
            created_at=created,
            sent_at=sent,
            outcome="sent" if sent else None,
        )
    )


@dataclass(frozen=True)
class Seeded:
    public_ids: dict[str, str]  # s1..s6 -> public id
    telegram_ids: dict[str, int]


def seed(store: Store) -> Seeded:
    """Six supporters and eight letters (two in another campaign, one of a forgotten one).

    Supporters of campaign "tiny" (state, source, referrer, updates, joined):
      s1 CA, direct,   -,  opted in          s2 CA, radio, s1, opted in but blocked
      s3 NY, referral, s1                    s4 --, radio, s2, opted in, 06-20
      s5 NY, direct,   -   (no letters), 06-25
    Supporters of campaign "other", never counted in "tiny"'s stats or exports:
      s4 podcast, -, not opted in, 06-20     s5 poster, -, opted in, 06-26
      s6 CA, flyer, s1, opted in, 06-26      (s6 takes no part in "tiny")
    Letters of campaign "tiny" (target, demands, created, sent, score):
      L1 s1 mayor   alpha,beta 06-30 06-30 0.5    L2 s1 council gamma 06-29 -     0.1
      L3 s2 mayor   alpha      06-01 06-02 0.9    L4 s3 ghost   zeta  05-31 06-01 0.3
      L5 s4 mayor   beta       06-15 07-01 0.7    L7 (forgotten) mayor alpha 06-20 06-21 0.2
    Letters of campaign "other", never counted in "tiny":
      L6 s5 mayor   alpha      06-30 -     0.6    L8 s4 mayor   alpha 06-21 06-22 0.4
    """
    with store.transaction() as repo:
        s1 = add_supporter(repo, 101, state="CA", opted_in=True, name=ARMENIAN)
        s2 = add_supporter(
            repo, 102, state="CA", source="radio", referrer=s1, opted_in=True, blocked=True
        )
        s3 = add_supporter(
            repo, 103, state="NY", source="referral", referrer=s1, name="=HYPERLINK(1)"
        )
        s4 = add_supporter(repo, 104, source="radio", referrer=s2, opted_in=True, joined=at(6, 20))
        s5 = add_supporter(repo, 105, state="NY", joined=at(6, 25))
        s6 = add_supporter(
            repo,
            106,
            state="CA",
            campaign_id=OTHER,
            source="flyer",
            referrer=s1,
            opted_in=True,
            joined=at(6, 26),
        )
        take_part(repo, s4, OTHER, source="podcast", joined=at(6, 20))
        take_part(repo, s5, OTHER, source="poster", opted_in=True, joined=at(6, 26))
        add_letter(repo, s1, "mayor", ["alpha", "beta"], at(6, 30, 10), at(6, 30), 0.5)
        add_letter(repo, s1, "council", ["gamma"], at(6, 29), None, 0.1, body="Ձեզ եմ գրում")
        add_letter(repo, s2, "mayor", ["alpha"], at(6, 1), at(6, 2), 0.9)
        add_letter(repo, s3, "ghost", ["zeta"], at(5, 31), at(6, 1), 0.3)
        add_letter(repo, s4, "mayor", ["beta"], at(6, 15), at(7, 1), 0.7)
        add_letter(repo, s5, "mayor", ["alpha"], at(6, 30), None, 0.6, campaign_id=OTHER)
        add_letter(repo, None, "mayor", ["alpha"], at(6, 20), at(6, 21), 0.2)
        add_letter(repo, s4, "mayor", ["alpha"], at(6, 21), at(6, 22), 0.4, campaign_id=OTHER)
        people = {"s1": s1, "s2": s2, "s3": s3, "s4": s4, "s5": s5, "s6": s6}
        return Seeded(
            public_ids={k: v.public_id for k, v in people.items()},
            telegram_ids={k: v.telegram_id for k, v in people.items()},
        )


def congress_campaign_toml() -> str:
    """The tiny campaign (mayor, council) that also writes to each supporter's own members."""
    targets = {"mayor": ["alpha", "beta"], "council": ["gamma"]}
    return campaign_toml(("alpha", "beta", "gamma"), targets, CAMPAIGN) + LOOKUPS


def import_legislators(store: Store, tmp_path: Path, leave: Sequence[str] = ()) -> None:
    """The made-up members of tests/fixtures/officials, imported as organizers do; the
    bioguide ids in `leave` are dropped first, as if they had left Congress."""
    path = LEGISLATORS
    if leave:
        people = json.loads(LEGISLATORS.read_text(encoding="utf-8"))
        kept = [p for p in people if p["id"]["bioguide"] not in leave]
        path = tmp_path / "legislators-current.json"
        path.write_text(json.dumps(kept), encoding="utf-8")
    import_files(store, [path])


def seed_congress(store: Store) -> None:
    """Letters of campaign "tiny" to members of Congress; import_legislators first.

    Target (label in the legislator fixture)           letters  sent  scores
      a000001 Sen. Alice Aldrich (D, VT)                     2     1  s1: 0.8, 0.6
      h000008 Sen. Hana Hughes (D, AZ)                       1     1  s1: 0.1
      c000003 Rep. Carmen Castillo (D, VT at-large)          1     0  s2: 0.4
      d000004 Del. Dana Dupont (D, DC)                       1     0  s2: 0.2
      z000099 (not in the table: Former member Z000099)      1     1  s3: 0.9
      mayor   Office mayor                                   1     1  s3: 0.5
    Per supporter (state): s1 (VT) 0.5, s2 (AZ) 0.3, s3 (DC) 0.7; median 0.5.
    """
    with store.transaction() as repo:
        s1 = add_supporter(repo, 201, state="VT")
        s2 = add_supporter(repo, 202, state="AZ")
        s3 = add_supporter(repo, 203, state="DC")
        add_letter(repo, s1, "a000001", ["alpha"], at(6, 10), at(6, 11), 0.8)
        add_letter(repo, s1, "a000001", ["alpha"], at(6, 12), None, 0.6)
        add_letter(repo, s1, "h000008", ["alpha"], at(6, 12), at(6, 12), 0.1)
        add_letter(repo, s2, "c000003", ["alpha"], at(6, 13), None, 0.4)
        add_letter(repo, s2, "d000004", ["alpha"], at(6, 13), None, 0.2)
        add_letter(repo, s3, "z000099", ["alpha"], at(6, 14), at(6, 14), 0.9)
        add_letter(repo, s3, "mayor", ["alpha"], at(6, 14), at(6, 15), 0.5)


def seed_congress_then_drop(store: Store, tmp_path: Path, bioguide_id: str) -> None:
    """`seed_congress`'s letters, written while `bioguide_id` was in Congress; then an import
    without them, as if they had left."""
    import_legislators(store, tmp_path)
    seed_congress(store)
    import_legislators(store, tmp_path, leave=[bioguide_id])


def tiny_campaign_toml(campaign_id: str = CAMPAIGN) -> str:
    """The campaign the report tests count: three demands, the mayor and the council (the same
    file as `OTHER`, for the seed's second campaign)."""
    return campaign_toml(
        campaign_id=campaign_id,
        demands=("alpha", "beta", "gamma"),
        targets={"mayor": ["alpha", "beta"], "council": ["gamma"]},
    )

"""Campaign data for the stats and export tests, written through the real tables.

`seed(store)` builds one small campaign whose every aggregate is worked out by hand in the
comments below, so the tests compare with numbers a person checked, not with the code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from string import ascii_lowercase

from bot.store import Letter, Repo, Store, Supporter

CAMPAIGN = "tiny"
TODAY = date(2024, 6, 30)
ARMENIAN = "Անի Հակոբյան"


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
) -> Supporter:
    supporter = Supporter(
        telegram_id=telegram_id,
        display_name=name,
        signing_name=name,
        state=state,
        source=source,
        referrer_id=referrer.id if referrer else None,
        opted_in=opted_in,
        blocked=blocked,
        created_at=joined or at(5, 1),
    )
    # Fixed, so no random pseudonym starts with "-" (which CSV would show as "'-...").
    supporter.public_id = public_id or f"pub-{ascii_lowercase[telegram_id % 26]}"
    repo.add_supporter(supporter)
    repo.session.flush()
    return supporter


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
    public_ids: dict[str, str]  # s1..s5 -> public id
    telegram_ids: dict[str, int]


def seed(store: Store) -> Seeded:
    """Five supporters and seven letters (one in another campaign, one of a forgotten one).

    Supporters (state, source, referrer, updates):
      s1 CA, direct,   -,  opted in          s2 CA, radio, s1, opted in but blocked
      s3 NY, referral, s1                    s4 --, radio, s2, opted in
      s5 NY, direct,   -   (no letters)
    Letters of campaign "tiny" (target, demands, created, sent, score):
      L1 s1 mayor   alpha,beta 06-30 06-30 0.5    L2 s1 council gamma 06-29 -     0.1
      L3 s2 mayor   alpha      06-01 06-02 0.9    L4 s3 ghost   zeta  05-31 06-01 0.3
      L5 s4 mayor   beta       06-15 07-01 0.7    L7 (forgotten) mayor alpha 06-20 06-21 0.2
      L6 s5 mayor   alpha      06-30 in campaign "other": never counted here.
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
        add_letter(repo, s1, "mayor", ["alpha", "beta"], at(6, 30, 10), at(6, 30), 0.5)
        add_letter(repo, s1, "council", ["gamma"], at(6, 29), None, 0.1, body="Ձեզ եմ գրում")
        add_letter(repo, s2, "mayor", ["alpha"], at(6, 1), at(6, 2), 0.9)
        add_letter(repo, s3, "ghost", ["zeta"], at(5, 31), at(6, 1), 0.3)
        add_letter(repo, s4, "mayor", ["beta"], at(6, 15), at(7, 1), 0.7)
        add_letter(repo, s5, "mayor", ["alpha"], at(6, 30), None, 0.6, campaign_id="other")
        add_letter(repo, None, "mayor", ["alpha"], at(6, 20), at(6, 21), 0.2)
        people = {"s1": s1, "s2": s2, "s3": s3, "s4": s4, "s5": s5}
        return Seeded(
            public_ids={k: v.public_id for k, v in people.items()},
            telegram_ids={k: v.telegram_id for k, v in people.items()},
        )

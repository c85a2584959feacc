"""Who the supporter is: the welcome (with invite links), where they live, blocking, and
deleting their data. Each function takes a `Repo` first and runs in one `Store.run`."""

from __future__ import annotations

import re

from bot import flow
from bot.districts import District
from bot.places import Place
from bot.store import Repo, Supporter, languages, participation
from bot.supporters.views import Person, Welcome
from bot.supporters.writer import row_id

REFERRAL_PREFIX = "r-"
REFERRAL_SOURCE = "referral"
_PUBLIC_ID = re.compile(r"^[A-Za-z0-9_-]{4,16}$")
_SOURCE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PLACE_FIELDS = ("city", "state", "zip", "region", "district", "street")


def welcome(
    repo: Repo,
    person: Person,
    source: str | None = None,
    campaign_id: str | None = None,
    default_campaign: str = "",
) -> Welcome:
    """Record the supporter in the campaign a link named (it becomes their current one), else in
    their current campaign, else the default. The link's source (or invite code) counts only the
    first time they join that campaign."""
    clean_source = source if source and _SOURCE.match(source) else None
    supporter = repo.supporter(person.id)
    is_new = False
    if supporter is None:
        supporter, is_new = repo.add_supporter(
            Supporter(
                telegram_id=person.id,
                display_name=_display_name(person),
                language=flow.text.language_tag(person.language),
            )
        )
    elif supporter.blocked:  # writing to the bot again means they unblocked it
        supporter.blocked = False
        repo.touch(supporter)
    if campaign_id is not None and supporter.campaign_id != campaign_id:
        supporter.campaign_id = campaign_id
        repo.touch(supporter)
    joined = supporter.campaign_id or default_campaign
    referrer = referrer_of(repo, clean_source)
    if referrer is not None and referrer.id != supporter.id:
        clean_source = REFERRAL_SOURCE
    else:
        referrer = None
    supporter_id = row_id(supporter)
    if joined:  # "": no campaign to join (the welcome of a test without one)
        referrer_id = referrer.id if referrer is not None else None
        participation.join(repo, supporter_id, joined, clean_source, referrer_id)
    draft = None if is_new else repo.active_draft(supporter_id)
    name = supporter.signing_name or supporter.display_name
    return Welcome(is_new, name, draft is not None, joined, draft.campaign_id if draft else None)


def current_campaign(repo: Repo, person: Person) -> str | None:
    """The campaign the supporter is in now (None: the default one, or unknown supporter)."""
    supporter = repo.supporter(person.id)
    return supporter.campaign_id if supporter is not None else None


def enter_campaign(repo: Repo, person: Person, campaign_id: str) -> Supporter:
    """The supporter writes in this campaign now: it becomes their current one, and they take
    part in it (with no source, if they never came through one of its links)."""
    supporter = ensure_supporter(repo, person)
    if supporter.campaign_id != campaign_id:  # else they joined it when they entered it
        supporter.campaign_id = campaign_id
        repo.touch(supporter)
        participation.join(repo, row_id(supporter), campaign_id)
    return supporter


def ensure_supporter(repo: Repo, person: Person) -> Supporter:
    """The supporter, recorded now if this is their first contact."""
    supporter = repo.supporter(person.id)
    if supporter is None:
        supporter, _ = repo.add_supporter(
            Supporter(telegram_id=person.id, display_name=_display_name(person))
        )
    return supporter


def invite_code(supporter: Supporter) -> str:
    """The deep-link payload of a supporter's invite link (?start=<code>)."""
    return REFERRAL_PREFIX + supporter.public_id


def referrer_of(repo: Repo, payload: str | None) -> Supporter | None:
    """The supporter whose invite link carried `payload`, if it is one."""
    if not payload or not payload.startswith(REFERRAL_PREFIX):
        return None
    public_id = payload[len(REFERRAL_PREFIX) :]
    return repo.supporter_by_public_id(public_id) if _PUBLIC_ID.match(public_id) else None


def set_blocked(repo: Repo, person: Person, blocked: bool) -> None:
    """The supporter blocked (or unblocked) the bot: broadcasts skip blocked supporters."""
    repo.set_blocked(person.id, blocked)


def forget_place(repo: Repo, person: Person) -> bool:
    """Drop where the supporter lives (ZIP, district), so the next letter asks again."""
    supporter = repo.supporter(person.id)
    if supporter is None:
        return False
    for name in _PLACE_FIELDS:
        setattr(supporter, name, None)
    repo.touch(supporter)
    return True


def forget(repo: Repo, person: Person) -> bool:
    """Delete the supporter's data; their letters stay, anonymous and empty, in the counts."""
    supporter = repo.supporter(person.id)
    if supporter is None:
        return False
    repo.forget_supporter(supporter)
    return True


def home_of(supporter: Supporter) -> Place:
    """Where the supporter lives, as remembered from their last letter (may be empty)."""
    return Place(
        city=supporter.city, state=supporter.state, zip=supporter.zip, region=supporter.region
    )


def district_of(supporter: Supporter) -> str | None:
    """Their congressional district's id ("CA-30"), once known."""
    if supporter.state is None or supporter.district is None:
        return None
    return District(supporter.state, supporter.district).id


def remember(supporter: Supporter, state: flow.Draft) -> None:
    """Keep the answers a returning supporter should not be asked again."""
    if state.name:
        supporter.signing_name = state.name
    if state.place:
        supporter.city = state.place.city
        supporter.state = state.place.state
        supporter.zip = state.place.zip
        supporter.region = state.place.region
        supporter.district = state.district.number if state.district else None


def _display_name(person: Person) -> str | None:
    """The name as the client sent it, so cleaned before storing."""
    name = flow.clean_line(person.display_name or "")
    return name[: flow.MAX_NAME_LENGTH].rstrip() or None


def chosen_languages(repo: Repo) -> dict[int, str]:
    """{supporter id: language} of everyone who picked one with /language (few do)."""
    return languages.chosen_languages(repo)


def choose_language(repo: Repo, person: Person, language: str) -> None:
    """Remember the supporter's language (recording them if this is their first contact)."""
    supporter = ensure_supporter(repo, person)
    supporter.chosen_language = language
    repo.touch(supporter)

"""What every letter use case shares: rendering a campaign's letters, finding their recipients
(campaign offices and the supporter's members of Congress), and viewing stored letters."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date

from bot import flow
from bot.campaign import Campaign, Demand, Target
from bot.districts import District
from bot.letters import LetterRenderer, LetterRequest, Signer, letter_seed
from bot.officials.lookup import member, representative, resolve_zip, senators
from bot.officials.targets import directory_date, member_target
from bot.store import DraftRow, Letter, Repo, Supporter
from bot.supporters.views import LetterView, Person

DIRECTORY_RECHECK_SECONDS = 60.0


class Writer:
    """One campaign's letters: its renderer, and a cached date of the officials directory."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self.renderer = LetterRenderer(campaign)
        self._directory: date | None = None
        self._directory_checked_at = -DIRECTORY_RECHECK_SECONDS

    # Members of Congress
    def directory_date(self, repo: Repo) -> date | None:
        """When the officials directory was imported; re-read at most once a minute, since an
        import is rare and this is asked at every new letter."""
        now = time.monotonic()
        if now - self._directory_checked_at > DIRECTORY_RECHECK_SECONDS:
            self._directory = directory_date(repo)
            self._directory_checked_at = now
        return self._directory

    def districts(self, repo: Repo, zip5: str) -> tuple[District, ...]:
        """The districts the officials directory has for a ZIP code."""
        return resolve_zip(repo, zip5).districts

    def targets(
        self, repo: Repo, state: flow.Draft
    ) -> tuple[list[tuple[str, Target]], list[tuple[str, str]]]:
        """(routing id, target) for every letter to write, and the chosen recipients nobody
        could be found for. A lookup target becomes the supporter's own members."""
        targets = [(t.id, t) for t in self.campaign.targets if t.id in state.targets]
        unreached: list[tuple[str, str]] = []
        checked = self.directory_date(repo) or date.today()
        for lookup in self.campaign.lookups:
            if lookup.id not in state.targets:
                continue
            place = state.place
            if place is None or place.state is None:
                unreached.append((lookup.label, "not_in_us"))
                continue
            if lookup.lookup == "senators":
                members = senators(repo, place.state)
            elif state.district is None:
                unreached.append((lookup.label, "no_district"))
                continue
            else:
                found = representative(repo, state.district.state, state.district.number)
                members = [found] if found else []
            if not members:
                unreached.append((lookup.label, "no_member"))
            targets.extend((lookup.id, member_target(m, lookup.id, checked)) for m in members)
        return targets, unreached

    def target(self, repo: Repo, target_id: str) -> Target:
        """A letter's recipient: a campaign office, or a member by bioguide id."""
        target = self.campaign.target(target_id)
        if target is not None:
            return target
        found = member(repo, target_id.upper())
        if found is None:
            raise LookupError(f"target {target_id!r} is neither in the campaign nor in Congress")
        return member_target(found, "congress", self.directory_date(repo) or date.today())

    # Writing
    def write_letter(
        self,
        repo: Repo,
        supporter: Supporter,
        draft_id: int,
        state: flow.Draft,
        routing: str,
        target: Target,
        party_id: int | None = None,
    ) -> Letter:
        demands = self.campaign.demands_for([routing], chosen=list(state.demands))
        letter = Letter(
            campaign_id=self.campaign.id,
            supporter_id=supporter.id,
            draft_id=draft_id,
            party_id=party_id,
            target_id=target.id,
            demands=",".join(d.id for d in demands),
            variant="",
        )
        self.render_into(target, letter, state, wording=0)
        return repo.add_letter(letter)

    def render_into(self, target: Target, letter: Letter, state: flow.Draft, wording: int) -> None:
        rendered = self.renderer.render(self._request(target, letter, state, wording))
        letter.body = rendered.body
        letter.variant = rendered.variant
        letter.score = rendered.score
        letter.wording = wording
        letter.edited = False

    def edited_score(self, repo: Repo, letter: Letter, body: str) -> float:
        """The supporter's version scored against what the templates alone would write."""
        draft_row = repo.draft(letter.draft_id) if letter.draft_id else None
        if draft_row is None:
            return letter.score
        state = flow.Draft.from_dict(draft_row.state)
        target = self.target(repo, letter.target_id)
        request = self._request(target, letter, state, letter.wording)
        return self.renderer.score_edit(request, body)

    def demands_of(self, letter: Letter) -> tuple[Demand, ...]:
        """The demands a letter makes, in campaign order."""
        wanted = letter.demands.split(",") if letter.demands else []
        return tuple(d for d in self.campaign.demands if d.id in wanted)

    def _request(
        self, target: Target, letter: Letter, state: flow.Draft, wording: int
    ) -> LetterRequest:
        seed = letter_seed(self.campaign.id, letter.draft_id, letter.target_id) + wording
        return LetterRequest(target, self.demands_of(letter), signer(state), state.story, seed)

    # Reading
    def own_letter(self, repo: Repo, person: Person, letter_id: int) -> Letter | None:
        supporter = repo.supporter(person.id)
        if supporter is None:
            return None
        return repo.letter(row_id(supporter), letter_id)

    def answers_of(self, repo: Repo, letter: Letter) -> flow.Draft | None:
        """The answers a letter was written from (None once its draft is forgotten)."""
        draft_row = repo.draft(letter.draft_id) if letter.draft_id else None
        return flow.Draft.from_dict(draft_row.state) if draft_row else None

    def views(self, repo: Repo, letters: Sequence[Letter]) -> tuple[LetterView, ...]:
        return tuple(
            self.view(repo, letter, number=i + 1, total=len(letters))
            for i, letter in enumerate(letters)
        )

    def view(self, repo: Repo, letter: Letter, number: int = 1, total: int = 1) -> LetterView:
        return LetterView(
            id=row_id(letter),
            target=self.target(repo, letter.target_id),
            body=letter.body,
            score=letter.score,
            sent=letter.sent_at is not None,
            edited=letter.edited,
            number=number,
            total=total,
            campaign_id=letter.campaign_id,
        )

    def numbered(self, repo: Repo, letter: Letter) -> LetterView:
        """A letter's view, numbered among the letters of its draft."""
        siblings = repo.letters_of_draft(letter.draft_id) if letter.draft_id else [letter]
        number = next((i for i, s in enumerate(siblings) if s.id == letter.id), 0)
        return self.view(repo, letter, number + 1, len(siblings))


def signer(state: flow.Draft, street: str | None = None) -> Signer:
    return Signer(state.name or "", state.place, street)


def row_id(row: Supporter | Letter | DraftRow | None) -> int:
    if row is None or row.id is None:
        raise LookupError("row has no id (not flushed?)")
    return row.id

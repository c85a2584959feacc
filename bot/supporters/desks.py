"""Several campaigns at once: one `Desk` of use cases per campaign, and the routers the front end
calls, which send each update to the desk of the campaign it belongs to (the draft's, the
letter's, the reminder's), read in the same transaction as the update itself.

A campaign is open, closed, upcoming or a draft (`Campaign.state`); only an open one starts new
letters. A letter or draft of a campaign that closed since still finishes, is marked sent and
gets its kit: nothing a supporter began is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import flow
from bot.campaign import Campaign, CampaignState
from bot.store import Conversation, Repo
from bot.store import reminders as reminder_queries
from bot.store.models import Reminder, utcnow
from bot.supporters.drafting import Cancelled, Drafting
from bot.supporters.editing import CAMPAIGN_GONE, Closed, EditorLetter, LetterEditor, Scored, owned
from bot.supporters.kits import Kits, StreetWanted
from bot.supporters.letter_actions import LetterActions
from bot.supporters.outcomes import CampaignClosed, NoDraft, Outcome, Prompted
from bot.supporters.profile import current_campaign
from bot.supporters.reminders import AllSent, DueReminder, Reminders, ReminderSet
from bot.supporters.views import Kit, LetterView, Person
from bot.supporters.writer import Writer


class Desk:
    """One campaign's use cases, sharing one `Writer` (its letter renderer)."""

    def __init__(self, campaign: Campaign) -> None:
        writer = Writer(campaign)
        self.campaign = campaign
        self.actions = LetterActions(writer)
        self.kits = Kits(self.actions)
        self.drafting = Drafting(writer, self.actions, self.kits)
        self.reminders = Reminders(writer)
        self.editor = LetterEditor(writer)


@dataclass(frozen=True)
class Desks:
    """Every campaign's desk, and the default campaign's (that of a supporter who came without a
    campaign link)."""

    by_id: dict[str, Desk]
    default: Desk

    @classmethod
    def of(cls, campaigns: tuple[Campaign, ...], default: Campaign) -> Desks:
        by_id = {campaign.id: Desk(campaign) for campaign in campaigns}
        by_id.setdefault(default.id, Desk(default))
        return cls(by_id, by_id[default.id])

    def get(self, campaign_id: str | None) -> Desk | None:
        return self.by_id.get(campaign_id) if campaign_id else None

    def open_campaigns(self, now: datetime) -> list[Campaign]:
        """The campaigns taking letters now, the default first, then by id."""
        found = [d.campaign for d in self.by_id.values() if d.campaign.is_open(now)]
        return sorted(found, key=lambda c: (c.id != self.default.campaign.id, c.id))

    def of_letter(self, repo: Repo, letter_id: int) -> Desk | None:
        return self.get(repo.letter_campaign(letter_id))

    def of_draft(self, conversation: Conversation | None) -> Desk | None:
        """The desk of the supporter's active draft (the default one without a draft: its
        answer is NoDraft); None when that campaign's file is gone."""
        if conversation is None or conversation.draft_campaign_id is None:
            return self.default
        return self.get(conversation.draft_campaign_id)

    def of_conversation(self, repo: Repo, conversation: Conversation | None) -> Desk | None:
        """The desk of what the supporter is doing: a letter's edit, a kit's street question,
        else the draft; None when that campaign's file is gone."""
        if conversation is None:
            return self.default
        letter_id = conversation.editing_letter_id or conversation.addressing_letter_id
        if letter_id is not None:
            return self.of_letter(repo, letter_id)
        return self.of_draft(conversation)


class DraftingRouter:
    """`Drafting`, for every campaign: a new letter in the campaign asked for (else the
    supporter's current one), and every answer to the campaign of its draft."""

    def __init__(self, desks: Desks) -> None:
        self.desks = desks

    def start_letter(
        self,
        repo: Repo,
        person: Person,
        party_id: int | None = None,
        campaign_id: str | None = None,
        now: datetime | None = None,
    ) -> Outcome | CampaignClosed:
        """A new draft in `campaign_id` (else their current campaign), if it is open."""
        wanted = campaign_id or current_campaign(repo, person) or self.desks.default.campaign.id
        desk = self.desks.get(wanted)
        moment = now or utcnow()
        if desk is None or not desk.campaign.is_open(moment):
            state = desk.campaign.state(moment) if desk else CampaignState.CLOSED
            return CampaignClosed(wanted, state, tuple(self.desks.open_campaigns(moment)))
        return desk.drafting.start_letter(repo, person, party_id)

    def current(self, repo: Repo, person: Person) -> Prompted | NoDraft:
        conversation = repo.conversation(person.id)
        desk = self.desks.of_draft(conversation)
        return desk.drafting.question(conversation) if desk else NoDraft()

    def answer(
        self,
        repo: Repo,
        person: Person,
        answer: flow.Answer,
        draft_id: int | None = None,
        revision: int | None = None,
    ) -> Outcome:
        conversation = repo.conversation(person.id)
        desk = self.desks.of_draft(conversation)  # a drafting button answers the draft
        if desk is None:
            return NoDraft()
        return desk.drafting.answer_in(repo, conversation, answer, draft_id, revision)

    def receive_text(self, repo: Repo, conversation: Conversation | None, text: str) -> Outcome:
        desk = self.desks.of_conversation(repo, conversation)
        return desk.drafting.receive_text(repo, conversation, text) if desk else NoDraft()

    def receive_non_text(self, repo: Repo, conversation: Conversation | None) -> Outcome:
        desk = self.desks.of_conversation(repo, conversation)
        return desk.drafting.receive_non_text(repo, conversation) if desk else NoDraft()

    def refuse(self, repo: Repo, conversation: Conversation, error: flow.InvalidAnswer) -> Outcome:
        desk = self.desks.of_conversation(repo, conversation)
        return desk.drafting.refuse(repo, conversation, error) if desk else NoDraft()

    def cancel(self, repo: Repo, person: Person) -> Cancelled:
        return self.desks.default.drafting.cancel(repo, person)  # the same in every campaign


class LettersRouter:
    """The buttons under a letter, for every campaign: each goes to its letter's campaign."""

    def __init__(self, desks: Desks) -> None:
        self.desks = desks

    def letter(self, repo: Repo, person: Person, letter_id: int) -> LetterView | None:
        desk = self.desks.of_letter(repo, letter_id)
        return desk.actions.letter(repo, person, letter_id) if desk else None

    def mark_sent(
        self, repo: Repo, person: Person, letter_id: int
    ) -> tuple[LetterView | None, bool]:
        desk = self.desks.of_letter(repo, letter_id)
        return desk.actions.mark_sent(repo, person, letter_id) if desk else (None, False)

    def reword(self, repo: Repo, person: Person, letter_id: int) -> LetterView | None:
        desk = self.desks.of_letter(repo, letter_id)
        return desk.actions.reword(repo, person, letter_id) if desk else None

    def begin_edit(self, repo: Repo, person: Person, letter_id: int) -> LetterView | None:
        desk = self.desks.of_letter(repo, letter_id)
        return desk.actions.begin_edit(repo, person, letter_id) if desk else None

    # The letter editor (Mini App): a letter whose campaign's file is gone is the person's all
    # the same, but closed for editing (CAMPAIGN_GONE).
    def open_editor(
        self, repo: Repo, person: Person, letter_id: int
    ) -> EditorLetter | Closed | None:
        desk = self.desks.of_letter(repo, letter_id)
        return desk.editor.open(repo, person, letter_id) if desk else _gone(repo, person, letter_id)

    def score_edit(
        self, repo: Repo, person: Person, letter_id: int, text: str
    ) -> Scored | Closed | None:
        desk = self.desks.of_letter(repo, letter_id)
        if desk is None:
            return _gone(repo, person, letter_id)
        return desk.editor.score(repo, person, letter_id, text)

    def save_edit(
        self, repo: Repo, person: Person, letter_id: int, text: str
    ) -> EditorLetter | Closed | flow.InvalidAnswer | None:
        desk = self.desks.of_letter(repo, letter_id)
        if desk is None:
            return _gone(repo, person, letter_id)
        return desk.editor.save(repo, person, letter_id, text)

    def reset_edit(
        self, repo: Repo, person: Person, letter_id: int
    ) -> EditorLetter | Closed | None:
        desk = self.desks.of_letter(repo, letter_id)
        return (
            desk.editor.reset(repo, person, letter_id) if desk else _gone(repo, person, letter_id)
        )

    def request(self, repo: Repo, person: Person, letter_id: int) -> Kit | StreetWanted | None:
        """The letter's printable kit (or the street question first)."""
        desk = self.desks.of_letter(repo, letter_id)
        return desk.kits.request(repo, person, letter_id) if desk else None

    def skip(self, repo: Repo, person: Person, letter_id: int) -> Kit | None:
        """The kit without a street."""
        desk = self.desks.of_letter(repo, letter_id)
        return desk.kits.skip(repo, person, letter_id) if desk else None

    def remind(
        self, repo: Repo, person: Person, letter_id: int, now: datetime
    ) -> ReminderSet | AllSent | None:
        desk = self.desks.of_letter(repo, letter_id)
        return desk.reminders.remind(repo, person, letter_id, now) if desk else None


def _gone(repo: Repo, person: Person, letter_id: int) -> Closed | None:
    """A letter of a campaign the bot no longer has: closed for its supporter, nobody else's."""
    return Closed(CAMPAIGN_GONE) if owned(repo, person, letter_id) is not None else None


class RemindersRouter:
    """Due reminders of every campaign, each shown by its campaign's desk."""

    def __init__(self, desks: Desks) -> None:
        self.desks = desks

    def due(self, repo: Repo, now: datetime, limit: int) -> list[int]:
        return reminder_queries.due_ids(repo, list(self.desks.by_id), now, limit)

    def take(self, repo: Repo, reminder_id: int) -> DueReminder | None:
        row = repo.session.get(Reminder, reminder_id)
        desk = self.desks.get(row.campaign_id) if row is not None else None
        return desk.reminders.take(repo, reminder_id) if desk else None

    def finish(
        self, repo: Repo, reminder_id: int, status: reminder_queries.ReminderStatus, at: datetime
    ) -> None:
        self.desks.default.reminders.finish(repo, reminder_id, status, at)

    def release(self, repo: Repo, reminder_id: int) -> None:
        self.desks.default.reminders.release(repo, reminder_id)

    def cancel(self, repo: Repo, person: Person) -> int:
        return self.desks.default.reminders.cancel(repo, person)

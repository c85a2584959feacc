"""The supporter's conversation: /start and /letter, the drafting buttons, and every text or
other message, which goes to whatever the supporter is doing (see bot/supporters/drafting.py)."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot import flow, parties
from bot.store import Repo
from bot.store.models import utcnow
from bot.supporters.desks import DraftingRouter
from bot.supporters.links import read_start
from bot.supporters.outcomes import Outcome, Prompted, Refused
from bot.supporters.profile import welcome
from bot.supporters.views import Person
from bot.telegram.organizers.access import AdminGate
from bot.telegram.render import plain, render
from bot.telegram.sending import chat_id_of, person_of, send
from bot.telegram.supporters import keyboards
from bot.telegram.supporters.callbacks import CampaignAction, DraftAction
from bot.telegram.supporters.outcomes import Context, OutcomeMessages
from bot.telegram.supporters.split_tail import receive_text
from bot.telegram.supporters.use_cases import UseCases
from bot.telegram.texts import toast


def _draft_answer(action: DraftAction) -> flow.Answer:
    """What a drafting button says: toggle a choice (or an ask beside the targets), confirm,
    or skip."""
    if action.action == "t":
        return flow.Toggle(action.choice)
    if action.action == "a":
        return flow.Toggle(action.choice, flow.Step.DEMANDS)
    if action.action == "ok":
        return flow.Confirm()
    return flow.Skip()


def _receive_non_text(repo: Repo, drafting: DraftingRouter, person: Person) -> Outcome:
    return drafting.receive_non_text(repo, repo.conversation(person.id))


PARTY_SOURCE = "party"  # where a supporter who came through a party's card came from


class ConversationHandlers:
    """Commands, messages and drafting buttons of the supporter's conversation."""

    def __init__(self, use: UseCases, outcomes: OutcomeMessages, gate: AdminGate) -> None:
        self.use = use
        self.outcomes = outcomes
        self.gate = gate

    async def start(self, update: Update, context: Context) -> None:
        """The welcome; it asks the first question itself: one message and one tap fewer.

        A campaign link (`c-<campaign>`, maybe with a source or invite code after it) and a
        party's link start a letter in their campaign, even with another letter under way."""
        person = person_of(update)
        link = read_start(context.args[0] if context.args else None, self.use.desks.by_id)
        source, campaign_id = link.rest, link.campaign_id
        party = None
        if source and source.startswith(parties.PARTY_PREFIX):
            party = await self.use.store.run(parties.joinable, source)
        if party is not None:  # the link on a party's card: its letters count there
            source, campaign_id = PARTY_SOURCE, party.campaign_id
        run, default = self.use.store.run, self.use.campaign.id
        wanted = self.use.desks.get(campaign_id)
        if campaign_id is not None and (wanted is None or not wanted.campaign.is_open(utcnow())):
            await run(welcome, person, None, None, default)  # in whatever campaign they were
            outcome = await run(self.use.drafting.start_letter, person, None, campaign_id)
            await self.outcomes.show(context, person.id, outcome)  # it has ended: the open ones
            return
        greeted = await run(welcome, person, source, campaign_id, default)
        if self.gate.is_admin(update):
            await self.gate.ensure_menu(context, person.id)
        text = render(
            "welcome",
            is_new=greeted.is_new,
            name=greeted.name,
            campaign=self.use.local_campaign(greeted.campaign_id),
            partly_english=self.use.partly_english(greeted.campaign_id),
        )
        # A plain /start, or a link to the campaign of the letter under way: go on with it,
        # or start anew (a party's link always starts a letter at the party).
        if greeted.has_draft and party is None and campaign_id in (None, greeted.draft_campaign_id):
            await send(context.bot, person.id, text, keyboards.welcome_keyboard())
            return
        party_id = party.id if party is not None else None
        outcome = await self.use.store.run(
            self.use.drafting.start_letter, person, party_id, greeted.campaign_id
        )
        if not isinstance(outcome, Prompted):
            await send(context.bot, person.id, text)
            await self.outcomes.show(context, person.id, outcome)
            return
        prompt, markup = self.outcomes.prompt(outcome)
        markup = keyboards.welcome_prompt_keyboard(markup)
        await self.outcomes.show_prompt(
            context, person.id, outcome, f"{text}\n\n{prompt}", markup, None
        )

    async def campaigns(self, update: Update, context: Context) -> None:
        """/campaigns: the open ones, each a tap away from a letter."""
        offered = [self.use.local_campaign(c.id) for c in self.use.desks.open_campaigns(utcnow())]
        markup = keyboards.campaigns_keyboard(offered)
        await send(context.bot, person_of(update).id, render("campaigns", offered=offered), markup)

    async def on_campaign(
        self, context: Context, query: CallbackQuery, person: Person, action: CampaignAction
    ) -> None:
        """A campaign's button: a letter in it (it becomes the supporter's campaign)."""
        run = self.use.store.run
        outcome = await run(self.use.drafting.start_letter, person, None, action.campaign_id)
        await self.outcomes.show(context, chat_id_of(query), outcome)

    async def letter(self, update: Update, context: Context) -> None:
        person = person_of(update)
        outcome = await self.use.store.run(self.use.drafting.start_letter, person)
        await self.outcomes.show(context, person.id, outcome)

    async def on_text(self, update: Update, context: Context) -> None:
        person = person_of(update)
        message = update.effective_message
        text = message.text if message and message.text else ""
        outcome = await self.use.store.run(receive_text, self.use.drafting, person, text)
        await self.outcomes.show(context, person.id, outcome)

    async def on_non_text(self, update: Update, context: Context) -> None:
        person = person_of(update)
        outcome = await self.use.store.run(_receive_non_text, self.use.drafting, person)
        await self.outcomes.show(context, person.id, outcome)

    async def on_draft_button(
        self, context: Context, query: CallbackQuery, person: Person, action: DraftAction
    ) -> tuple[str | None, bool]:
        """(toast, alert): a refused answer is explained in an alert, the prompt unchanged."""
        answer = _draft_answer(action)
        outcome = await self.use.store.run(
            self.use.drafting.answer, person, answer, action.draft_id, action.revision
        )
        if isinstance(outcome, Refused):
            error = outcome.error
            return plain(render("invalid", reason=error.reason, details=error.details)), True
        await self.outcomes.show(context, chat_id_of(query), outcome, query=query)
        stale = isinstance(outcome, Prompted) and outcome.stale
        return (toast("out_of_date") if stale else None), False

    async def on_new_letter(self, context: Context, query: CallbackQuery, person: Person) -> None:
        outcome = await self.use.store.run(self.use.drafting.start_letter, person)
        await self.outcomes.show(context, chat_id_of(query), outcome)

    async def on_resume(self, context: Context, query: CallbackQuery, person: Person) -> None:
        outcome = await self.use.store.run(self.use.drafting.current, person)
        if isinstance(outcome, Prompted):  # a new message: the welcome tapped on stays as it is
            await self.outcomes.show(context, chat_id_of(query), outcome)
        else:
            await self.outcomes.show(context, chat_id_of(query), outcome, query=query)

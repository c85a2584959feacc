"""Every supporter handler, registered in one place, and the one entry for their buttons,
which answers each callback query exactly once (with a toast, or a polite way back)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.telegram.organizers.access import AdminGate
from bot.telegram.parties import PartyHandlers
from bot.telegram.render import render
from bot.telegram.sending import answer_query, chat_id_of, person_of, send
from bot.telegram.supporters import keyboards
from bot.telegram.supporters.callbacks import (
    LANGUAGE_PREFIX,
    CampaignAction,
    DraftAction,
    LetterAction,
    MenuAction,
    decode,
)
from bot.telegram.supporters.conversation import ConversationHandlers
from bot.telegram.supporters.kit_messages import KitMessages
from bot.telegram.supporters.language import LanguageHandlers
from bot.telegram.supporters.letters import LetterButtons
from bot.telegram.supporters.outcomes import Context, OutcomeMessages
from bot.telegram.supporters.profile import ProfileHandlers
from bot.telegram.supporters.reminder_sender import SEND_REMINDERS_EVERY, send_due_reminders
from bot.telegram.supporters.use_cases import UseCases
from bot.telegram.texts import toast


class SupporterHandlers:
    """The bot's behaviour towards supporters; one instance per Application."""

    def __init__(self, use: UseCases, gate: AdminGate) -> None:
        self.use = use
        kits = KitMessages(use)
        self.conversation = ConversationHandlers(use, OutcomeMessages(use, kits), gate)
        self.letters = LetterButtons(use, kits)
        self.profile = ProfileHandlers(use)
        self.language = LanguageHandlers(use)
        self.parties = PartyHandlers(use, gate)

    def register(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        # New messages only: an edit of an earlier answer must not answer the current question.
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        conversation, profile = self.conversation, self.profile
        app.add_handler(TypeHandler(Update, self.language.on_update), group=-1)
        commands = [
            ("start", conversation.start),
            ("letter", conversation.letter),
            ("campaigns", conversation.campaigns),
            ("demands", profile.demands),
            ("help", profile.help),
            ("privacy", profile.privacy),
            ("forget", profile.forget),
            ("cancel", profile.cancel),
            ("me", profile.me),
            ("stop", profile.stop),
            ("language", self.language.language),
        ]
        for name, callback in commands:
            app.add_handler(CommandHandler(name, callback, filters=private))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_handler(
            ChatMemberHandler(profile.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
        )
        text = private & filters.TEXT & ~filters.COMMAND
        app.add_handler(MessageHandler(text, conversation.on_text))
        app.add_handler(MessageHandler(private & filters.COMMAND, profile.unknown_command))
        app.add_handler(MessageHandler(private & ~filters.TEXT, conversation.on_non_text))
        app.add_error_handler(profile.on_error)
        self.parties.register(app)
        if app.job_queue is not None:
            app.job_queue.run_repeating(
                self.send_reminders, interval=SEND_REMINDERS_EVERY, first=SEND_REMINDERS_EVERY
            )

    async def send_reminders(self, context: Context) -> None:
        """The reminders job: everything due, until the Application stops."""
        app = context.application
        await send_due_reminders(context.bot, self.use, should_stop=lambda: not app.running)

    async def on_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        answer: str | None = None
        alert = False
        try:
            action = decode(query.data)
            person = person_of(update)
            if isinstance(action, DraftAction):
                answer, alert = await self.conversation.on_draft_button(
                    context, query, person, action
                )
            elif isinstance(action, LetterAction):
                answer = await self.letters.on_button(context.bot, query, person, action)
            elif isinstance(action, CampaignAction) and action.action == "write":
                await self.conversation.on_campaign(context, query, person, action)
            elif isinstance(action, CampaignAction):
                answer = await self.profile.on_updates_offer(context, query, person, action)
            elif isinstance(action, MenuAction) and action.action == "letter":
                await self.conversation.on_new_letter(context, query, person)
            elif isinstance(action, MenuAction) and action.action.startswith(LANGUAGE_PREFIX):
                await self.language.on_pick(context, query, person, action)
            elif isinstance(action, MenuAction) and action.action == "resume":
                await self.conversation.on_resume(context, query, person)
            elif isinstance(action, MenuAction):
                answer = await self.profile.on_menu_button(context, query, person, action)
            else:
                answer = toast("out_of_date")
                text = render("no_draft", from_button=True)
                await send(context.bot, chat_id_of(query), text, keyboards.write_keyboard())
        finally:
            await answer_query(query, answer, alert)

"""Organizer access: who is an admin, their own command menu, and the one gate, `admin_only`,
on every admin command and button. Anyone else gets the same neutral reply as an unknown
command, or a neutral toast for a button."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.campaign import Campaign
from bot.campaign.model import CampaignState
from bot.store import Store
from bot.telegram import i18n, texts
from bot.telegram.render import render
from bot.telegram.sending import answer_query, is_not_modified, tapped
from bot.telegram.supporters.use_cases import UseCases

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

# Described in admin_command.html.j2.
ADMIN_COMMANDS = ("stats", "dashboard", "export", "broadcast", "reload")
ADMIN_PREFIX = "a"  # callback data of admin buttons: "a|..."
MAX_CALLBACK_DATA = 64  # bytes, Telegram's limit on a button's callback data
LABEL_TITLE = 80  # characters of a campaign's title on a button or in a preview
NAMED_SHOWN = 40  # characters of an unknown campaign id repeated back to the organizer
_MENUS_SET = "admin_menus_set"


class AdminGate:
    """The organizers' ids, checked on every admin update, and their command menus."""

    def __init__(self, admin_ids: Iterable[int]):
        self.admin_ids = frozenset(admin_ids)

    def is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.admin_ids

    async def set_menus(self, context_or_app: Any) -> None:
        """Give each organizer the admin menu. An organizer who never opened the bot makes
        Telegram answer "chat not found": that is expected, and retried when they write."""
        for admin_id in self.admin_ids:
            await self.ensure_menu(context_or_app, admin_id)

    async def ensure_menu(self, context_or_app: Any, admin_id: int) -> None:
        done: set[int] = context_or_app.bot_data.setdefault(_MENUS_SET, set())
        if admin_id in done:
            return
        try:
            for language in i18n.LANGUAGES:
                await context_or_app.bot.set_my_commands(
                    _menu(language),
                    scope=BotCommandScopeChat(admin_id),
                    language_code=None if language == i18n.DEFAULT else language,
                )
        except (BadRequest, Forbidden) as error:
            log.info("admin menu for %s not set yet: %s", admin_id, error.message)
            return
        done.add(admin_id)


def _menu(language: str) -> list[BotCommand]:
    """An organizer's menu in one language: the supporters' commands, then theirs."""
    with i18n.use(language):
        admin = [(c, render("admin_command", command=c)) for c in ADMIN_COMMANDS]
        return [BotCommand(c, d) for c, d in [*texts.supporter_commands(), *admin]]


@dataclass
class AdminCommand:
    """What every organizer command holds: the use cases (the campaign served now, the
    store), and the gate that `admin_only` checks."""

    use: UseCases
    gate: AdminGate

    @property
    def campaign(self) -> Campaign:
        return self.use.campaign

    @property
    def store(self) -> Store:
        return self.use.store

    @property
    def several(self) -> bool:
        """Whether the bot runs more than one campaign: then organizers pick which one."""
        return len(self.use.catalogue.campaigns) > 1

    def campaign_named(self, campaign_id: str) -> Campaign | None:
        """The catalogue's campaign with that id; None for one that is not (or no longer) in
        it, which the caller answers politely."""
        return self.use.catalogue.get(campaign_id)

    def choices(self, now: datetime, *, but: str | None = None) -> list[Campaign]:
        """The campaigns to pick from (all but `but`), in `picker_order`."""
        campaigns = picker_order(self.use.catalogue.campaigns, self.campaign, now)
        return [campaign for campaign in campaigns if campaign.id != but]

    def picker(self, data: Callable[[Campaign], str]) -> list[tuple[str, str]]:
        """One button per campaign: its title, with its state when it is not open;
        `data(campaign)` is its callback data."""
        now = datetime.now(UTC)
        return [(campaign_label(campaign, now), data(campaign)) for campaign in self.choices(now)]

    def unknown_campaign(self, named: str) -> str:
        """The answer to a command naming a campaign the bot does not run: its ids."""
        if len(named) > NAMED_SHOWN:
            named = named[: NAMED_SHOWN - 1] + "…"
        return render("admin_campaigns", what="unknown", named=named, ids=self.use.catalogue.ids)


def picker_order(campaigns: Iterable[Campaign], default: Campaign, now: datetime) -> list[Campaign]:
    """The default campaign first, then the open ones, then the others (each by id)."""
    rest = [campaign for campaign in campaigns if campaign.id != default.id]
    opened = [campaign for campaign in rest if campaign.state(now) is CampaignState.OPEN]
    others = [campaign for campaign in rest if campaign.state(now) is not CampaignState.OPEN]
    return [default, *opened, *others]


def campaign_label(campaign: Campaign, now: datetime) -> str:
    """A campaign's button: its title (shortened), and its state when not open."""
    title = shortened(campaign.title)
    state = campaign.state(now)
    return button_label("campaign", title=title, state="" if state is CampaignState.OPEN else state)


def shortened(title: str) -> str:
    """A campaign's title cut to LABEL_TITLE characters, for a button or a preview."""
    return title if len(title) <= LABEL_TITLE else title[: LABEL_TITLE - 1].rstrip() + "…"


def callback_data(*parts: str) -> str:
    """An admin button's callback data after its prefix, checked against Telegram's limit (a
    campaign id is at most 24 characters, so every organizer button fits)."""
    data = "|".join(parts)
    if len(f"{ADMIN_PREFIX}|{data}".encode()) > MAX_CALLBACK_DATA:
        raise ValueError(f"callback data too long: {data!r}")
    return data


Command = TypeVar("Command", bound=AdminCommand)
Handler = Callable[[Command, Update, Context], Coroutine[Any, Any, None]]
ButtonHandler = Callable[
    [Command, Context, CallbackQuery, list[str]], Coroutine[Any, Any, str | None]
]


def admin_only(handler: Handler[Command]) -> Handler[Command]:
    """Run `handler` for organizers only; others get the unknown-command reply, nothing more.

    For callback queries the refusal is a neutral toast, so every query is still answered.
    """

    @wraps(handler)
    async def gated(self: Command, update: Update, context: Context) -> None:
        gate = self.gate
        if gate.is_admin(update):
            user = update.effective_user
            if user is not None:
                await gate.ensure_menu(context, user.id)
            await handler(self, update, context)
            return
        log.warning(
            "refused an admin action from user %s",
            update.effective_user.id if update.effective_user else "?",
        )
        if update.callback_query is not None:
            await update.callback_query.answer(toast("not_available"))
        elif update.effective_chat is not None:
            await context.bot.send_message(
                update.effective_chat.id, render("help", campaign=self.campaign, unknown=True)
            )

    gated.admin_only = True  # type: ignore[attr-defined]  # tests check every handler has it
    return gated


def admin_button(handler: ButtonHandler[Command]) -> Handler[Command]:
    """An organizer's button: `admin_only`, then `handler(self, context, query, parts)` with the
    callback data's parts after the prefix; its toast (or None) answers the query, always."""

    @admin_only
    @wraps(handler)
    async def answered(self: Command, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        notice: str | None = None
        try:
            notice = await handler(self, context, query, (query.data or "").split("|")[1:])
        finally:
            await answer_query(query, notice)

    return answered


def toast(key: str) -> str:
    """A callback answer to an organizer, from admin_toast.html.j2."""
    return render("admin_toast", toast=key)


def campaign_gone() -> str:
    """The toast for a button naming a campaign the bot no longer runs."""
    return toast("campaign_gone")


def buttons(rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button a row: (label, callback data after the admin prefix)."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=f"{ADMIN_PREFIX}|{data}")]
            for label, data in rows
        ]
    )


def button_label(key: str, **values: Any) -> str:
    """An organizer's button label, from admin_button.html.j2: plain text, so a campaign
    title's "&" (escaped by the template) shows as itself."""
    return html.unescape(render("admin_button", button=key, **values))


async def edit_in_place(query: CallbackQuery, text: str) -> None:
    """Show `text` in the tapped message instead of its buttons; an edit that changes nothing
    is fine, any other failure is the caller's."""
    message = tapped(query)
    if message is not None and message.text is not None:
        try:
            await message.edit_text(text)
        except BadRequest as error:
            if not is_not_modified(error):
                raise


async def tell(context: Context, chat_id: int, text: str) -> None:
    """A message to an organizer about an error, which must not raise another."""
    try:
        await context.bot.send_message(chat_id, text)
    except TelegramError as error:
        log.warning("could not tell the organizer about an error: %s", error)


def chat_of(update: Update) -> int:
    if update.effective_chat is None:
        raise ValueError("update without a chat")
    return update.effective_chat.id

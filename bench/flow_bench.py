"""Letter-flow steps per second through the real handlers, against a bare PTB echo handler.

Both run in this process on the same in-process transport; the flow uses a real SQLite file.
The printed ratio (flow step time / echo time) is the figure to watch; the target is <= 3.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from itertools import count
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bench.transport import InProcessRequest
from bot.campaign import find_campaign, load_campaign
from bot.config import Settings
from bot.store import Store
from bot.telegram.app import build_application

TOKEN = "123456:BENCHMARK-TOKEN-NOT-REAL-0000000000"
_update_ids = count(1)


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Ani", "last_name": f"N{user_id}"}


def message_update(user_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private"},
        "from": _user(user_id),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": next(_update_ids), "message": message}


def callback_update(user_id: int, message: dict[str, Any], data: str) -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": _user(user_id),
            "chat_instance": str(user_id),
            "message": message,
            "data": data,
        },
    }


def _button(message: dict[str, Any], startswith: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for button in row:
            if button["text"].startswith(startswith):
                return str(button["callback_data"])
    raise LookupError(f"no button starting with {startswith!r}")


async def run_flow(
    users: int, workdir: Path, concurrency: int = 1
) -> tuple[float, int, int, InProcessRequest]:
    """Drive `users` complete conversations; returns (seconds, steps, letters, transport)."""
    transport = InProcessRequest()
    campaign = load_campaign(find_campaign(None))
    store = Store.from_url(f"sqlite:///{workdir / 'bench.db'}")
    settings = Settings(token=TOKEN, database_url="unused")
    app = build_application(
        settings, campaign, store, request=transport, get_updates_request=transport,
        rate_limiter=False,
    )  # fmt: skip
    steps = 0
    async with app:
        bot = app.bot

        async def feed(data: dict[str, Any]) -> None:
            nonlocal steps
            steps += 1
            await app.process_update(Update.de_json(data, bot))

        async def conversation(uid: int) -> None:
            async def tap(label: str) -> None:
                message = transport.last_message[uid]
                await feed(callback_update(uid, message, _button(message, label)))

            await feed(message_update(uid, "/letter"))
            await tap("✅ The Secretary")
            await tap("Continue")
            await tap("Continue")
            await tap("✍️")
            await feed(message_update(uid, "91203"))
            await feed(message_update(uid, f"My family came from Shushi. Supporter {uid}."))

        started = time.perf_counter()
        uids = iter(range(10_000, 10_000 + users))

        async def worker() -> None:
            for uid in uids:
                await conversation(uid)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    store.close()
    return elapsed, steps, users, transport


async def run_echo(updates: int, concurrency: int = 1) -> float:
    transport = InProcessRequest()
    app = (
        Application.builder().token(TOKEN).request(transport).get_updates_request(transport).build()
    )

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message and update.message.text:
            await update.message.reply_text(update.message.text)

    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        numbers = iter(range(updates))

        async def worker() -> None:
            for i in numbers:
                data = message_update(20_000 + i % 100, "hello there")
                await app.process_update(Update.de_json(data, app.bot))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started


async def run_bare_button(updates: int, concurrency: int = 1) -> float:
    """A bare PTB button handler: answer the query and edit its message, as a flow step does."""
    transport = InProcessRequest()
    app = (
        Application.builder().token(TOKEN).request(transport).get_updates_request(transport).build()
    )
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"Choice {i}", callback_data=f"c|{i}")] for i in range(3)]
    )

    async def on_tap(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is not None:
            await query.answer()
            await query.edit_message_text(f"You chose {query.data}", reply_markup=keyboard)

    app.add_handler(CallbackQueryHandler(on_tap))
    async with app:
        for uid in range(30_000, 30_100):
            await app.bot.send_message(uid, "Choose", reply_markup=keyboard)
        numbers = iter(range(updates))

        async def worker() -> None:
            for i in numbers:
                uid = 30_000 + i % 100
                message = transport.last_message[uid]
                data = callback_update(uid, message, f"c|{i % 3}")
                await app.process_update(Update.de_json(data, app.bot))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=300, help="simulated conversations")
    parser.add_argument("--concurrency", type=int, default=32, help="users talking at once")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run_flow(20, Path(tmp) / "warm"))  # warm-up: imports, templates, ZIP table
    with tempfile.TemporaryDirectory() as tmp:
        flow_s, steps, letters, transport = asyncio.run(
            run_flow(args.users, Path(tmp), args.concurrency)
        )
    echo_s = asyncio.run(run_echo(steps, args.concurrency))
    button_s = asyncio.run(run_bare_button(steps, args.concurrency))
    button_rate = steps / button_s
    flow_rate, echo_rate = steps / flow_s, steps / echo_s
    sends = sum(transport.calls[m] for m in ("sendMessage", "sendDocument"))
    edits = sum(v for k, v in transport.calls.items() if k.startswith("edit"))
    print(f"letter flow : {steps} steps in {flow_s:.2f}s = {flow_rate:,.0f} steps/s")
    print(f"bare echo   : {steps} updates in {echo_s:.2f}s = {echo_rate:,.0f} updates/s")
    print(f"bare button : {steps} taps in {button_s:.2f}s = {button_rate:,.0f} taps/s")
    print(f"ratio       : a flow step costs {echo_rate / flow_rate:.2f}x a bare echo (target <= 3)")
    print(
        f"              and {button_rate / flow_rate:.2f}x a bare button handler "
        "(answer + edit, the Bot API work a flow step does)"
    )
    print(
        f"sends/letter: {sends / letters:.2f} messages + {edits / letters:.2f} edits per drafted "
        f"letter ({letters} conversations, {transport.calls['answerCallbackQuery']} callbacks "
        "answered)"
    )
    return 0

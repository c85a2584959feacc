"""Starting a built Application the way `Application.run_polling` does, inside a benchmark's own
event loop (so the benchmark can drive users while the bot polls)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


async def start_polling(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """initialize, post_init (the bot's jobs and command menus), polling, start."""
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    await app.start()

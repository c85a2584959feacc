"""Campaign files reloaded without a restart, over HTTP: /reload by an organizer, a file with
an error refused whole while the running campaign stays, and `campaign-bot reload` reaching the
running bot through the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.campaign import find_campaign, load_campaign
from bot.cli import main
from bot.telegram.reloading import RELOADER
from tests.e2e.conftest import start_bot, stop_bot
from tests.e2e.helpers import settle

ORGANIZER = 9101


def _retitle(path: Path, title: str) -> None:
    text = path.read_text(encoding="utf-8")
    current = next(line for line in text.splitlines() if line.startswith("title = "))
    path.write_text(text.replace(current, f'title = "{title}"', 1), encoding="utf-8")


async def test_reload_from_telegram_and_from_the_command_line(
    fake: Any,
    database_url: str,
    make_supporter: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: Any,
) -> None:
    folder = tmp_path / "campaigns"
    folder.mkdir()
    path = folder / "lachin-2023.toml"
    path.write_text(find_campaign(None).read_text(encoding="utf-8"), encoding="utf-8")
    bot = await start_bot(
        fake,
        database_url,
        load_campaign(path),
        admin_ids=frozenset({ORGANIZER}),
        campaigns_dir=folder,
    )
    organizer, supporter = make_supporter(ORGANIZER, "Org", None), make_supporter(9102, "Ani")
    try:
        _retitle(path, "Accountability for Nagorno-Karabakh, updated")
        answer = await organizer.say("/reload")
        assert "Campaign files reloaded (1 campaign)" in answer.content
        assert "updated" in (await supporter.say("/demands")).content

        path.write_text(path.read_text(encoding="utf-8") + "\nnot toml at all ==\n")
        refused = await organizer.say("/reload")
        assert "Nothing reloaded" in refused.content and "lachin-2023.toml" in refused.content
        assert "updated" in (await supporter.say("/demands")).content  # the running one stays
        assert "❌" not in (await supporter.say("/help")).content

        text = path.read_text(encoding="utf-8").replace("\nnot toml at all ==\n", "")
        path.write_text(text, encoding="utf-8")
        _retitle(path, "Accountability, reloaded from the command line")
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("CAMPAIGNS", str(folder))
        monkeypatch.delenv("CAMPAIGN", raising=False)
        assert main(["reload"]) == 0
        await bot.app.bot_data[RELOADER].check()  # what the job does every 10 seconds
        assert "command line" in (await supporter.say("/demands")).content
        await settle(bot)
        assert [
            c.describe()
            for c in fake.errors
            if not (c.method == "setMyCommands" and "chat not found" in (c.error or ""))
        ] == []
    finally:
        await stop_bot(bot)
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"][:1] != []

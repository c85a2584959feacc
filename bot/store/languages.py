"""The languages supporters picked with /language: few do, so all of them fit in one read."""

from __future__ import annotations

from sqlmodel import col, select

from bot.store.models import Supporter
from bot.store.repo import Repo


def chosen_languages(repo: Repo) -> dict[int, str]:
    """{Telegram id: language} of every supporter who picked one."""
    query = select(col(Supporter.telegram_id), col(Supporter.chosen_language)).where(
        col(Supporter.chosen_language).is_not(None)
    )
    return {telegram_id: language for telegram_id, language in repo.session.exec(query) if language}

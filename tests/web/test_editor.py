"""The letter editor's endpoints (bot/web/editor.py) on a real store, with a stand-in Bot that
records what the chat is shown: only the letter's supporter, with a valid initData, reads and
changes it, by the chat's rules, and the chat's message follows."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden

from bot.campaign import Campaign
from bot.store import Store
from bot.supporters.editing import remember_message
from bot.supporters.profile import welcome
from bot.supporters.views import Person
from bot.telegram.supporters.use_cases import UseCases
from bot.web.app import web_app
from bot.web.context import WebContext
from bot.web.init_data import sign
from tests.supporters.drive import ANI, ARA, letter_row, write_letters

TOKEN = "123456:editor-test-token"
OWN = "Dear office,\n\nI am Ani from Glendale, and every word of this letter is my own."


@dataclass
class ChatBot:
    """What a Bot needs for the editor: edits and sends, recorded; `refuse` makes edits fail."""

    refuse: Exception | None = None
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    next_id: int = 500

    async def edit_message_text(self, text: str, chat_id: int, message_id: int, **kw: Any) -> Any:
        self.calls.append(("edit", {"text": text, "chat_id": chat_id, "message_id": message_id}))
        if self.refuse is not None:
            raise self.refuse
        return True

    async def edit_message_reply_markup(self, chat_id: int, message_id: int, **kw: Any) -> Any:
        self.calls.append(("markup", {"chat_id": chat_id, "message_id": message_id}))
        return True

    async def send_message(self, chat_id: int, text: str, **kw: Any) -> Any:
        self.next_id += 1
        self.calls.append(("send", {"text": text, "chat_id": chat_id}))
        return SimpleNamespace(message_id=self.next_id)


@dataclass
class Editor:
    client: httpx.AsyncClient
    bot: ChatBot
    store: Store
    letter_id: int
    drafted: str


def auth(person: Person, auth_date: int | None = None, token: str = TOKEN) -> dict[str, str]:
    user = json.dumps({"id": person.id, "first_name": "Ani", "language_code": "hy"})
    fields = {"user": user, "auth_date": str(auth_date or int(time.time()))}
    return {"Authorization": f"tma {sign(fields, token)}"}


@pytest.fixture
async def editor(tmp_store: Store, campaign: Campaign) -> AsyncIterator[Editor]:
    use = UseCases(campaign, tmp_store, web_url="https://letters.example.org")
    written = write_letters(tmp_store, use.drafting).letters[0]  # type: ignore[arg-type]
    tmp_store.call(remember_message, ANI.id, written.id, 77)
    tmp_store.call(welcome, ARA)
    bot = ChatBot()
    web = WebContext(use, frozenset(), TOKEN, cast(Bot, bot))
    transport = httpx.ASGITransport(app=web_app(web))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Editor(client, bot, tmp_store, written.id, written.body)


def url(editor: Editor, tail: str = "") -> str:
    return f"/app/api/letters/{editor.letter_id}{tail}"


async def test_the_supporter_reads_their_letter(editor: Editor) -> None:
    response = await editor.client.get(url(editor), headers=auth(ANI))
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == editor.drafted and body["recipient"]
    assert (body["editable"], body["edited"], body["closed"]) == (True, False, None)
    assert body["limits"] == {"min": 20, "max": 4000}
    assert 0 <= body["score"] <= 1
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer x"},
        auth(ANI, token="123456:another-bot"),
        auth(ANI, auth_date=int(time.time()) - 2 * 3600),
    ],
    ids=["none", "not-tma", "tampered", "expired"],
)
async def test_without_a_valid_init_data_nothing_is_served(
    editor: Editor, headers: dict[str, str]
) -> None:
    for method, tail in (("GET", ""), ("PUT", ""), ("POST", "/score"), ("POST", "/reset")):
        response = await editor.client.request(
            method, url(editor, tail), headers=headers, json={"text": OWN}
        )
        assert response.status_code == 401, (method, tail)
        assert response.json()["error"]
    assert letter_row(editor.store, editor.letter_id).body == editor.drafted


async def test_someone_elses_letter_is_not_found(editor: Editor) -> None:
    for method, tail in (("GET", ""), ("PUT", ""), ("POST", "/score"), ("POST", "/reset")):
        response = await editor.client.request(
            method, url(editor, tail), headers=auth(ARA), json={"text": OWN}
        )
        assert response.status_code == 404, (method, tail)
    assert (
        await editor.client.get("/app/api/letters/99999999999", headers=auth(ANI))
    ).status_code == 404
    assert letter_row(editor.store, editor.letter_id).body == editor.drafted
    assert editor.bot.calls == []


async def test_the_score_follows_the_text(editor: Editor) -> None:
    drafted = await editor.client.post(
        url(editor, "/score"), headers=auth(ANI), json={"text": editor.drafted}
    )
    own = await editor.client.post(url(editor, "/score"), headers=auth(ANI), json={"text": OWN})
    assert own.json()["score"] > drafted.json()["score"]
    assert own.json()["length"] == len(OWN)
    bad = await editor.client.post(url(editor, "/score"), headers=auth(ANI), content=b"not json")
    assert bad.status_code == 400


async def test_a_save_keeps_the_supporters_version_and_edits_the_chat_message(
    editor: Editor,
) -> None:
    response = await editor.client.put(url(editor), headers=auth(ANI), json={"text": OWN + "\x00"})
    assert response.status_code == 200
    body = response.json()
    assert (body["text"], body["edited"], body["chat_updated"]) == (OWN, True, True)
    row = letter_row(editor.store, editor.letter_id)
    assert (row.body, row.edited, row.score) == (OWN, True, body["score"])
    kind, call = editor.bot.calls[0]
    assert (kind, call["chat_id"], call["message_id"]) == ("edit", ANI.id, 77)
    assert "every word of this letter is my own" in call["text"]


async def test_a_chat_message_that_cannot_be_edited_is_replaced(editor: Editor) -> None:
    editor.bot.refuse = BadRequest("Message to edit not found")
    response = await editor.client.put(url(editor), headers=auth(ANI), json={"text": OWN})
    assert response.status_code == 200 and response.json()["chat_updated"] is True
    assert [kind for kind, _ in editor.bot.calls] == ["edit", "markup", "send"]
    assert letter_row(editor.store, editor.letter_id).message_id == editor.bot.next_id


async def test_a_save_stands_when_telegram_refuses_the_chat(editor: Editor) -> None:
    editor.bot.refuse = Forbidden("bot was blocked by the user")
    editor.bot.send_message = _blocked  # type: ignore[method-assign]
    response = await editor.client.put(url(editor), headers=auth(ANI), json={"text": OWN})
    assert response.status_code == 200 and response.json()["chat_updated"] is False
    assert letter_row(editor.store, editor.letter_id).body == OWN


async def _blocked(*args: Any, **kwargs: Any) -> Any:
    raise Forbidden("bot was blocked by the user")


async def test_too_short_and_too_long_are_refused(editor: Editor) -> None:
    short = await editor.client.put(
        url(editor), headers=auth(ANI), json={"text": " too short \x01"}
    )
    assert short.status_code == 422 and short.json()["reason"] == "letter_too_short"
    long = await editor.client.put(url(editor), headers=auth(ANI), json={"text": "word " * 1000})
    assert long.status_code == 422 and long.json()["reason"] == "too_long"
    huge = await editor.client.put(url(editor), headers=auth(ANI), json={"text": "x" * 70000})
    assert huge.status_code == 413
    assert letter_row(editor.store, editor.letter_id).body == editor.drafted
    assert editor.bot.calls == []


async def test_reset_brings_the_drafted_text_back(editor: Editor) -> None:
    await editor.client.put(url(editor), headers=auth(ANI), json={"text": OWN})
    response = await editor.client.post(url(editor, "/reset"), headers=auth(ANI))
    assert response.status_code == 200
    assert (response.json()["text"], response.json()["edited"]) == (editor.drafted, False)
    row = letter_row(editor.store, editor.letter_id)
    assert (row.body, row.edited) == (editor.drafted, False)
    assert editor.bot.calls[-1][1]["text"].count(editor.drafted.split("\n")[0]) == 1


async def test_a_sent_letter_is_refused_with_a_conflict(editor: Editor) -> None:
    editor.store.call(_mark_sent, editor.letter_id)
    shown = (await editor.client.get(url(editor), headers=auth(ANI))).json()
    assert (shown["editable"], shown["closed"]) == (False, "sent")
    for method, tail in (("PUT", ""), ("POST", "/reset")):
        response = await editor.client.request(
            method, url(editor, tail), headers=auth(ANI), json={"text": OWN}
        )
        assert response.status_code == 409 and response.json()["reason"] == "sent"
        assert "marked sent" in response.json()["error"]
    assert letter_row(editor.store, editor.letter_id).body == editor.drafted


def _mark_sent(repo: Any, letter_id: int) -> None:
    repo.mark_sent(repo.supporter(ANI.id).id, letter_id)

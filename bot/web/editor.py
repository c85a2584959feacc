"""The letter editor's endpoints, for the supporter whose letter it is (`WebContext.user`):

- GET  /app/api/letters/{id}: the letter (text, recipient, score, limits, edited, editable);
- POST /app/api/letters/{id}/score {"text"}: the score a text being typed would have;
- PUT  /app/api/letters/{id} {"text"}: the text becomes the supporter's version of the letter;
- POST /app/api/letters/{id}/reset: the drafted text back.

A save and a reset then show the letter's new text in the chat, on the message that shows it
(sent anew when that message cannot be edited). The rules are the core's
(bot/supporters/editing.py): someone else's letter is 404 (as one that does not exist), a letter
whose draft is closed (sent, answers gone, campaign gone) is 409, a text too short or too long
422, each with an {"error": …} the page shows and a "reason" it can word in its own language.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from telegram.error import TelegramError

from bot import flow
from bot.supporters.editing import CAMPAIGN_GONE, NO_ANSWERS, SENT, Closed, EditorLetter, Scored
from bot.supporters.letter_actions import MAX_LETTER_LENGTH, MIN_LETTER_LENGTH
from bot.supporters.views import Person
from bot.telegram import i18n
from bot.telegram.supporters.letter_messages import on_screen, refresh_letter
from bot.web.context import WebContext
from bot.web.init_data import WebAppUser

log = logging.getLogger(__name__)
API = "/app/api/letters"
MAX_BODY_BYTES = 64 * 1024  # a letter of 4,000 characters, in any script, as JSON, and more
NOT_FOUND = "no such letter among yours: open the editor from your letter in the chat"
CLOSED = {
    SENT: "this letter is marked sent, so it stays as it went",
    NO_ANSWERS: "the answers this letter was written from are no longer kept",
    CAMPAIGN_GONE: "this letter's campaign is no longer run by the bot",
}
REFUSED = {
    "letter_too_short": f"the letter is too short: at least {MIN_LETTER_LENGTH} characters",
    "too_long": f"the letter is too long: at most {MAX_LETTER_LENGTH} characters",
}
MAX_ID = 2**31 - 1
NO_STORE = {"Cache-Control": "no-store"}


def _person(user: WebAppUser) -> Person:
    return Person(user.id, user.first_name, user.language_code)


def _letter_id(request: Request) -> int:
    letter_id = int(request.path_params["letter_id"])
    if letter_id > MAX_ID:  # no row has it, and the database would refuse to look it up
        raise HTTPException(404, NOT_FOUND)
    return letter_id


async def _text(request: Request) -> str:
    """The "text" of the request's JSON body; 400 for anything else, 413 for a huge one
    (read no further than MAX_BODY_BYTES, whatever the request says its length is)."""
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            raise HTTPException(413, REFUSED["too_long"])
    try:
        text = json.loads(raw).get("text")
    except (ValueError, AttributeError):
        text = None
    if not isinstance(text, str):
        raise HTTPException(400, 'send JSON with the letter as "text"')
    return text


def _refusal(found: Closed | flow.InvalidAnswer | None) -> Response:
    """The answer to a request the core refused."""
    if found is None:
        raise HTTPException(404, NOT_FOUND)
    if isinstance(found, Closed):
        error = "this letter can no longer be edited: " + CLOSED.get(found.reason, found.reason)
        return JSONResponse({"error": error, "reason": found.reason}, 409)
    reason = found.reason
    return JSONResponse({"error": REFUSED.get(reason, reason), "reason": reason}, 422)


def _shown(shown: EditorLetter, language: str | None, **extra: Any) -> Response:
    letter = shown.letter
    with i18n.use(language):
        recipient = on_screen(letter).target.label
    body = {
        "id": letter.id,
        "text": letter.body,
        "recipient": recipient,
        "score": letter.score,
        "edited": letter.edited,
        "sent": letter.sent,
        "editable": shown.closed is None,
        "closed": shown.closed,
        "closed_error": CLOSED.get(shown.closed) if shown.closed else None,
        "number": letter.number,
        "total": letter.total,
        "limits": {"min": MIN_LETTER_LENGTH, "max": MAX_LETTER_LENGTH},
        "language": i18n.supported(language),
        **extra,
    }
    return JSONResponse(body, headers=NO_STORE)


async def _update_chat(web: WebContext, user: WebAppUser, shown: EditorLetter) -> bool:
    """The chat shows the letter's new text (in the supporter's language); False when Telegram
    refuses (the supporter blocked the bot, a network failure): the change is saved anyway."""
    with i18n.use(shown.language or user.language_code):
        try:
            await refresh_letter(web.use, web.bot, user.id, shown.letter, shown.message_id)
        except TelegramError as error:
            log.warning("web: letter %s saved, chat not updated: %s", shown.letter.id, error)
            return False
    return True


async def _changed(
    web: WebContext, user: WebAppUser, found: EditorLetter | Closed | flow.InvalidAnswer | None
) -> Response:
    """The answer to a save or a reset: the letter as it is now, once the chat shows it."""
    if not isinstance(found, EditorLetter):
        return _refusal(found)
    log.info("web: user %s changed letter %s in the editor", user.id, found.letter.id)
    updated = await _update_chat(web, user, found)
    return _shown(found, found.language or user.language_code, chat_updated=updated)


def editor_routes(web: WebContext) -> list[BaseRoute]:
    # `web.use.actions` is read at each request: a reload swaps the routers.
    async def read(request: Request) -> Response:
        user = web.user(request)
        found = await web.use.store.run(
            web.use.actions.open_editor, _person(user), _letter_id(request)
        )
        if not isinstance(found, EditorLetter):
            return _refusal(found)
        return _shown(found, found.language or user.language_code)

    async def score(request: Request) -> Response:
        user = web.user(request)
        text = await _text(request)
        run = web.use.store.run
        found = await run(web.use.actions.score_edit, _person(user), _letter_id(request), text)
        if not isinstance(found, Scored):
            return _refusal(found)
        return JSONResponse({"score": found.score, "length": found.length}, headers=NO_STORE)

    async def save(request: Request) -> Response:
        user = web.user(request)
        text = await _text(request)
        run = web.use.store.run
        found = await run(web.use.actions.save_edit, _person(user), _letter_id(request), text)
        return await _changed(web, user, found)

    async def reset(request: Request) -> Response:
        user = web.user(request)
        run = web.use.store.run
        found = await run(web.use.actions.reset_edit, _person(user), _letter_id(request))
        return await _changed(web, user, found)

    letter = API + "/{letter_id:int}"
    return [
        Route(letter, read, methods=["GET"]),
        Route(letter, save, methods=["PUT"]),
        Route(letter + "/score", score, methods=["POST"]),
        Route(letter + "/reset", reset, methods=["POST"]),
    ]

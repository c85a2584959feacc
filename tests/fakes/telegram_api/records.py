"""What the fake Bot API hands out and remembers: Telegram's limits and error texts, and the
records a test reads (users, files, the bot's messages, calls, button taps, webhook POSTs)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

# Telegram's documented limits, counted after entity parsing in UTF-16 code units.
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BLOCKED = "Forbidden: bot was blocked by the user"
CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"
CHAT_NOT_FOUND = "Bad Request: chat not found"


class ApiError(Exception):
    """A Telegram-shaped API failure; the HTTP status equals ``error_code`` as Telegram does."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram would answer with."""
        out: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def bad_request(description: str) -> ApiError:
    """400 with Telegram's "Bad Request: " prefix, so PTB raises BadRequest."""
    return ApiError(400, f"Bad Request: {description}")


@dataclass(frozen=True)
class FakeUser:
    """A simulated Telegram user; their private chat with the bot has ``id == user.id``."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"

    def to_api(self) -> dict[str, Any]:
        """The User object as Telegram sends it."""
        out: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    def chat_api(self) -> dict[str, Any]:
        """The private Chat object for this user."""
        out: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            out["last_name"] = self.last_name
        if self.username is not None:
            out["username"] = self.username
        return out


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as recorded in ``ApiCall.params``."""

    filename: str | None
    content: bytes
    content_type: str | None = None


@dataclass
class SentFile:
    """A file known to the fake (uploaded by the bot or sent by a simulated user)."""

    file_id: str
    file_unique_id: str
    filename: str | None
    content: bytes
    mime_type: str | None
    kind: str  # "document" or "photo"
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        """Size in bytes, as Telegram reports file_size."""
        return len(self.content)

    def document_api(self) -> dict[str, Any]:
        """The Document object for this file."""
        out: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.filename is not None:
            out["file_name"] = self.filename
        if self.mime_type is not None:
            out["mime_type"] = self.mime_type
        return out

    def photo_api(self) -> list[dict[str, Any]]:
        """The PhotoSize list Telegram returns for a photo (thumbnail and original)."""
        width, height = self.width or 1, self.height or 1
        scale = min(1.0, 90 / max(width, height))
        sizes = [(max(1, round(width * scale)), max(1, round(height * scale)), "s")]
        if scale < 1.0:
            sizes.append((width, height, "x"))
        return [
            {
                "file_id": f"{self.file_id}-{tag}",
                "file_unique_id": f"{self.file_unique_id}{tag}",
                "width": w,
                "height": h,
                "file_size": self.size,
            }
            for w, h, tag in sizes
        ]


def inline_only(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of reply_markup a Message carries: inline keyboards only, empty ones dropped."""
    if not markup or "inline_keyboard" not in markup:
        return None
    if not any(markup["inline_keyboard"]):
        return None
    return markup


@dataclass
class BotMessage:
    """A message the bot put into a chat, in its current state (edits applied)."""

    message_id: int
    chat_id: int
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    document: SentFile | None = None
    photo: SentFile | None = None
    edit_date: int | None = None
    edits: int = 0
    version: int = 0

    @property
    def content(self) -> str:
        """The text, or the caption of a media message ("" if neither)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        """Rows of the inline keyboard (empty if none)."""
        markup = self.reply_markup or {}
        return markup.get("inline_keyboard") or []

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """(text, callback_data or url) for every button; reply-keyboard buttons give None."""
        markup = self.reply_markup or {}
        if "inline_keyboard" in markup:
            return [
                (b["text"], b.get("callback_data", b.get("url")))
                for row in markup["inline_keyboard"]
                for b in row
            ]
        return [
            (b if isinstance(b, str) else b["text"], None)
            for row in markup.get("keyboard", [])
            for b in row
        ]

    def button_data(self, text: str) -> str:
        """callback_data of the inline button labelled ``text`` (exact match, else substring)."""
        buttons = [(t, d) for t, d in self.buttons if d is not None]
        for label, data in buttons:
            if label == text:
                return data
        matches = [data for label, data in buttons if text in label]
        if len(matches) == 1:
            return matches[0]
        raise AssertionError(f"no single button {text!r} in message {self.message_id}: {buttons}")

    def to_api(self, bot_user: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        """The Message object Telegram returns for this message."""
        out: dict[str, Any] = {
            "message_id": self.message_id,
            "from": bot_user,
            "chat": chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            out["edit_date"] = self.edit_date
        if self.text is not None:
            out["text"] = self.text
            if self.entities:
                out["entities"] = self.entities
        if self.document is not None:
            out["document"] = self.document.document_api()
        if self.photo is not None:
            out["photo"] = self.photo.photo_api()
        if self.caption:
            out["caption"] = self.caption
            if self.caption_entities:
                out["caption_entities"] = self.caption_entities
        inline = inline_only(self.reply_markup)
        if inline is not None:
            out["reply_markup"] = inline
        return copy.deepcopy(out)


@dataclass
class ApiCall:
    """One HTTP request to the fake and what it answered."""

    method: str
    params: dict[str, Any]
    status: int
    error: str | None
    chat_id: int | str | None
    result: Any = None
    token: str = ""
    http_method: str = "POST"
    at: float = 0.0  # time.time() when answered
    # time.monotonic() when the request reached the fake: what its flood control counts.
    arrived: float = 0.0
    abandoned: bool = False  # the client had hung up (e.g. a poll PTB cancelled on shutdown)

    @property
    def ok(self) -> bool:
        """True when Telegram would have answered ok=true."""
        return self.status < 400

    def describe(self) -> str:
        """One line for failure dumps."""
        text = self.params.get("text", self.params.get("caption"))
        shown = f" text={str(text)[:60]!r}" if text is not None else ""
        outcome = f"-> {self.status}" + (f" {self.error}" if self.error else "")
        return f"{self.method} chat={self.chat_id}{shown} {outcome}"


@dataclass
class CallbackQueryRecord:
    """A simulated button tap and how (whether) the bot answered it."""

    id: str
    user_id: int
    message_id: int
    data: str
    update_id: int
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False


@dataclass
class WebhookDelivery:
    """One POST of a queued update to the bot's webhook, and the HTTP status it got (0: none)."""

    update_id: int
    status: int

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

"""The delivery kit's printable parts: a letter as PDF and a 30-second phone script.

Core modules, no Telegram imports: the adapter decides how to send what these return.
"""

from __future__ import annotations

from bot.delivery.pdf import letter_pdf, printable
from bot.delivery.phone import PhoneScript, PhoneScriptRenderer, speaking_seconds, word_count

__all__ = [
    "PhoneScript",
    "PhoneScriptRenderer",
    "letter_pdf",
    "printable",
    "speaking_seconds",
    "word_count",
]

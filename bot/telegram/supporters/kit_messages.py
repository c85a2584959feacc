"""The printable kit on Telegram: the letter's PDF (built once per letter and inputs, then sent
again by the file_id Telegram gave it), then phone scripts and every way to reach the office."""

from __future__ import annotations

import asyncio
import logging
import weakref

from telegram import Bot, InputFile
from telegram.error import BadRequest

from bot.campaign import Campaign
from bot.delivery.phone import PhoneScriptRenderer
from bot.store import Repo
from bot.supporters.kits import KitPdf
from bot.supporters.views import Kit
from bot.telegram.render import render
from bot.telegram.sending import send
from bot.telegram.supporters import keyboards
from bot.telegram.supporters.letter_messages import letter_filename, on_screen
from bot.telegram.supporters.use_cases import UseCases

log = logging.getLogger(__name__)


class KitMessages:
    """Sends kits; one PDF build at a time per letter, so a double tap builds it once."""

    def __init__(self, use: UseCases) -> None:
        self.use = use
        self.store = use.store
        self._phone: dict[str, tuple[Campaign, PhoneScriptRenderer]] = {}
        # A lock goes when nobody holds or waits for it.
        self._pdf_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def _phone_renderer(self, campaign_id: str) -> PhoneScriptRenderer:
        """The phone scripts of a letter's campaign (rebuilt after a reload changed it)."""
        campaign = self.use.campaign_of(campaign_id)
        built = self._phone.get(campaign.id)
        if built is None or built[0] is not campaign:
            built = self._phone[campaign.id] = (campaign, PhoneScriptRenderer(campaign))
        return built[1]

    async def send_kit(self, bot: Bot, chat_id: int, kit: Kit) -> None:
        """A printable PDF of the letter, then phone scripts and every way to reach them."""
        await self._send_pdf(bot, chat_id, kit)
        renderer = self._phone_renderer(kit.letter.campaign_id)
        scripts = renderer.scripts(kit.letter.target, kit.demands, kit.signer)
        text = render("kit", letter=on_screen(kit.letter), scripts=scripts)
        await send(bot, chat_id, text, keyboards.letter_sent_keyboard(kit.letter))

    async def _send_pdf(self, bot: Bot, chat_id: int, kit: Kit) -> None:
        """The kit's PDF: building one costs about 0.4 s of CPU, so it is uploaded once and
        re-sent by file_id. A file_id Telegram no longer takes (another bot token, a lost file)
        is replaced by one new upload."""
        pdf = KitPdf.of(kit, letter_filename(kit.letter, "pdf"))
        caption = render("kit_caption", letter=on_screen(kit.letter))
        letter_id = kit.letter.id
        lock = self._pdf_locks.setdefault(letter_id, asyncio.Lock())
        async with lock:
            file_id = await self.store.run(_uploaded_pdf, letter_id, pdf)
            if file_id is not None:
                try:
                    await bot.send_document(chat_id, file_id, caption=caption)
                    return
                except BadRequest as error:
                    log.info("the kit's PDF was refused by file_id (%s); uploading it", error)
            content = await asyncio.to_thread(pdf.build)
            sent = await bot.send_document(
                chat_id, InputFile(content, filename=pdf.filename), caption=caption
            )
            if sent.document is not None:
                uploaded = sent.document.file_id
                await self.store.run(_remember_pdf, letter_id, pdf, uploaded)


def _uploaded_pdf(repo: Repo, letter_id: int, pdf: KitPdf) -> str | None:
    """The file_id of this very PDF if an earlier kit of the letter uploaded it."""
    return repo.letter_pdf_file_id(letter_id, pdf.key)


def _remember_pdf(repo: Repo, letter_id: int, pdf: KitPdf, file_id: str) -> None:
    """Keep the file_id Telegram gave the upload, for the letter's next kit."""
    repo.set_letter_pdf(letter_id, pdf.key, file_id)

"""The delivery kit through the fake Bot API: a printable PDF, a phone script, every contact."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.e2e.helpers import assert_clean, drive_to_letters, latest, letter_rows


async def test_kit_gives_pdf_phone_script_and_contacts(running_bot, make_supporter, caplog) -> None:
    fake = running_bot.fake
    ani = make_supporter(1001, "Անի", "Հակոբյան")
    await ani.say("/start")
    drive = await drive_to_letters(ani, story="Իմ տատիկը ծնվել է Շուշիում։")
    letter = drive.letters[0]
    await ani.tap("PDF, phone script", letter)
    await fake.wait_for(lambda f: f.calls_to("sendDocument") and "Or call" in latest(ani).content)

    pdf_message = next(m for m in fake.chat(ani.id) if m.document is not None)
    assert pdf_message.document.filename == "letter-to-the-president.pdf"
    assert "Printable letter to The President" in pdf_message.caption
    assert "1600 Pennsylvania Avenue NW" in pdf_message.caption
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf_message.document.content)).pages
    )
    assert "Անի Հակոբյան" in text
    assert "Իմ տատիկը ծնվել է Շուշիում" in text
    assert "Dear Mr. President" in text

    kit = latest(ani)
    assert "calling the office of the President of the United States" in kit.content
    assert "Անի Հակոբյան from Glendale, CA" in kit.content
    assert "+1-202-456-1111" in kit.content
    assert "White House contact form" in kit.content

    # "I sent it" under the kit records the send once and leaves the kit's text alone.
    await ani.tap("I sent it", kit)
    row = next(r for r in letter_rows(running_bot, ani.id) if r.target_id == "president")
    assert row.sent_at is not None
    assert fake.message(ani.id, kit.message_id).buttons == []
    assert "Or call" in fake.message(ani.id, kit.message_id).content
    await assert_clean(running_bot, caplog)

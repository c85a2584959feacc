"""The printable letter: real glyphs for non-Latin names, text that extracts back, paging.

Extraction uses pypdf (a test-only dependency): what a reader's PDF viewer can copy is what
the font drew, so an Armenian name that extracts back was drawn with real Armenian glyphs.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from datetime import date
from importlib.util import find_spec

import pytest
from pypdf import PdfReader

from bot.campaign import Campaign, Target
from bot.delivery import pdf as pdf_module
from bot.delivery import printable
from bot.delivery.pdf import LINE_MM, SIGNATURE_GAP_MM, letter_pdf
from bot.letters import LetterRenderer, LetterRequest, Signer
from bot.places import Place

TODAY = date(2025, 1, 2)
NAME = "Անի Հակոբյան"
PLACE = "Երևան, Հայաստան"
ARMENIA = Place(city="Երևան", region="Հայաստան")
SIGNOFFS = ("Sincerely,", "Respectfully,", "With thanks,")  # the bundled templates' closings
LAST_PARAGRAPHS = (  # the bundled templates' last paragraph, before the signoff
    "I would be grateful for a reply",
    "Please let me know what you decide",
    "I look forward to your answer",
)
FRESNO = Place(city="Fresno", state="CA", zip="93721")
STREET = "123 Main Street"
STORY = (
    "Իմ տատիկը փրկվել է 1915-ին։ Ես գրում եմ նրա համար, որ այն այլևս երբեք չկրկնվի։ "
    "Մեր ընտանիքը դեռ հիշում է Արցախի ճանապարհը։"
)
EMOJI = "Please act 🙏🏽 now — ❤️ from my family 👨‍👩‍👧 and 🇦🇲."


@pytest.fixture(autouse=True)
def no_warnings() -> Iterator[None]:
    """fpdf2 warns when it skips a glyph; printable() must have left none to skip."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.fixture(scope="module")
def renderer(campaign: Campaign) -> LetterRenderer:
    return LetterRenderer(campaign)


def somewhere(label: str) -> Place | None:
    """A place outside the US that reads exactly as typed ("" for none)."""
    return Place(city=label) if label else None


def make_pdf(
    renderer: LetterRenderer,
    target: Target,
    campaign: Campaign,
    *,
    name: str = NAME,
    place: Place | None = ARMENIA,
    story: str | None = STORY,
    seed: int = 0,
    title: str | None = None,
    street: str | None = None,
    street_in_letter: bool = False,
) -> bytes:
    """As the bot builds the kit: the letter, then its PDF with the signer's address lines; a
    street is usually asked for after the letter was written, for printing only."""
    signer = Signer(name, place, street)
    written = signer if street_in_letter else Signer(name, place)
    demands = campaign.demands_for([target.id])
    body = renderer.render(LetterRequest(target, demands, written, story, seed, TODAY)).body
    return letter_pdf(
        body,
        sender_name=name,
        sender_address=signer.address_lines,
        recipient_lines=[target.holder, *target.address],
        date_text="2 January 2025",
        title=title,
    )


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Whitespace-insensitive: wrapping turns spaces into line breaks."""
    return " ".join(text.split())


# Armenian text is drawn with real glyphs, and the page is a proper letter


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_armenian_name_and_story_extract_back(
    campaign: Campaign, renderer: LetterRenderer, seed: int
) -> None:
    target = campaign.targets[0]
    data = make_pdf(renderer, target, campaign, seed=seed)
    assert data.startswith(b"%PDF-")
    text = "\n".join(pages(data))
    lines = text.splitlines()
    assert lines[:2] == [NAME, PLACE]  # the sender block opens the letter
    assert lines[2] == "2 January 2025"
    assert lines[3 : 3 + 1 + len(target.address)] == [target.holder, *target.address]
    assert f"{target.salutation}:" in lines  # business-letter style
    assert flat(STORY) in flat(text)
    assert lines[-2:] == [NAME, PLACE]  # and the signature closes it
    for demand in campaign.demands_for([target.id]):
        ask = demand.ask_for(target.kind)
        assert ask is not None
        # One of the office's wordings, perhaps starting a sentence with a capital.
        assert any(flat(wording[1:]) in flat(text) for wording in ask.ask), demand.id


def test_page_is_us_letter_and_embeds_dejavu(campaign: Campaign, renderer: LetterRenderer) -> None:
    data = make_pdf(renderer, campaign.targets[1], campaign, title=campaign.title)
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # 8.5 x 11 in
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        assert "DejaVuSans" in font["/BaseFont"]
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # embedded TrueType, not a reference to a system font
    assert b"DejaVuSans" in data
    assert reader.metadata is not None
    assert reader.metadata.title == campaign.title
    assert reader.metadata.author == NAME
    assert campaign.title in pages(data)[0].splitlines()  # printed as the subject line


def test_signature_space_between_closing_and_name(
    campaign: Campaign, renderer: LetterRenderer
) -> None:
    data = make_pdf(renderer, campaign.targets[0], campaign, street=STREET)
    last = PdfReader(io.BytesIO(data)).pages[-1]
    heights: dict[str, float] = {}

    def visit(text: str, cm: object, tm: list[float], *_: object) -> None:
        if text.strip():
            heights[text.strip()] = tm[5]  # the last one: the signature, not the sender

    last.extract_text(visitor_text=visit)
    gap_pt = heights["Sincerely,"] - heights[NAME]
    assert gap_pt >= SIGNATURE_GAP_MM * 72 / 25.4
    # The address goes right under the name, line after line, not after another gap.
    line_pt = LINE_MM * 72 / 25.4
    assert heights[NAME] - heights[STREET] == pytest.approx(line_pt, abs=0.5)
    assert heights[STREET] - heights[PLACE] == pytest.approx(line_pt, abs=0.5)


def has_last_paragraph(text: str) -> bool:
    return any(wording in flat(text) for wording in LAST_PARAGRAPHS)


def test_one_demand_letter_fits_one_page(campaign: Campaign, renderer: LetterRenderer) -> None:
    for target in campaign.targets:
        for demand in campaign.demands_for([target.id]):
            for seed in range(3):
                signer = Signer(NAME, FRESNO, STREET)
                request = LetterRequest(target, [demand], signer, None, seed, TODAY)
                data = letter_pdf(
                    renderer.render(request).body,
                    sender_name=NAME,
                    sender_address=signer.address_lines,
                    recipient_lines=[target.holder, *target.address],
                    date_text="2 January 2025",
                    title=demand.title,
                )
                assert len(pages(data)) == 1, (target.id, demand.id, seed)


def test_usual_letter_fits_two_pages(campaign: Campaign, renderer: LetterRenderer) -> None:
    """Every routed demand, a story, a street and a subject line: what the kit prints."""
    for target in campaign.targets:
        for seed in range(6):
            data = make_pdf(
                renderer, target, campaign, seed=seed, place=FRESNO, street=STREET, title="Re: x"
            )
            texts = pages(data)
            assert len(texts) <= 2, (target.id, seed)
            assert has_last_paragraph(texts[-1])  # kept with the signature


def test_letter_to_congress_with_a_short_story_fits_one_page(campaign: Campaign) -> None:
    """The usual printed letter: two asks to a member of Congress and a sentence or two of the
    supporter's own, with a street and a subject line. Most such letters fit one page; a letter
    with every demand of the bundled campaign, or a long story, may take two."""
    from tests.letters.offices import offices
    from tests.letters.population import supporters

    renderer = LetterRenderer(campaign)
    target, routing = offices(campaign)["senators"]
    demands = campaign.demands_for([routing])
    counts = []
    for person in supporters(24):
        body = renderer.render(
            LetterRequest(target, demands, person.signer, person.story, person.draft_id)
        ).body
        data = letter_pdf(
            body,
            sender_name=person.signer.name,
            sender_address=[STREET, *person.signer.address_lines],
            recipient_lines=[target.holder, *target.address],
            date_text="2 January 2025",
            title="Re: " + "; ".join(d.title for d in demands),
        )
        counts.append(len(pages(data)))
    assert counts.count(1) >= len(counts) // 2 and max(counts) <= 2


def test_long_letter_flows_onto_more_pages(campaign: Campaign, renderer: LetterRenderer) -> None:
    target = campaign.targets[0]
    long_story = "\n\n".join(f"{index}. {STORY}" for index in range(1, 41))
    short = make_pdf(renderer, target, campaign)
    long = make_pdf(renderer, target, campaign, story=long_story)
    texts = pages(long)
    assert len(texts) > len(pages(short)) >= 1
    assert len(texts) >= 3
    everything = flat("\n".join(texts))
    for index in (1, 20, 40):
        assert flat(f"{index}. {STORY}") in everything
    # Pages after the first say whose letter they belong to.
    for number, text in enumerate(texts[1:], start=2):
        assert text.splitlines()[0] == f"{target.holder} · 2 January 2025 · page {number}"


@pytest.mark.parametrize("street", [None, STREET])
@pytest.mark.parametrize("sentences", range(0, 48, 4))
def test_closing_never_stands_alone_on_a_page(
    campaign: Campaign, renderer: LetterRenderer, sentences: int, street: str | None
) -> None:
    story = " ".join([STORY] * sentences) or None
    data = make_pdf(renderer, campaign.targets[0], campaign, story=story, street=street)
    texts = pages(data)
    with_closing = [t for t in texts if "Sincerely," in t]
    assert len(with_closing) == 1
    assert has_last_paragraph(with_closing[0])  # the last paragraph came along
    signature = [NAME, street, PLACE] if street else [NAME, PLACE]
    assert with_closing[0].splitlines()[-len(signature) :] == signature


def test_last_paragraph_longer_than_a_page_starts_where_it_is() -> None:
    huge = " ".join(["A sentence that keeps the last paragraph going."] * 220)
    texts = pages(
        letter_pdf(
            f"Dear Council,\n\n{huge}\n\nSincerely,\nAda",
            sender_name="Ada",
            recipient_lines=["City Council"],
            date_text="2 January 2025",
        )
    )
    assert len(texts) >= 2
    assert "A sentence that keeps" in texts[0]  # no near-empty first page
    assert texts[-1].splitlines()[-2:] == ["Sincerely,", "Ada"]


def test_body_without_signature_gets_one(campaign: Campaign) -> None:
    data = letter_pdf(
        "Dear Council,\n\nPlease keep the library open.",
        sender_name="Ada Reader",
        recipient_lines=["City Council", "", "1 Test Street"],
        date_text="2 January 2025",
    )
    lines = pages(data)[0].splitlines()
    assert lines[:4] == ["Ada Reader", "2 January 2025", "City Council", "1 Test Street"]
    assert lines[-2:] == ["Please keep the library open.", "Ada Reader"]


# The sender's address: at the top, and under the name in the signature, each line once


def test_street_given_for_printing_joins_the_signature(
    campaign: Campaign, renderer: LetterRenderer
) -> None:
    """The street is asked for after the letter is written: the letter's own signature has the
    city line only, and the PDF puts the street under the name, above the city."""
    target = campaign.targets[0]
    request = LetterRequest(
        target, campaign.demands_for([target.id]), Signer(NAME, FRESNO), STORY, 0, TODAY
    )
    body = renderer.render(request).body
    assert STREET not in body
    assert body.splitlines()[-2:] == [NAME, "Fresno, CA 93721"]
    assert Signer(NAME, FRESNO, STREET).address_lines == [STREET, "Fresno, CA 93721"]

    data = make_pdf(renderer, target, campaign, place=FRESNO, street=STREET)
    text = "\n".join(pages(data))
    lines = text.splitlines()
    assert lines[:4] == [NAME, STREET, "Fresno, CA 93721", "2 January 2025"]  # the top block
    assert lines[-3:] == [NAME, STREET, "Fresno, CA 93721"]  # and the signature
    assert lines[-4] in SIGNOFFS
    assert text.count(STREET) == 2
    assert text.count("Fresno, CA 93721") == 2  # the city line already signed: not doubled


def test_street_already_in_the_letter_is_not_printed_twice(
    campaign: Campaign, renderer: LetterRenderer
) -> None:
    target = campaign.targets[0]
    added = make_pdf(renderer, target, campaign, place=FRESNO, street=STREET)
    signed = make_pdf(
        renderer, target, campaign, place=FRESNO, street=STREET, street_in_letter=True
    )
    assert pages(signed) == pages(added)
    text = "\n".join(pages(signed))
    assert text.count(STREET) == 2
    assert text.splitlines()[-3:] == [NAME, STREET, "Fresno, CA 93721"]


def test_address_lines_fill_in_a_signature_in_order() -> None:
    body = (
        "Dear Council,\n\nPlease keep the library open.\n\nSincerely,\nAda Reader\nQuillfield, OR"
    )
    address = ["1 Elm Street", "Apartment 2", "", "  ", "Quillfield, OR"]
    lines = pages(
        letter_pdf(
            body,
            sender_name="Ada Reader",
            sender_address=address,
            recipient_lines=["City Council"],
            date_text="2 January 2025",
        )
    )[0].splitlines()
    expected = ["Ada Reader", "1 Elm Street", "Apartment 2", "Quillfield, OR"]  # blanks dropped
    assert lines[:5] == [*expected, "2 January 2025"]
    assert lines[-5:] == ["Sincerely,", *expected]
    assert lines.count("Quillfield, OR") == 2


def test_body_without_signature_gets_one_with_the_address() -> None:
    lines = pages(
        letter_pdf(
            "Dear Council,\n\nPlease keep the library open.",
            sender_name="Ada Reader",
            sender_address=["1 Elm Street", "Quillfield, OR 97000"],
            recipient_lines=["City Council"],
            date_text="2 January 2025",
        )
    )[0].splitlines()
    signature = ["Ada Reader", "1 Elm Street", "Quillfield, OR 97000"]
    assert lines[:3] == signature
    assert lines[-4:] == ["Please keep the library open.", *signature]


# Supporter text is drawn, never interpreted; what the font lacks never crashes


@pytest.mark.parametrize(
    "payload",
    ["{nb}", "**bold** __under__ --strike--", "{{ 7*7 }}", "<b>x</b> &amp;", "%PDF-1.4 ) ( \\"],
)
def test_supporter_text_printed_literally(
    campaign: Campaign, renderer: LetterRenderer, payload: str
) -> None:
    story = f"Before {payload} after."
    data = make_pdf(renderer, campaign.targets[0], campaign, name=payload, story=story)
    text = "\n".join(pages(data))
    assert flat(story) in flat(text)
    assert text.splitlines()[0] == payload
    assert "49" not in text


@pytest.mark.parametrize(
    ("name", "place", "story"),
    [
        ("Ani 🇦🇲", "Glendale, CA", EMOJI),
        ("مريم خوري", "بيروت، لبنان", "أكتب لأن عائلتي فقدت بيتها.\nهذا مهم لي."),
        ("אבי לוי", "חיפה", "אני כותב כי זה חשוב לי. Mixed with English."),
        ("Γιώργος Παπαδόπουλος", "Αθήνα", "Жора из Киева. ქართული ენა."),
        ("李明", "北京", "我支持这项运动。"),  # no CJK in DejaVu: question marks, not boxes
        ("Ａｎｉ\u0007\u200b", "x\ty", "Bell \u0007 and nul \x00 and e\u0301 and ﬁ."),
        ("", "", ""),
    ],
)
@pytest.mark.parametrize("shaping", [False, True])
def test_any_script_or_emoji_never_crashes(
    campaign: Campaign,
    renderer: LetterRenderer,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    place: str,
    story: str,
    shaping: bool,
) -> None:
    if shaping and find_spec("uharfbuzz") is None:
        pytest.skip("uharfbuzz is not installed: right-to-left text is not shaped")
    monkeypatch.setattr(pdf_module, "SHAPING", shaping)
    data = make_pdf(
        renderer, campaign.targets[0], campaign, name=name, place=somewhere(place), story=story
    )
    assert data.startswith(b"%PDF-")
    text = "\n".join(pages(data))
    assert "Dear Mr. President:" in text
    assert has_last_paragraph(text)


@pytest.mark.skipif(find_spec("uharfbuzz") is None, reason="uharfbuzz is not installed")
def test_shaped_arabic_and_hebrew_extract_in_reading_order(
    campaign: Campaign, renderer: LetterRenderer
) -> None:
    for name, place in [("مريم خوري", "بيروت، لبنان"), ("אבי לוי", "חיפה")]:
        data = make_pdf(renderer, campaign.targets[0], campaign, name=name, place=somewhere(place))
        lines = pages(data)
        assert lines[0].splitlines()[:2] == [name, place]


def test_long_unbroken_word_wraps() -> None:
    url = "https://example.org/" + "a" * 400
    data = letter_pdf(
        f"Dear Sir,\n\nSee {url} please.\n\nSincerely,\nAni",
        sender_name="Ani",
        recipient_lines=["Office"],
        date_text="today",
    )
    assert "".join(pages(data)[0].split()).count("a" * 400) == 1


# What printable() keeps, substitutes and drops


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NAME, NAME),
        (STORY, STORY),
        ("مريم خوري", "مريم خوري"),
        ("Жора, Ωμέγα, ქართული", "Жора, Ωμέγα, ქართული"),
        (EMOJI, "Please act now — ❤️ from my family and."),
        ("🇦🇲 Ani 🙏🏽", "Ani"),
        ("Ani 😀", "Ani 😀"),  # DejaVu has this one: kept, drawn in black and white
        ("李明 from 北京", "?? from ??"),
        ("Ａｎｉ ﬁne", "Ani ﬁne"),  # full-width letters via NFKC; DejaVu has the ligature
        ("a\tb\r\nc\u0007d", "a b\ncd"),
        ("e\u0301", "é"),  # composed (NFC)
        ("line  \n\n", "line\n\n"),
    ],
)
def test_printable(text: str, expected: str) -> None:
    assert printable(text) == expected


def test_printable_is_idempotent() -> None:
    for text in (EMOJI, STORY, "李明 🇦🇲 Ａｎｉ"):
        once = printable(text)
        assert printable(once) == once

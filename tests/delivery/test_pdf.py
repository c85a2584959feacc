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
from bot.delivery.pdf import SIGNATURE_GAP_MM, letter_pdf
from bot.letters import LetterRenderer, Signer

TODAY = date(2025, 1, 2)
NAME = "Անի Հակոբյան"
PLACE = "Երևան, Հայաստան"
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


def make_pdf(
    renderer: LetterRenderer,
    target: Target,
    campaign: Campaign,
    *,
    name: str = NAME,
    place: str = PLACE,
    story: str | None = STORY,
    seed: int = 0,
    title: str | None = None,
) -> bytes:
    body = renderer.render(target, campaign.demands, Signer(name, place), story, seed, TODAY).body
    return letter_pdf(
        body,
        sender_name=name,
        sender_place=place,
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
    assert f"{target.salutation}," in lines
    assert flat(STORY) in flat(text)
    assert lines[-2:] == [NAME, PLACE]  # and the signature closes it
    for demand in campaign.demands:
        assert flat(demand.ask) in flat(text) or flat(demand.ask[1:]) in flat(text)


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
    data = make_pdf(renderer, campaign.targets[0], campaign)
    last = PdfReader(io.BytesIO(data)).pages[-1]
    heights: dict[str, float] = {}

    def visit(text: str, cm: object, tm: list[float], *_: object) -> None:
        if text.strip():
            heights[text.strip()] = tm[5]  # the last one: the signature, not the sender

    last.extract_text(visitor_text=visit)
    gap_pt = heights["Sincerely,"] - heights[NAME]
    assert gap_pt >= SIGNATURE_GAP_MM * 72 / 25.4


def test_usual_letter_fits_one_page(campaign: Campaign, renderer: LetterRenderer) -> None:
    for target in campaign.targets:
        for seed in range(3):
            assert len(pages(make_pdf(renderer, target, campaign, seed=seed))) == 1


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


@pytest.mark.parametrize("sentences", range(0, 48, 4))
def test_closing_never_stands_alone_on_a_page(
    campaign: Campaign, renderer: LetterRenderer, sentences: int
) -> None:
    story = " ".join([STORY] * sentences) or None
    texts = pages(make_pdf(renderer, campaign.targets[0], campaign, story=story))
    with_closing = [t for t in texts if "Sincerely," in t]
    assert len(with_closing) == 1
    assert "I would be grateful for a reply" in with_closing[0]  # the last paragraph came along
    assert with_closing[0].splitlines()[-2:] == [NAME, PLACE]


def test_last_paragraph_longer_than_a_page_starts_where_it_is() -> None:
    huge = " ".join(["A sentence that keeps the last paragraph going."] * 220)
    texts = pages(
        letter_pdf(
            f"Dear Council,\n\n{huge}\n\nSincerely,\nAda",
            sender_name="Ada",
            sender_place="",
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
        sender_place="",
        recipient_lines=["City Council", "", "1 Test Street"],
        date_text="2 January 2025",
    )
    lines = pages(data)[0].splitlines()
    assert lines[:4] == ["Ada Reader", "2 January 2025", "City Council", "1 Test Street"]
    assert lines[-2:] == ["Please keep the library open.", "Ada Reader"]


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
    data = make_pdf(renderer, campaign.targets[0], campaign, name=name, place=place, story=story)
    assert data.startswith(b"%PDF-")
    text = "\n".join(pages(data))
    assert "Dear Mr. President," in text
    assert "I would be grateful for a reply" in text


@pytest.mark.skipif(find_spec("uharfbuzz") is None, reason="uharfbuzz is not installed")
def test_shaped_arabic_and_hebrew_extract_in_reading_order(
    campaign: Campaign, renderer: LetterRenderer
) -> None:
    for name, place in [("مريم خوري", "بيروت، لبنان"), ("אבי לוי", "חיפה")]:
        lines = pages(make_pdf(renderer, campaign.targets[0], campaign, name=name, place=place))
        assert lines[0].splitlines()[:2] == [name, place]


def test_long_unbroken_word_wraps() -> None:
    url = "https://example.org/" + "a" * 400
    data = letter_pdf(
        f"Dear Sir,\n\nSee {url} please.\n\nSincerely,\nAni",
        sender_name="Ani",
        sender_place="",
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

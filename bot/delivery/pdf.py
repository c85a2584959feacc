"""A rendered letter as a printable PDF: staffers read paper too, and a signed page counts.

The font is DejaVu Sans from matplotlib's bundled data (matplotlib is already a dependency), so
Armenian, Cyrillic, Greek, Georgian, Hebrew and Arabic names print as real glyphs on any machine,
with no system fonts and no download. fpdf2 embeds only the glyphs used (a subset), so a one-page
letter stays small (15-25 KB) and takes about 50 ms of CPU: build it in a thread.

Right-to-left paragraphs are shaped and reordered when the optional `uharfbuzz` package is
installed; without it they print in logical order with unjoined letters (legible to a machine,
awkward to a reader) rather than failing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

FONT_FAMILY = "DejaVuSans"
PAGE_FORMAT = "letter"  # US Letter, 8.5 x 11 in
MARGIN_MM = 22.0  # seven-eighths of an inch all round, near the US business-letter inch
HEAD_Y_MM = 12.7  # continuation header on pages 2+, half an inch from the top
FONT_PT = 10  # DejaVu Sans runs wide: 10 pt reads like 11-12 pt in most letter fonts
LINE_MM = 4.4  # about 1.25 x the font size: easy to read and to annotate
PARAGRAPH_GAP_MM = 2.8  # less than a blank line, so a letter to Congress with a story fits a page
SIGNATURE_GAP_MM = 14.0  # room for a handwritten signature above the printed name

# Whether fpdf2 can shape text (needs uharfbuzz); looked up once, patched in tests.
SHAPING = find_spec("uharfbuzz") is not None

_DROPPED = "\x00"  # marks a dropped character until spaces around it are tidied
_ZWJ = "\u200d"


class FontMissingError(RuntimeError):
    """The packaged font file is not where matplotlib says it is; names the path."""


@cache
def font_path(bold: bool = False) -> Path:
    """DejaVu Sans as shipped inside matplotlib's package data."""
    import matplotlib  # only for its data path; pyplot is never imported here

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
    if not path.is_file():
        raise FontMissingError(f"font {name} not found at {path}; reinstall matplotlib")
    return path


@cache
def _glyphs(bold: bool = False) -> frozenset[int]:
    """The code points the font can draw; read once per process (about 10 ms)."""
    with TTFont(font_path(bold), lazy=True) as font:
        return frozenset(font.getBestCmap())


def printable(text: str, *, bold: bool = False) -> str:
    """Text reduced to what the font can draw, so nothing prints as a box and nothing crashes.

    Works on clusters (a character with its combining marks, variation selectors, skin tones
    and zero-width-joined parts), so an emoji sequence goes or stays as a whole. A cluster the
    font has entirely is kept (DejaVu even has some emoji, such as 😀 and ❤). Otherwise, if
    its base character is there, the base stays with the marks the font has; if not, the
    compatibility form (NFKC: full-width letters, ligatures) is used when the font has it, a
    letter or digit of a script the font lacks (CJK, for example) becomes "?" so the reader
    sees something was there, and anything else (most emoji, flags, control characters) is
    dropped along with a space it would leave doubled.
    """
    glyphs = _glyphs(bold)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    out = [_printable_cluster(cluster, glyphs) for cluster in _clusters(text)]
    joined = re.sub(f"(?m)^{_DROPPED}+ ?", "", "".join(out))  # nothing left to indent
    tidied = re.sub(f" ?{_DROPPED}+( ?)", r"\1", joined)
    return "\n".join(line.rstrip() for line in tidied.split("\n"))


def _clusters(text: str) -> Iterator[str]:
    """Roughly the user-perceived characters: base, extending marks, ZWJ-joined parts."""
    start, end = 0, len(text)
    while start < end:
        stop = start + 1
        while stop < end:
            if _extends(text[stop]):
                stop += 1
            elif text[stop] == _ZWJ and stop + 1 < end:
                stop += 2
            else:
                break
        yield text[start:stop]
        start = stop


def _extends(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me")
        or 0xFE00 <= code <= 0xFE0F  # variation selectors (emoji vs text presentation)
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
    )


def _printable_cluster(cluster: str, glyphs: frozenset[int]) -> str:
    base = cluster[0]
    if base in "\n\t":
        return "\n" if base == "\n" else " "
    if unicodedata.category(base) == "Cc":
        return _DROPPED
    if ord(base) in glyphs:
        if all(ord(c) in glyphs for c in cluster):
            return cluster
        return base + "".join(
            c for c in cluster[1:] if ord(c) in glyphs and unicodedata.category(c) == "Mn"
        )
    compat = unicodedata.normalize("NFKC", base)
    if compat != base and compat.strip() and all(ord(c) in glyphs for c in compat):
        return compat
    if unicodedata.category(base)[0] in "LN":
        return "?"
    return _DROPPED


def _is_rtl(text: str) -> bool:
    """Whether the first strongly directional character is right-to-left (Hebrew, Arabic)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


class _LetterPDF(FPDF):
    """fpdf2's document with a continuation header, so loose pages can be put back in order."""

    def __init__(self, running_head: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format=PAGE_FORMAT)
        self.running_head = running_head

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT_FAMILY, size=8.5)
        self.set_text_color(110)
        self.set_xy(self.l_margin, HEAD_Y_MM)
        text = f"{self.running_head} · page {self.page_no()}".strip(" ·")
        self.line_of(text, height=4.0)
        self.set_text_color(0)
        self.set_font(FONT_FAMILY, size=FONT_PT)
        self.set_y(self.t_margin)

    def height_of(self, text: str, *, align: str = "L") -> float:
        """How tall `line_of` would make the text, without drawing it."""
        with self._shaped_if_rtl(text):
            lines = self.multi_cell(
                0, LINE_MM, text, align=align, dry_run=True, output=MethodReturnValue.LINES
            )
        return len(lines) * LINE_MM if isinstance(lines, list) else LINE_MM

    def line_of(self, text: str, *, height: float = LINE_MM, align: str = "L") -> None:
        """One wrapped block of already printable text."""
        with self._shaped_if_rtl(text):
            self.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    @contextmanager
    def _shaped_if_rtl(self, text: str) -> Iterator[None]:
        """Text shaping (slow) only for right-to-left text, which needs it."""
        shaped = SHAPING and _has_rtl(text)
        if shaped:
            self.set_text_shaping(True)
        try:
            yield
        finally:
            if shaped:
                self.set_text_shaping(False)


def letter_pdf(
    letter_body: str,
    *,
    sender_name: str,
    sender_address: Sequence[str] = (),
    recipient_lines: Sequence[str],
    date_text: str,
    title: str | None = None,
) -> bytes:
    """The letter laid out for printing on US Letter paper, as PDF bytes.

    Block format: the sender's name and address lines, the date, the recipient's address, an
    optional bold subject line (`title`, also the document title), then the body paragraph by
    paragraph.
    When the body ends with the sender's name on its own line, as the bundled templates do,
    space for a handwritten signature is left above it; otherwise a closing signature block is
    added; address lines the signature lacks (a street given only for printing) join it under
    the name. Long letters flow onto more pages, each after the first headed with the recipient,
    date and page number. All text goes through `printable`, so characters the font lacks are
    substituted or dropped (see there), never drawn as boxes. Supporter text is only ever
    drawn, never interpreted (no markdown, no page-number aliases).
    """
    sender_name = printable(sender_name).strip()
    address = [line for line in (printable(a).strip() for a in sender_address) if line]
    recipients = [line for line in (printable(r).strip() for r in recipient_lines) if line]
    date_line = printable(date_text).strip()
    pdf = _document(" · ".join(p for p in (*recipients[:1], date_line) if p), sender_name, title)
    _block(pdf, [sender_name, *address])
    _block(pdf, [date_line])
    _block(pdf, recipients)
    if title:
        pdf.set_font(FONT_FAMILY, "B", FONT_PT)
        _block(pdf, [printable(title, bold=True).strip()])
        pdf.set_font(FONT_FAMILY, size=FONT_PT)
    _body_and_signature(pdf, printable(letter_body).strip(), sender_name, address)
    return bytes(pdf.output())


def _document(running_head: str, sender_name: str, title: str | None) -> _LetterPDF:
    """An empty first page with the fonts, margins and metadata set."""
    pdf = _LetterPDF(running_head)
    pdf.alias_nb_pages("")  # off: otherwise a literal "{nb}" in a story would print a number
    pdf.add_font(FONT_FAMILY, "", str(font_path()))
    if title:  # parsing a font is most of a PDF's cost: the bold one only when it is used
        pdf.add_font(FONT_FAMILY, "B", str(font_path(bold=True)))
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM)
    pdf.set_title(printable(title).strip() if title else f"Letter from {sender_name}".strip())
    if sender_name:
        pdf.set_author(sender_name)
    pdf.set_creator("campaign-letter-bot")
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, size=FONT_PT)
    return pdf


def _body_and_signature(
    pdf: _LetterPDF, body: str, sender_name: str, address: Sequence[str]
) -> None:
    """The paragraphs, then the signature block, kept on one page with the last paragraph."""
    paragraphs = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
    closing = _split_closing(paragraphs[-1], sender_name) if paragraphs else None
    if closing is not None:
        paragraphs = paragraphs[:-1]
    before, after = closing or ([], [line for line in (sender_name,) if line])
    missing = [line for line in address if line not in after]
    after = [*after[:1], *missing, *after[1:]]
    signature_mm = (len(before) + len(after)) * LINE_MM + SIGNATURE_GAP_MM
    for index, paragraph in enumerate(paragraphs):
        align = "R" if _is_rtl(paragraph) else "L"
        if index == len(paragraphs) - 1:
            # Keep the last paragraph with the signature: a page holding only "Sincerely,"
            # and a name looks detached, and staffers may not read it as the same letter.
            together = pdf.height_of(paragraph, align=align) + PARAGRAPH_GAP_MM + signature_mm
            fits_a_page = together <= pdf.page_break_trigger - pdf.t_margin
            if fits_a_page and pdf.will_page_break(together):
                pdf.add_page()
        pdf.line_of(paragraph, align=align)
        pdf.ln(PARAGRAPH_GAP_MM)
    if pdf.will_page_break(signature_mm):
        pdf.add_page()
    for line in before:
        pdf.line_of(line)
    pdf.ln(SIGNATURE_GAP_MM)
    for line in after:
        pdf.line_of(line)


def _block(pdf: _LetterPDF, lines: Sequence[str]) -> None:
    """Address-style lines, one per row, then a blank line; empty lines are left out."""
    lines = [line for line in lines if line]
    if not lines:
        return
    for line in lines:
        pdf.line_of(line)
    pdf.ln(PARAGRAPH_GAP_MM)


def _split_closing(paragraph: str, sender_name: str) -> tuple[list[str], list[str]] | None:
    """("Sincerely,", then the name and place) when the paragraph ends the letter with the name."""
    lines = paragraph.split("\n")
    for index in range(len(lines) - 1, 0, -1):
        if sender_name and lines[index].strip() == sender_name:
            return lines[:index], lines[index:]
    return None

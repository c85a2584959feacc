"""Campaign files for catalogue tests: copies of the bundled campaign with their own id, dates
and draft flag, written to a test's folder."""

from __future__ import annotations

from pathlib import Path

from bot.paths import CAMPAIGNS_DIR

BUNDLED_ID = "lachin-2023"
BUNDLED_TEXT = (CAMPAIGNS_DIR / f"{BUNDLED_ID}.toml").read_text(encoding="utf-8")
_ID_LINE = f'\nid = "{BUNDLED_ID}"\n'


def write_variant(folder: Path, campaign_id: str = BUNDLED_ID, *lines: str) -> Path:
    """The bundled campaign as `<campaign_id>.toml` in `folder`, with `campaign_id` and top-level
    `lines` such as 'opens = 2025-03-01' or 'draft = true'."""
    assert BUNDLED_TEXT.count(_ID_LINE) == 1
    header = "".join(f"{line}\n" for line in lines)
    text = BUNDLED_TEXT.replace(_ID_LINE, f'\nid = "{campaign_id}"\n{header}')
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{campaign_id}.toml"
    path.write_text(text, encoding="utf-8")
    return path

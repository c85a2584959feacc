"""The bundled campaign's words: dated, sourced, and true to the op-ed and to what happened
since (../shared/campaign/facts.md is what its text was checked against)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.campaign import Campaign

OP_ED_PHRASE = "stop another Armenian genocide"
# Figures the sources the campaign cites do not give (facts.md: avoid unless sourced).
UNSOURCED = ("120,000", "120 000", "nine months", "9 months", "every year", "each year")


def texts(campaign: Campaign) -> Iterator[tuple[str, str]]:
    """(where, text) for every sentence the bot can show or put in a letter."""
    yield "title", campaign.title
    yield "summary", campaign.summary
    yield "since.text", campaign.since.text
    for n, recap in enumerate(campaign.since.recap or []):
        yield f"since.recap[{n}]", recap
    yield "source.asked", campaign.source.asked or ""
    for prompt in campaign.story_prompts:
        yield "story_prompts", prompt
    for demand in campaign.demands:
        yield f"{demand.id}.title", demand.title
        yield f"{demand.id}.explanation", demand.explanation
        for kind, ask in demand.asks.items():
            for wording in [*ask.ask, ask.call or ""]:
                yield f"{demand.id}.asks.{kind}", wording
        for point in demand.points:
            yield f"{demand.id}.points", point.text


def test_no_unsourced_figures(campaign: Campaign) -> None:
    for where, text in texts(campaign):
        for figure in UNSOURCED:
            assert figure not in text, f"{where}: {figure!r}"


def test_every_point_names_a_dated_source_or_a_document(campaign: Campaign) -> None:
    for demand in campaign.demands:
        for point in demand.points:
            has_date = re.search(r"\b(19|20)\d\d\b", point.source)
            is_document = re.search(r"Act|Law|Order|Record|Section|Decree", point.source)
            assert has_date or is_document, point.source


def test_the_op_ed_is_quoted_not_restated(campaign: Campaign) -> None:
    """Its phrase appears only inside quotation marks; what it asked leaves out newer asks."""
    for where, text in texts(campaign):
        for match in re.finditer(OP_ED_PHRASE, text, re.IGNORECASE):
            assert text[match.start() - 1] in '"“', where
    asked = campaign.source.asked or ""
    assert "Biden" in asked and "sanctions" in asked and "without preconditions" in asked
    for newer in ("907", "return", "displace", "Magnitsky", "prisoner"):
        assert newer not in asked


def test_s3000_is_described_accurately(campaign: Campaign) -> None:
    found = [(w, t) for w, t in texts(campaign) if "S.3000" in t or "Armenian Protection" in t]
    assert found
    for where, text in found:
        if "passed" in text:
            assert "Senate" in text, where
        assert "FY2024" in text or where.endswith("asks.congress") or "November 2023" in text
    since = campaign.since.text
    assert "15 November 2023" in since and "FY2024 and FY2025" in since
    assert "not enacted" in since


def test_what_happened_since_is_in_every_recap(campaign: Campaign) -> None:
    assert campaign.since.recap and len(campaign.since.recap) >= 3
    for recap in campaign.since.recap:
        assert "8 August 2025" in recap and "Section 907" in recap
        assert "100,000" in recap and "2023" in recap
    assert campaign.since.as_of.isoformat() >= "2025-08-08"


@pytest.mark.parametrize("verb", ["impose", "designate", "stop waiving", "decline to renew"])
def test_congress_is_asked_only_what_congress_can_do(campaign: Campaign, verb: str) -> None:
    for demand in campaign.demands:
        ask = demand.asks.get("congress")
        for wording in [*(ask.ask if ask else []), (ask.call if ask else "") or ""]:
            assert not wording.lower().startswith(verb), (demand.id, wording)


def test_the_executive_is_asked_for_executive_action(campaign: Campaign) -> None:
    aid = campaign.demand("aid")
    assert aid is not None and "executive" in aid.asks
    for wording in aid.asks["executive"].ask:
        assert "907" in wording and "legislation" not in wording
    for wording in aid.asks["congress"].ask:
        assert any(w in wording for w in ("legislation", "bill", "appropriations", "NDAA"))

"""Tests of the drafting conversation (bot/flow), and the helpers they share: a supporter who
accepts every suggestion, driving a draft step by step."""

from __future__ import annotations

import pytest

from bot import flow
from bot.campaign import Campaign
from bot.flow import Confirm, Draft, InvalidAnswer, Reply, Step

STORY = "My grandmother walked out of Kharpert in 1915, and I am writing for her."
PLACE = "Glendale, CA"  # a US place without a ZIP: the ZIP step follows when it can
ZIP = "91205"


def auto_answer(prompt: flow.Prompt) -> flow.Answer:
    """What a supporter who accepts every suggestion would answer."""
    if prompt.multi:
        return Confirm()
    if prompt.step is Step.NAME:
        return Confirm() if prompt.default else Reply("Ani Hakobyan")
    if prompt.step is Step.PLACE:
        return Reply(PLACE)
    if prompt.step is Step.ZIP:
        return Reply(ZIP)
    return Reply(STORY)


def run_to_ready(campaign: Campaign, draft: Draft) -> tuple[Draft, list[flow.Prompt]]:
    """Answer every prompt with `auto_answer`; returns the ready draft and the prompts seen."""
    prompts: list[flow.Prompt] = []
    while (prompt := flow.next_prompt(campaign, draft)) is not None:
        prompts.append(prompt)
        assert len(prompts) <= 10, "the conversation does not end"
        draft = flow.apply(campaign, draft, auto_answer(prompt))
    return draft, prompts


def advance_to(campaign: Campaign, draft: Draft, step: Step) -> Draft:
    while (prompt := flow.next_prompt(campaign, draft)) is not None and prompt.step is not step:
        draft = flow.apply(campaign, draft, auto_answer(prompt))
    assert flow.current_step(campaign, draft) is step
    return draft


def invalid(campaign: Campaign, draft: Draft, answer: flow.Answer) -> InvalidAnswer:
    with pytest.raises(InvalidAnswer) as info:
        flow.apply(campaign, draft, answer)
    return info.value


def position(campaign: Campaign, draft: Draft) -> tuple[Step, int, int] | None:
    """(step, number, total) of the question asked now: "Step 5 of 6"."""
    prompt = flow.next_prompt(campaign, draft)
    return None if prompt is None else (prompt.step, prompt.number, prompt.total)

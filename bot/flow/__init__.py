"""The letter-drafting conversation: a pure state machine (`machine`) over a `Draft`.

draft = flow.begin(campaign, profile)
prompt = flow.next_prompt(campaign, draft)      # what to ask, or None: write the letters
draft = flow.apply(campaign, draft, answer)     # or InvalidAnswer with a reason
"""

from bot.flow.draft import (
    STEP_ORDER,
    Answer,
    Choice,
    Confirm,
    District,
    Draft,
    InvalidAnswer,
    NonText,
    Notice,
    Profile,
    Prompt,
    Reply,
    Skip,
    Step,
    Toggle,
)
from bot.flow.machine import (
    MAX_NAME_LENGTH,
    MAX_STORY_LENGTH,
    MIN_STORY_LENGTH,
    apply,
    begin,
    current_step,
    is_ready,
    needs_zip,
    next_prompt,
    wants_representative,
)
from bot.flow.text import clean_block, clean_line

__all__ = [
    "MAX_NAME_LENGTH",
    "MAX_STORY_LENGTH",
    "MIN_STORY_LENGTH",
    "STEP_ORDER",
    "Answer",
    "Choice",
    "Confirm",
    "District",
    "Draft",
    "InvalidAnswer",
    "NonText",
    "Notice",
    "Profile",
    "Prompt",
    "Reply",
    "Skip",
    "Step",
    "Toggle",
    "apply",
    "begin",
    "clean_block",
    "clean_line",
    "current_step",
    "is_ready",
    "needs_zip",
    "next_prompt",
    "wants_representative",
]

"""The supporter use cases one Application drives, built once and shared by its handlers."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.campaign import Campaign
from bot.store import Store
from bot.supporters.drafting import Drafting
from bot.supporters.kits import Kits
from bot.supporters.letter_actions import LetterActions
from bot.supporters.reminders import Reminders
from bot.supporters.writer import Writer
from bot.telegram import i18n


@dataclass(frozen=True)
class UseCases:
    """One campaign's use cases and the store they run in (each call one `Store.run`)."""

    campaign: Campaign
    store: Store
    drafting: Drafting
    actions: LetterActions
    kits: Kits
    reminders: Reminders
    translated: dict[str, Campaign] = field(default_factory=dict, compare=False, repr=False)

    def local_campaign(self) -> Campaign:
        """The campaign as the supporter being answered reads it: its texts in their language
        where it has them (letters use `campaign`, always English)."""
        language = i18n.current()
        if language not in self.translated:
            self.translated[language] = self.campaign.in_language(language)
        return self.translated[language]

    @classmethod
    def of(cls, campaign: Campaign, store: Store) -> UseCases:
        actions = LetterActions(Writer(campaign))
        kits = Kits(actions)
        drafting = Drafting(actions.writer, actions, kits)
        return cls(campaign, store, drafting, actions, kits, Reminders(actions.writer))

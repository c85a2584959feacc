"""The supporter use cases one Application drives, built once and shared by its handlers."""

from __future__ import annotations

from bot.campaign import Campaign
from bot.store import Store
from bot.supporters.drafting import Drafting
from bot.supporters.kits import Kits
from bot.supporters.letter_actions import LetterActions
from bot.supporters.reminders import Reminders
from bot.supporters.writer import Writer
from bot.telegram import i18n


class UseCases:
    """One campaign's use cases and the store they run in (each call one `Store.run`), shared by
    every handler of an Application; `switch` swaps the campaign for all of them at once (a
    reload), and an update already under way finishes with the campaign it began with."""

    def __init__(self, campaign: Campaign, store: Store) -> None:
        self.store = store
        self.switch(campaign)

    def switch(self, campaign: Campaign) -> None:
        actions = LetterActions(Writer(campaign))
        kits = Kits(actions)
        self.drafting = Drafting(actions.writer, actions, kits)
        self.actions = actions
        self.kits = kits
        self.reminders = Reminders(actions.writer)
        self.translated: dict[str, Campaign] = {}
        self.untranslated: dict[str, bool] = {}
        self.campaign = campaign  # last: a reader sees the new campaign with its use cases

    def local_campaign(self) -> Campaign:
        """The campaign as the supporter being answered reads it: its texts in their language
        where it has them (letters use `campaign`, always English)."""
        language = i18n.current()
        translated = self.translated
        if language not in translated:
            translated[language] = self.campaign.in_language(language)
        return translated[language]

    def partly_english(self) -> bool:
        """Whether the campaign leaves some of its texts in English for this supporter."""
        language = i18n.current()
        if language == i18n.DEFAULT:
            return False
        if language not in self.untranslated:
            self.untranslated[language] = bool(self.campaign.untranslated(language))
        return self.untranslated[language]

    @classmethod
    def of(cls, campaign: Campaign, store: Store) -> UseCases:
        return cls(campaign, store)

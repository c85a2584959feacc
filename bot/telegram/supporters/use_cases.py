"""The supporter use cases one Application drives, built once and shared by its handlers."""

from __future__ import annotations

from bot.campaign import Campaign
from bot.campaign.catalogue import Catalogue
from bot.store import Store
from bot.supporters.desks import Desks, DraftingRouter, LettersRouter, RemindersRouter
from bot.supporters.links import start_payload
from bot.supporters.profile import current_campaign
from bot.supporters.views import Person
from bot.telegram import i18n


class UseCases:
    """Every campaign's use cases and the store they run in (each call one `Store.run`), shared
    by every handler of an Application. The routers send each update to its campaign's desk;
    `switch` swaps the catalogue for all of them at once (a reload), and an update already under
    way finishes with the campaigns it began with. `web_url`: where the Mini Apps are (WEB_URL),
    whose letter editor the "Edit" button under a letter opens; None: the edit is in the chat."""

    def __init__(
        self, catalogue: Catalogue | Campaign, store: Store, web_url: str | None = None
    ) -> None:
        self.store = store
        self.web_url = web_url
        self.switch(catalogue)

    def switch(self, catalogue: Catalogue | Campaign) -> None:
        if isinstance(catalogue, Campaign):
            catalogue = Catalogue((catalogue,), catalogue)
        desks = Desks.of(catalogue.campaigns, catalogue.default)
        self.desks = desks
        self.drafting = DraftingRouter(desks)
        self.actions = LettersRouter(desks)
        self.kits = self.actions  # the kit buttons sit under a letter too
        self.reminders = RemindersRouter(desks)
        self.translated: dict[tuple[str, str], Campaign] = {}
        self.untranslated: dict[tuple[str, str], bool] = {}
        self.catalogue = catalogue
        self.campaign = catalogue.default  # last: a reader sees the new campaigns with their desks

    def campaign_of(self, campaign_id: str | None) -> Campaign:
        """A campaign by id; the default one for "" or an id whose file is gone."""
        desk = self.desks.get(campaign_id)
        return desk.campaign if desk is not None else self.campaign

    async def current(self, person: Person) -> Campaign:
        """The campaign the supporter is in now (one read), as /demands, /help and /me show."""
        return self.campaign_of(await self.store.run(current_campaign, person))

    def local_campaign(self, campaign_id: str | None = None) -> Campaign:
        """A campaign (the default one unless named) as the supporter being answered reads it:
        its texts in their language where it has them (letters use the English, always)."""
        campaign = self.campaign_of(campaign_id)
        key = (campaign.id, i18n.current())
        translated = self.translated
        if key not in translated:
            translated[key] = campaign.in_language(key[1])
        return translated[key]

    def partly_english(self, campaign_id: str | None = None) -> bool:
        """Whether the campaign leaves some of its texts in English for this supporter."""
        language = i18n.current()
        if language == i18n.DEFAULT:
            return False
        campaign = self.campaign_of(campaign_id)
        key = (campaign.id, language)
        if key not in self.untranslated:
            self.untranslated[key] = bool(campaign.untranslated(language))
        return self.untranslated[key]

    def invite_payload(self, campaign_id: str, code: str) -> str:
        """A supporter's invite into a campaign (a plain invite code for the default one)."""
        return start_payload(None if campaign_id == self.campaign.id else campaign_id, code)

    @classmethod
    def of(
        cls, campaign: Campaign | Catalogue, store: Store, web_url: str | None = None
    ) -> UseCases:
        return cls(campaign, store, web_url)

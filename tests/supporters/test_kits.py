"""The printable kit's street question through a real store."""

from __future__ import annotations

from bot.store import Store
from bot.supporters.drafting import Drafting
from bot.supporters.kits import StreetWanted
from bot.supporters.outcomes import KitReady, NoDraft, Refused
from tests.supporters.drive import (
    ANI,
    reply_text,
    write_letters,
)


def test_a_text_waiting_for_a_street_answers_it_and_cancel_stops_it(
    tmp_store: Store, drafting: Drafting
) -> None:
    letter = write_letters(tmp_store, drafting).letters[0]
    wanted = tmp_store.call(drafting.kits.request, ANI, letter.id)
    assert isinstance(wanted, StreetWanted) and wanted.letter.id == letter.id
    assert tmp_store.call(drafting.cancel, ANI) == "street"
    assert isinstance(tmp_store.call(reply_text, drafting, ANI, "12 Elm Street"), NoDraft)
    assert tmp_store.call(drafting.cancel, ANI) == "nothing"

    assert isinstance(tmp_store.call(drafting.kits.request, ANI, letter.id), StreetWanted)
    empty = tmp_store.call(reply_text, drafting, ANI, "   ")
    assert isinstance(empty, Refused) and empty.street and empty.error.reason == "empty"
    # The text goes to the kit's question, not to a draft.
    ready = tmp_store.call(reply_text, drafting, ANI, "12 Elm Street")
    assert isinstance(ready, KitReady)
    assert (ready.kit.letter.id, ready.kit.signer.street) == (letter.id, "12 Elm Street")
    assert tmp_store.call(drafting.cancel, ANI) == "nothing"

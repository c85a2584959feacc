"""A congressional district: the one type the ZIP lookup, the conversation and the reports share."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    """A state's seat in the House, with how its member reads on a button."""

    state: str
    number: int  # 0: at-large, or a delegate's seat
    label: str = ""

    @property
    def id(self) -> str:
        """ "CA-12": how drafts, stats and `campaign-bot preview --district` name it."""
        return f"{self.state}-{self.number}"

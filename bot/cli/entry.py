"""`campaign-bot`'s entry point: parse the command line, load the settings, run the command, and
turn every expected problem into one line on standard error with exit status 2."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.campaign import CampaignError
from bot.cli.parser import Command, build_parser
from bot.config import ConfigError, load_settings
from bot.letters import LetterTemplateError


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Command = args.handler
    try:
        settings = load_settings()
        return int(handler.load()(args, settings))
    except (ConfigError, CampaignError, LetterTemplateError) as error:
        for line in str(error).splitlines():  # several bad campaign files: a line for each
            print(f"campaign-bot: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `campaign-bot preview | head`
        sys.stderr.close()
        return 0

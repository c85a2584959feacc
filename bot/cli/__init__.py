"""The command-line adapter, `campaign-bot` (and `python -m bot`): `parser` lists every command
and option, `entry.main` runs one, and each command lives in its own module (`run`, `preview`,
`reports`, `campaigns`, `check`, `officials`), opening the database the one way `database` provides.

Why commands are imported by name: the command modules import what they need at the top
(Telegram's stack for `run`, SQLAlchemy and the store for the rest), and `--help` must load none
of it. So the parser names each command's function as a `Command` (module and function) instead
of importing it, and `Command.load` imports that one module with importlib when the command runs.
That is the only deferred import here: `parser` and `entry` import only light modules (among
them `bot.officials.importers`, for the download defaults), and nothing imports back.
"""

from bot.cli.entry import main
from bot.cli.parser import build_parser

__all__ = ["build_parser", "main"]

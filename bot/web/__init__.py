"""The bot's web pages, opened as Telegram Mini Apps: the organizer dashboard and the letter
editor. Every request proves who sends it with Telegram's signed `initData`."""

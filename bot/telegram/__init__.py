"""The Telegram adapter: turns updates into use-case calls and outcomes into messages; Telegram's
limits (message length, split texts, callback data) live here, not in the core."""

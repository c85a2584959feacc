"""The Telegram adapter: turns updates into service calls and outcomes into messages."""

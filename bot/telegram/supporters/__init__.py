"""What supporters do in chat: the conversation, the buttons under a letter, /me and the rest,
rendered from the core's outcomes (bot/supporters)."""

"""Fakes of the outside services the bot talks to, for end-to-end tests and benchmarks."""

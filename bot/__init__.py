"""Campaign letter bot: helps supporters write personalized letters to officials."""

__version__ = "0.1.0"

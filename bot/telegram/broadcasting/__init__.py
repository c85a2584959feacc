"""Sending a broadcast: claiming recipients, one paced send each, progress, and resuming
after a restart or on another instance."""

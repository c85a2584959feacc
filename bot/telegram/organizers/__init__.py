"""What organizers do in chat: /stats, /export and /broadcast, behind one admin check."""

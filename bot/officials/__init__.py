"""The officials directory: members of Congress (congress-legislators) and ZIP → district
candidates (zccd), imported into the store; no Telegram here. Executive offices stay in
campaign data.

Import from the modules: `lookup` (ZIP → districts and members), `roster` (the members, read
once per import and held in memory), `members` (how letters address a member, from their
`legislator` row), `targets` (a member as a letter target), `datasets` (import and update),
`status` (what is loaded); `importers`, `parsing`, `legislators`, `zccd` and `download` read
the files. The package itself imports nothing, so the command line's parser
can use `importers` without loading SQLAlchemy.
"""

"""The supporter's use cases, free of any front end: drafting a letter, acting on a written one
(send, reword, edit, kit), and the supporter's profile and engagement. Each takes a `Repo` first
and runs in one transaction through `Store.run`; results are the typed outcomes of `outcomes`."""

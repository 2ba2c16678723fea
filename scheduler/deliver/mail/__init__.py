"""Agenda mailings: one message per delegate with their calendar and PDF agenda.

`people.py` says who gets what from the exported calendars; `letters.py` writes each
message (Jinja templates, the standard library's `email`); `outbox.py` keeps the .eml
files, their index and what the outbox was built from; `journal.py` records every send;
`smtp.py` sends what is left. See README.md, "Mailing the agendas".
"""

KINDS = ("preliminary", "final", "update")

"""A client's record apart from its clinical parts: clients and their contacts, sessions and
the calendar, progress notes and process notes, fees and payments, the practice profile and
its own terms, and retention (who has been kept long enough, and deleting a client).

Each module is a service over an unlocked vault: functions that take the `Vault`, run one
transaction and return plain dataclasses from `therapist_desk.domain`.
"""

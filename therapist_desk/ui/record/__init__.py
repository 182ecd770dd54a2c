"""A client's record: its header and tabs (overview, sessions and notes, contacts, fees,
process notes), with `clinical/`, `plan/` and `referrals/` for the larger tabs, and the
dialogs each tab opens.
"""

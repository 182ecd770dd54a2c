"""Search: an in-memory index of every word of clients, contacts, notes and referrals,
built off the window's thread at unlock and kept up to date as records change.
"""

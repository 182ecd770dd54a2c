"""The places of the left-hand list: Today, Clients, Calendar, Referrals, Directory, Search,
Retention, Audit trail and Settings. A place may open a client's record; the record never
imports a place.
"""

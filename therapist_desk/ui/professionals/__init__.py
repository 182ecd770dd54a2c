"""Choosing and editing professionals of the directory, shared by the Directory place and
the record's referrals and medications.
"""

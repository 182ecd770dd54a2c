"""The Referrals tab: referrals and their workflow, consents to share, the disclosure log,
and the letter composer.
"""

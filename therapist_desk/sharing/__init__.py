"""What leaves the practice, and to whom: the directory of professionals, referrals, the
client's consents to share, and the disclosure log of everything that left the vault.
"""

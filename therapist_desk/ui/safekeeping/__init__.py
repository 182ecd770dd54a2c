"""Keeping the vault safe from the window: backups and restore, the passphrase and
recovery key, and the Settings section that gathers them.
"""

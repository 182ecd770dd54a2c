"""What every screen shares: small widgets, the dialog service, icons, the theme, wording
of dates and names, list and table models, and the practice form.
"""

"""What the practice prints: letter templates (Jinja2, sandboxed), referral letters and general
letters with the consent check before they leave, and the referral summary.

`rendering` turns a template into a `PrintedDocument`; the window paints it on pages.
"""

"""Therapist Desk: a local, encrypted practice record for a solo psychotherapist."""

__version__ = "0.1.0"

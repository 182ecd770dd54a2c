"""Key derivation, authenticated encryption, key slots and the key holder.

This package is the lowest layer: it knows bytes and keys, nothing about
clients, tables or Qt.
"""

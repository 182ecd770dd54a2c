"""Plain data shared by every layer: the vocabularies and the records' contents.

Nothing here knows about storage, encryption or Qt.
"""

"""The print path: painting a printed document on pages (paper, PDF, preview), printing and
saving through the dialogs, statements, and the `letter` command's PDF.
"""

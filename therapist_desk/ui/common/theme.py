"""Look and feel: Fusion everywhere, the system's light or dark palette, calm spacing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

# Colours for states that must read the same in light and dark (risk, errors),
# chosen for contrast against both palettes' base colours.
RISK_LIGHT = ("#7a1f1f", "#fbe9e7")  # text, background
RISK_DARK = ("#ffcdd2", "#5a1f1f")
OK_LIGHT = "#1b5e20"
OK_DARK = "#a5d6a7"


def is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    if hints.colorScheme() == Qt.ColorScheme.Dark:
        return True
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def _dark_palette() -> QPalette:
    palette = QPalette()
    base, window, text = QColor("#1e1f22"), QColor("#2b2d30"), QColor("#e6e6e6")
    highlight = QColor("#3d6fb4")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Window, window)
        palette.setColor(group, QPalette.ColorRole.WindowText, text)
        palette.setColor(group, QPalette.ColorRole.Base, base)
        palette.setColor(group, QPalette.ColorRole.AlternateBase, window)
        palette.setColor(group, QPalette.ColorRole.Text, text)
        palette.setColor(group, QPalette.ColorRole.Button, window)
        palette.setColor(group, QPalette.ColorRole.ButtonText, text)
        palette.setColor(group, QPalette.ColorRole.Highlight, highlight)
        palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        palette.setColor(group, QPalette.ColorRole.ToolTipBase, window)
        palette.setColor(group, QPalette.ColorRole.ToolTipText, text)
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#8c8c8c"))
        palette.setColor(group, QPalette.ColorRole.Link, QColor("#8ab4f8"))
    disabled = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(disabled, role, QColor("#7a7a7a"))
    return palette


def risk_colours() -> tuple[str, str]:
    return RISK_DARK if is_dark() else RISK_LIGHT


def ok_colour() -> str:
    return OK_DARK if is_dark() else OK_LIGHT


STYLE_SHEET = """
QListView#navigation { border: none; padding: 8px 0; font-size: 11pt; }
QListView#navigation::item { padding: 8px 16px; }
QLabel[role="heading"] { font-size: 15pt; font-weight: 600; }
QLabel[role="subheading"] { font-size: 11pt; font-weight: 600; }
QLabel[role="muted"] { color: palette(placeholder-text); }
QLabel[role="empty"] { color: palette(placeholder-text); font-style: italic; padding: 12px 0; }
QPlainTextEdit, QTextBrowser { font-size: 11pt; }
"""


def apply_theme(app: QApplication) -> None:
    """Fusion looks the same on every desktop; the palette follows the system."""
    app.setStyle(QStyleFactory.create("Fusion"))
    if QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark:
        app.setPalette(_dark_palette())
    app.setStyleSheet(STYLE_SHEET)

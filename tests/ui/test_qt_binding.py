"""The Qt binding in use keeps Python's reference counts right.

PySide6 6.12.0 returned None from void methods without taking a reference; on
Python before 3.12 every call then drains None's count until the interpreter
aborts ("deallocating None"). The window makes such calls all the time.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QLabel


def test_void_calls_do_not_drain_the_reference_count_of_none(qapp: QApplication) -> None:
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        QCoreApplication.processEvents()
    # Other threads may hold or drop a few references meanwhile; a leak is 4000.
    assert abs(sys.getrefcount(None) - before) < 200

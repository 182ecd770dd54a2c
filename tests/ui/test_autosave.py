"""The autosave clock: a save after a pause in typing, at least one every so often while
typing goes on, a retry after a failed save, and never a save of nothing."""

from __future__ import annotations

import time

from pytestqt.qtbot import QtBot

from therapist_desk.ui.autosave import AutosaveClock

PAUSE_MS, LONGEST_MS, RETRY_MS = 120, 400, 150


class Saves:
    """The save the clock calls: records when, and fails while told to."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.failing = False

    def __call__(self) -> bool:
        self.times.append(time.monotonic())
        return not self.failing


def _clock(saves: Saves) -> AutosaveClock:
    return AutosaveClock(saves, pause_ms=PAUSE_MS, longest_unsaved_ms=LONGEST_MS, retry_ms=RETRY_MS)


def test_a_pause_in_typing_saves_once(qtbot: QtBot) -> None:
    saves = Saves()
    clock = _clock(saves)
    for _ in range(3):
        clock.changed()
        qtbot.wait(20)
    assert saves.times == []  # still typing
    qtbot.waitUntil(lambda: len(saves.times) == 1, timeout=2000)
    assert not clock.dirty
    qtbot.wait(PAUSE_MS * 2)
    assert len(saves.times) == 1  # nothing new typed, nothing saved again


def test_typing_without_a_pause_is_still_saved_at_the_cap(qtbot: QtBot) -> None:
    saves = Saves()
    clock = _clock(saves)
    started = time.monotonic()
    while not saves.times and time.monotonic() - started < 2:
        clock.changed()  # every keystroke restarts the pause
        qtbot.wait(PAUSE_MS // 4)
    assert saves.times, "typing on for long saved nothing"
    waited_ms = (saves.times[0] - started) * 1000
    assert LONGEST_MS * 0.9 <= waited_ms < LONGEST_MS + PAUSE_MS


def test_a_failed_save_is_tried_again_and_keeps_the_draft_dirty(qtbot: QtBot) -> None:
    saves = Saves()
    saves.failing = True
    clock = _clock(saves)
    clock.changed()
    qtbot.waitUntil(lambda: len(saves.times) == 1, timeout=2000)
    assert clock.dirty
    saves.failing = False
    qtbot.waitUntil(lambda: len(saves.times) == 2, timeout=2000)
    assert not clock.dirty
    assert (saves.times[1] - saves.times[0]) * 1000 >= RETRY_MS * 0.9


def test_flush_saves_at_once_and_forget_drops_what_is_pending(qtbot: QtBot) -> None:
    saves = Saves()
    clock = _clock(saves)
    assert clock.flush()  # nothing typed: nothing to save, and nothing saved
    assert saves.times == []
    clock.changed()
    assert clock.flush()
    assert len(saves.times) == 1
    clock.changed()
    clock.forget()
    qtbot.wait(LONGEST_MS + PAUSE_MS)
    assert len(saves.times) == 1 and not clock.dirty

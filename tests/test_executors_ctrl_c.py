"""Ctrl-C while a build waits for its worker processes (qmposter/build/executors.py).

concurrent.futures.wait takes the futures' locks one by one; a Ctrl-C landing while it holds some
left them held, and the pool's shutdown then waited forever for its manager thread, which needs
those locks to hand over a result: the build hung instead of exiting 130. The interrupt is made
to land exactly there, with a real SIGINT.
"""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import Future, _base

import pytest

from qmposter.build import executors


def test_ctrl_c_while_waiting_for_workers_leaves_no_future_locked(monkeypatch: pytest.MonkeyPatch) -> None:
    futures: set[Future] = {Future(), Future()}
    real_enter = _base._AcquireFutures.__enter__
    sent: list[int] = []

    def enter_then_ctrl_c(self) -> None:
        real_enter(self)  # every future's lock taken
        if not sent:
            sent.append(1)
            os.kill(os.getpid(), signal.SIGINT)  # the terminal's Ctrl-C, handled before the next line
            sum(range(10_000))

    monkeypatch.setattr(_base._AcquireFutures, "__enter__", enter_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        executors._first_finished(futures)
    # the pool's manager thread must still be able to hand results over
    handover = threading.Thread(target=lambda: [future.set_result(1) for future in futures], daemon=True)
    handover.start()
    handover.join(10)
    assert not handover.is_alive() and all(future.done() for future in futures)

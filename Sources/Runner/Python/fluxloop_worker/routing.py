"""sys.stdout / sys.stderr for several runs at once: each write goes to the capture of the run
whose context it happens in.

With one run at a time the worker swaps sys.stdout and sys.stderr around the call (capture.py).
With several runs in flight that swap would hand one run's prints to whichever run swapped last,
so the inflight server installs one RoutedStream per stream for its whole life instead. A write
looks the context variable `current_capture` up: inside a run's task (or a thread started with
that run's context, as the thread pool's are) it lands in that run's RunOutput; anywhere else
(a thread the agent started on its own, a callback of another library, the worker itself) it goes
to the worker's log, the process's standard error.
"""

import contextvars
import sys

from .capture import TextStreamTraits

#: The RunOutput of the run whose context this is, or None outside any run.
current_capture = contextvars.ContextVar("fluxloop_worker_capture", default=None)


class RoutedStream(TextStreamTraits):
    """A text stream that writes into the current run's capture, else into `fallback`."""

    def __init__(self, which, fallback):
        self._which = which  # "out" or "err": the RunOutput attribute to write into
        self._fallback = fallback

    def _target(self):
        captured = current_capture.get()
        if captured is None:
            return self._fallback
        return getattr(captured, self._which)

    def write(self, text):
        return self._target().write(text)

    def writelines(self, lines):
        target = self._target()
        for line in lines:
            target.write(line)

    def flush(self):
        try:
            self._target().flush()
        except Exception:
            pass

    @property
    def buffer(self):
        return self._target().buffer

    def fileno(self):
        # Descriptor-level writes (subprocesses, C extensions) cannot be told apart: the worker's log.
        return 2

    def writable(self):
        return True

    def readable(self):
        return False

    @property
    def closed(self):
        return False


class Routed:
    """Context manager: RoutedStreams in place of sys.stdout / sys.stderr, the originals back after."""

    def __enter__(self):
        self._saved = (sys.stdout, sys.stderr)
        log = sys.stderr  # fd 2; fd 1 was pointed at it by Channel.take_over, so both go to the log
        sys.stdout = RoutedStream("out", sys.stdout or log)
        sys.stderr = RoutedStream("err", log)
        return self

    def __exit__(self, *exc):
        sys.stdout, sys.stderr = self._saved
        return False

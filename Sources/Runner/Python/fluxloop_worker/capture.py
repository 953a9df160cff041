"""Per-run capture of what the agent prints through sys.stdout and sys.stderr."""

import io
import sys


class TextStreamTraits:
    """What code that inspects sys.stdout / sys.stderr sees of the worker's stand-ins (Capture, and
    routing.RoutedStream): UTF-8 text, strict errors, no terminal."""

    __slots__ = ()

    @property
    def encoding(self):
        return "utf-8"

    @property
    def errors(self):
        return "strict"

    def isatty(self):
        return False


class Capture(TextStreamTraits, io.StringIO):
    """Per-run stand-in for sys.stdout (Capture()) / sys.stderr (ErrorCapture()).

    No __init__ of its own: a run makes two of these, and StringIO's own constructor is
    many times cheaper than a Python-level one. The descriptor is a class attribute.
    """

    _fd = 1

    @property
    def buffer(self):
        return ByteSink(self)

    def fileno(self):
        # Code that writes to the descriptor (subprocesses) reaches the worker's
        # stderr: not captured, but it cannot corrupt the protocol.
        return self._fd


class ErrorCapture(Capture):
    """The per-run stand-in for sys.stderr."""

    _fd = 2


class ByteSink:
    """`Capture.buffer`: bytes written here are decoded as UTF-8 into the capture."""

    def __init__(self, text):
        self._text = text

    def write(self, data):
        self._text.write(bytes(data).decode("utf-8", "replace"))
        return len(data)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def fileno(self):
        return self._text.fileno()


class RunOutput:
    """One run's captured stdout and stderr. Used as a context manager around the agent call:
    sys.stdout and sys.stderr point at the captures inside, and are put back on the way out."""

    __slots__ = ("out", "err", "_saved")

    def __init__(self):
        self.out = Capture()
        self.err = ErrorCapture()
        self._saved = None

    def __enter__(self):
        self._saved = (sys.stdout, sys.stderr)
        sys.stdout, sys.stderr = self.out, self.err
        return self

    def __exit__(self, *exc):
        sys.stdout, sys.stderr = self._saved
        self._saved = None
        return False

    def add_to(self, response):
        """Put non-empty `stdout` / `stderr` into the response."""
        for key, capture in (("stdout", self.out), ("stderr", self.err)):
            if not capture.closed:
                text = capture.getvalue()
                if text:
                    response[key] = text

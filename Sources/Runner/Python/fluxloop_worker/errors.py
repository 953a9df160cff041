"""Setup failures and how a failure's traceback is shown."""

import importlib
import os
import sys

from .protocol import fallback_text

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_IMPORTLIB_DIR = os.path.dirname(os.path.abspath(importlib.__file__)) + os.sep


class SetupError(Exception):
    """A problem that makes the worker answer ready=false."""

    def __init__(self, type_name, message, tb=None):
        super().__init__(message)
        self.type_name = type_name
        self.message = message
        self.tb = tb


# An exception's text is any value's text: str(exc), or `<TypeName>` when even that fails.
exc_text = fallback_text


def _is_internal_frame(filename):
    """A frame of the worker itself, of the import machinery or of asyncio's event loop."""
    if filename.startswith("<frozen importlib") or filename.startswith(_IMPORTLIB_DIR):
        return True
    if os.path.abspath(filename).startswith(PACKAGE_DIR):
        return True
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None and filename.startswith(os.path.dirname(asyncio.__file__) + os.sep):
        return True
    return False


def format_exception(exc):
    """Traceback text without the worker's own leading frames."""
    import traceback  # only failed runs pay for it
    tb = exc.__traceback__
    start = tb
    while start is not None and _is_internal_frame(start.tb_frame.f_code.co_filename):
        start = start.tb_next
    if start is None:
        start = tb
    try:
        return "".join(traceback.format_exception(type(exc), exc, start))
    except Exception:
        return traceback.format_exc()


def error_object(type_name, message, tb=""):
    """The protocol's `error` object."""
    return {"type": type_name, "message": message, "traceback": tb}

"""Cached bytecode for the runtime folder itself, also under PYTHONDONTWRITEBYTECODE.

The fluxloop command unpacks this package and the `fluxloop/` SDK shim into a cache folder of its
own (one per build). With PYTHONDONTWRITEBYTECODE set, Python would compile every one of their
modules from source at each worker start, which costs more than the rest of the start-up. That
setting keeps .pyc files out of the user's folders; this folder is fluxloop's, so its modules are
compiled once here (into __pycache__, or under PYTHONPYCACHEPREFIX) and read from then on. The
agent's own modules are left to the user's setting.
"""

import importlib.util
import os
import sys

#: Compiled last: when its .pyc exists, the whole folder was compiled (a start that was cut short
#: compiles again).
LAST = os.path.join("fluxloop_worker", "main.py")


def cache_runtime(root):
    """Compile the .py files under `root` whose bytecode is missing; never fails."""
    if not sys.dont_write_bytecode or sys.implementation.cache_tag is None:
        return  # Python writes the .pyc files itself as it imports (or cannot use them at all)
    try:
        if os.path.exists(importlib.util.cache_from_source(os.path.join(root, LAST))):
            return
        if not os.access(root, os.W_OK):
            return  # a folder this user cannot write: compile from source, as before
        import py_compile
        sources = [os.path.join(folder, name) for folder, _, names in os.walk(root)
                   for name in sorted(names) if name.endswith(".py")]
        last = os.path.join(root, LAST)
        for path in sorted(sources, key=lambda p: p == last):
            try:
                py_compile.compile(path, doraise=True)
            except Exception:  # a file that cannot be compiled or written is imported from source
                pass
    except Exception:
        pass

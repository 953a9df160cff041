"""Entry point. The fluxloop command runs the folder: `python3 -u <runtime>/fluxloop_worker`."""

import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
if not __package__:
    # Started as a folder: Python put the folder itself first on sys.path. Import the package
    # from its parent instead, so that names like `config` or `targets` never shadow an agent's.
    sys.path[:] = [os.path.dirname(_here)] + [p for p in sys.path if os.path.abspath(p or ".") != _here]
if sys.dont_write_bytecode:  # PYTHONDONTWRITEBYTECODE: the runtime folder caches its bytecode all the same
    from fluxloop_worker.bytecode import cache_runtime
    cache_runtime(os.path.dirname(_here))
from fluxloop_worker.main import main

main()

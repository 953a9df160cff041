"""Entry point. The fluxloop command runs the folder: `python3 -u <runtime>/fluxloop_worker`."""

import os
import sys

if __package__:
    from .main import main
else:
    # Started as a folder: Python put the folder itself first on sys.path. Import the package
    # from its parent instead, so that names like `config` or `targets` never shadow an agent's.
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [os.path.dirname(_here)] + [p for p in sys.path if os.path.abspath(p or ".") != _here]
    from fluxloop_worker.main import main

main()

"""Shared by the SDK tests: the reference SDK in a temporary virtualenv, and the bundled package.

The virtualenv is made once per test process (under a temporary directory
removed at exit) and holds `fluxloop==0.1.7` from PyPI. When it cannot be
made (no network, no venv module) the tests that need it are skipped with the
reason, except under CI=true, where they fail.
"""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUNDLED = os.path.join(ROOT, "Sources", "Runner", "Python")
WALKER = os.path.join(HERE, "sdk_surface.py")
REFERENCE = "fluxloop==0.1.7"

_state = {}


def _unavailable(reason):
    message = "the reference SDK (%s) could not be installed from PyPI: %s" % (REFERENCE, reason)
    if os.environ.get("CI") == "true":
        raise AssertionError(message + " (CI=true: this must not be skipped)")
    raise unittest.SkipTest(message)


def reference_python():
    """The interpreter of a virtualenv with the real SDK installed (made on first use)."""
    if "error" in _state:
        _unavailable(_state["error"])
    if "python" in _state:
        return _state["python"]
    tmp = tempfile.mkdtemp(prefix="fluxloop-sdk-ref-")
    atexit.register(shutil.rmtree, tmp, True)
    env_dir = os.path.join(tmp, "venv")
    python = os.path.join(env_dir, "bin", "python")
    steps = [
        [sys.executable, "-m", "venv", env_dir],
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-input", "--timeout", "30", REFERENCE],
    ]
    for step in steps:
        try:
            out = subprocess.run(step, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            _state["error"] = "%s: %s" % (" ".join(step[:4]), exc)
            _unavailable(_state["error"])
        if out.returncode != 0:
            tail = (out.stderr or out.stdout).strip().splitlines()[-3:]
            _state["error"] = "`%s` exited with %d: %s" % (" ".join(step[:4]), out.returncode,
                                                            " | ".join(tail))
            _unavailable(_state["error"])
    _state["python"] = python
    return python


def run_python(python, args, bundled_first, cwd, plain=False):
    """Run `python args...`; with bundled_first the bundled package comes first on sys.path.

    plain: no site-packages at all (-S), so only the standard library and the
    bundled package can be imported.
    """
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8")
    env.pop("PYTHONPATH", None)
    if bundled_first:
        env["PYTHONPATH"] = BUNDLED
    command = [python] + (["-S"] if plain else []) + list(args)
    out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
    if out.returncode != 0:
        raise AssertionError("%s failed (exit %d):\n%s" % (" ".join(command), out.returncode,
                                                          out.stderr[-4000:]))
    return out.stdout

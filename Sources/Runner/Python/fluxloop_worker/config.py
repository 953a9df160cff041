"""The worker's configuration (FLUXLOOP_WORKER_CONFIG) and the import path it sets up."""

import json
import os
import sys

from .errors import SetupError

#: The folder holding this package and the bundled `fluxloop/` SDK shim.
RUNTIME_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE_DIR = os.path.join(RUNTIME_DIR, "fluxloop_worker")


def load_config(environ=None):
    """The checked configuration object, defaults filled in; SetupError when unusable."""
    raw = (os.environ if environ is None else environ).get("FLUXLOOP_WORKER_CONFIG")
    if not raw:
        raise SetupError("ValueError", "FLUXLOOP_WORKER_CONFIG is not set; the fluxloop command "
                         "passes the runner configuration to the worker through it")
    try:
        config = json.loads(raw)
    except ValueError as exc:
        raise SetupError("ValueError", "FLUXLOOP_WORKER_CONFIG is not valid JSON: %s" % exc)
    if not isinstance(config, dict):
        raise SetupError("ValueError", "FLUXLOOP_WORKER_CONFIG must be a JSON object")
    target = config.get("target")
    if not isinstance(target, str) or not target.strip():
        raise SetupError("ValueError", "runner.target is missing; set it to 'module:function' "
                         "(for example 'my_agent:run')")
    kwargs = config.get("factory_kwargs")
    if kwargs is None:
        config["factory_kwargs"] = {}
    elif not isinstance(kwargs, dict):
        raise SetupError("TypeError", "runner.factory_kwargs must be a mapping, got %s"
                         % type(kwargs).__name__)
    paths = config.get("python_path")
    if paths is None:
        config["python_path"] = []
    elif isinstance(paths, str):
        config["python_path"] = [paths]
    elif not isinstance(paths, list):
        raise SetupError("TypeError", "runner.python_path must be a list of folders")
    return config


def stream_path(config):
    """runner.stream_output_path split on dots, or None for the SDK's default."""
    path = config.get("stream_output_path")
    if isinstance(path, str) and path.strip():
        return tuple(p for p in path.strip().split(".") if p)
    return None


def setup_paths(config):
    """chdir to runner.working_directory; sys.path = shim folder, working directory, python_path, rest.

    The worker's own package folder leaves sys.path (its module names must not shadow an agent's),
    and an already imported fluxloop that is not the shim is forgotten, so the shim wins.
    """
    wd = os.path.abspath(config.get("working_directory") or os.getcwd())
    if not os.path.isdir(wd):
        raise SetupError("FileNotFoundError", "runner.working_directory '%s' is not a folder" % wd)
    if os.path.abspath(os.getcwd()) != wd:
        os.chdir(wd)
    entries = [RUNTIME_DIR, wd]
    entries += [os.path.abspath(os.path.join(wd, os.path.expanduser(str(entry))))
                for entry in config["python_path"]]
    ordered = list(dict.fromkeys(entries))
    dropped = set(ordered) | {PACKAGE_DIR}
    rest = [p for p in sys.path if os.path.abspath(p or ".") not in dropped]
    sys.path[:] = ordered + rest
    shim = os.path.join(RUNTIME_DIR, "fluxloop", "")
    for name in [m for m in sys.modules if m == "fluxloop" or m.startswith("fluxloop.")]:
        mod_file = getattr(sys.modules[name], "__file__", None) or ""
        if not os.path.abspath(mod_file).startswith(shim):
            del sys.modules[name]

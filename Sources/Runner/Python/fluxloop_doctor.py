"""`fluxloop doctor`'s import check: can the worker import runner.target?

Reads the same FLUXLOOP_WORKER_CONFIG as fluxloop_worker.py, sets up sys.path the same way (the
bundled `fluxloop` SDK first, then the working directory and python_path), imports the module and
looks up the attribute. Prints one JSON object; exit status 0 when the target resolves.
"""
import importlib
import json
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    config = json.loads(os.environ.get("FLUXLOOP_WORKER_CONFIG") or "{}")
    target = config.get("target") or ""
    wd = os.path.abspath(config.get("working_directory") or os.getcwd())
    if os.path.isdir(wd):
        os.chdir(wd)
    entries = [HERE, wd] + [os.path.abspath(os.path.join(wd, str(p))) for p in (config.get("python_path") or [])]
    sys.path[:] = entries + [p for p in sys.path if os.path.abspath(p or ".") not in entries]
    module_name, _, attribute = target.partition(":")
    result = {"ok": False, "target": target, "python": sys.version.split()[0], "executable": sys.executable}
    try:
        obj = importlib.import_module(module_name)
        for part in [p for p in attribute.split(".") if p]:
            obj = getattr(obj, part)
        result["ok"] = True
    except ModuleNotFoundError as exc:
        result.update(error="ModuleNotFoundError", message=str(exc), missing_module=exc.name,
                      target_module=module_name)
    except AttributeError as exc:
        result.update(error="AttributeError", message=str(exc))
    except BaseException as exc:  # the agent's own import-time failure
        last = traceback.extract_tb(exc.__traceback__)[-1:] or [None]
        where = "%s:%s" % (last[0].filename, last[0].lineno) if last[0] else ""
        result.update(error=type(exc).__name__, message=str(exc), where=where)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

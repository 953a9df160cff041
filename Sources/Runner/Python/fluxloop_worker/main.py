"""Worker start-up: configuration, the target, the ready line, then the request loop."""

import os
import sys

from .config import load_config, setup_paths, stream_path
from . import limits
from .errors import SetupError, error_object, exc_text
from .protocol import Channel
from .targets import resolve_target
from .worker import Interrupted, Worker


def main():
    """Run the worker; does not return (exits 0, 3 when not ready, 130 on SIGINT)."""
    channel = Channel.take_over()
    worker = None
    try:
        try:
            config = load_config()
            worker = start(config)
            if wants_concurrency(config):
                worker.prepare()  # inflight.py binds through worker.plan
            output_limit = config.get("max_output_bytes")
            if isinstance(output_limit, int) and output_limit > 0:
                worker.max_output_bytes = output_limit
                channel.max_line_bytes = limits.line_limit(output_limit)
        except SetupError as exc:
            channel.send({"ready": False, "error": error_object(exc.type_name, exc.message, exc.tb or "")})
            terminate(3, channel, worker)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            import traceback
            channel.send({"ready": False, "error": error_object(
                type(exc).__name__, "the fluxloop worker could not start: %s: %s"
                % (type(exc).__name__, exc_text(exc)), traceback.format_exc())})
            terminate(3, channel, worker)
        limit, mode, warning = 1, None, None
        if wants_concurrency(config):
            from . import inflight  # asyncio and threads only for workers that run several at once
            limit, mode, warning = inflight.plan(config, worker.target)
        channel.send(ready_line(config, limit, warning))
        if mode is None:
            try:
                worker.prepare()  # while the fluxloop command opens the experiment
            except Exception:  # the first run reports it (Worker.call)
                pass
            worker.serve(channel)
        else:
            inflight.InflightServer(worker, limit, mode).serve(channel)
    except (KeyboardInterrupt, Interrupted):
        terminate(130, channel, worker)
    terminate(0, channel, worker)


def start(config):
    """The Worker for a configuration: paths set up, SDK configured, target resolved; the call plan
    only for replay, whose configuration must be checked before the ready line (else Worker.prepare)."""
    setup_paths(config)
    import fluxloop._context as ctx
    path = stream_path(config)
    if path is not None:
        ctx.stream_output_path = path
    target = resolve_target(config)
    worker = Worker(target, None, ctx)
    replay = config.get("replay")
    if replay is not None:
        if not isinstance(replay, dict):
            raise SetupError("TypeError", "FLUXLOOP_WORKER_CONFIG replay must be an object")
        from .replay import ReplayPlan  # only replay_args experiments need it
        worker.plan = ReplayPlan(target, worker.prepare(), replay, ctx.serialize)
    return worker


def ready_line(config=None, limit=1, warning=None):
    """The line that tells the fluxloop command the target is loaded. When the configuration asks
    for concurrency it also says how many runs the worker takes at once, and why fewer."""
    line = {"ready": True, "python": "%d.%d.%d" % tuple(sys.version_info[:3]),
            "executable": sys.executable, "pid": os.getpid()}
    if config is not None and wants_concurrency(config):
        line["concurrency"] = limit
        if warning:
            line["warning"] = warning
    return line


def wants_concurrency(config):
    """True when FLUXLOOP_WORKER_CONFIG asks for more than one run in flight."""
    return config.get("concurrency") not in (None, 0, 1)


def terminate(code, channel, worker):
    """Exit without hanging on non-daemon threads an agent may have started."""
    if worker is not None:
        worker.close()
    channel.close()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    # Looked up, not imported: an agent that started threads through it has imported it.
    threading = sys.modules.get("threading")
    if threading is None:
        sys.exit(code)
    main_thread = threading.main_thread()
    if any(t is not main_thread and t.is_alive() and not t.daemon for t in threading.enumerate()):
        try:
            import atexit
            atexit._run_exitfuncs()
        except BaseException:
            pass
        os._exit(code)
    sys.exit(code)

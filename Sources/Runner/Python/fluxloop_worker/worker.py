"""Running requests: one agent call per request, its response, and the request loop."""

import time

from . import limits, output
from .capture import RunOutput
from .errors import exc_text, format_exception
from .protocol import decode, guess_id, protocol_error


class Interrupted(Exception):
    """SIGINT arrived: the worker answers what it was doing, then exits with status 130."""


class Worker:
    """Runs the target for each request.

    Everything a run needs lives in per-run objects (the SDK's `Run`, the bound arguments, the
    callback log, the output capture); the worker itself keeps only the target, the immutable
    plan, the SDK context module and the event loop it made for async targets.
    """

    #: runner.max_output_bytes (limits.py); None for no limit.
    max_output_bytes = None

    def __init__(self, target, plan, ctx):
        self.target = target
        self.plan = plan  # None until prepare()
        self.ctx = ctx
        self.loop = None

    def prepare(self):
        """Make the call plan (binding.py) if start-up left it for later.

        main.py calls it right after the ready line, while the fluxloop command opens the
        experiment: reading the target's signature imports inspect, which nothing before the
        ready line needs.
        """
        if self.plan is None:
            from .binding import CallPlan
            self.plan = CallPlan(self.target)
        return self.plan

    def event_loop(self):
        import asyncio
        if self.loop is None or self.loop.is_closed():
            self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        return self.loop

    def finish_value(self, result):
        """Await / drain what the target returned: streams become their joined text."""
        t = type(result)
        if t is str or t is dict or t is list or result is None:
            return result
        import inspect  # imported after the ready line (main.py); here it costs a dict lookup
        if inspect.isasyncgen(result):
            chunks = self.event_loop().run_until_complete(_drain_async(result))
            return self.ctx.join_chunks(chunks)[0]
        if inspect.isawaitable(result):
            result = self.event_loop().run_until_complete(_await(result))
            if inspect.isasyncgen(result) or inspect.isgenerator(result):
                return self.finish_value(result)
            return result
        if inspect.isgenerator(result):
            return self.ctx.join_chunks(list(result))[0]
        return result

    def call(self, req, run):
        """Bind and call the target inside `run`; (result, callback log, error or None)."""
        ctx = self.ctx
        token = ctx.current.set((run, None))
        ctx.active_run = run
        result = log = error = None
        try:
            args, kwargs, log = (self.plan or self.prepare()).bind(req)
            result = self.finish_value(self.target(*args, **kwargs))
        except BaseException as exc:  # agent failures, SystemExit and KeyboardInterrupt included
            error = exc
        finally:
            ctx.active_run = None
            try:
                ctx.current.reset(token)
            except ValueError:
                ctx.current.set(None)
        return result, log, error

    def handle(self, req):
        """(response object, whether SIGINT interrupted the agent) for one request."""
        ctx = self.ctx
        run = ctx.Run(req.get("trace_id") or ctx.new_id())
        captured = RunOutput()
        started = time.perf_counter()
        with captured:
            result, log, error = self.call(req, run)
        duration = (time.perf_counter() - started) * 1000.0
        return self.respond(req, run, captured, result, log, error, duration), isinstance(error, KeyboardInterrupt)

    def respond(self, req, run, captured, result, log, error, duration):
        """The response object for one finished run (inflight.py answers through it too)."""
        ctx = self.ctx
        resp = {"id": req.get("id")}
        if error is None:
            resp["output"], value = output.choose(run, log, result, ctx.serialize)
            if value is not None:
                resp["output_value"] = value
        else:
            message = exc_text(error)
            if isinstance(error, KeyboardInterrupt):
                message = message or "interrupted (SIGINT)"
            resp["error"] = {"type": type(error).__name__, "message": message,
                             "traceback": format_exception(error)}
        if log is not None:
            resp["callback_messages"] = log.json()
        add_trace_fields(resp, run, ctx)
        if run.records:
            resp["observations"] = run.records
        captured.add_to(resp)
        resp["duration_ms"] = duration
        limits.refuse_output(resp, self.max_output_bytes)
        return resp

    def serve(self, channel):
        """Answer requests until end of input or a shutdown request; raises Interrupted on SIGINT."""
        while True:
            try:
                line = channel.read_line()
            except KeyboardInterrupt:
                raise Interrupted() from None
            if not line:
                return
            if line.isspace():
                continue
            try:
                req = decode(line)
            except ValueError as exc:
                channel.send(protocol_error(guess_id(line), "request is not valid JSON: %s" % exc))
                continue
            if not isinstance(req, dict):
                channel.send(protocol_error(
                    None, "request must be a JSON object, got %s" % type(req).__name__))
                continue
            if req.get("type") == "shutdown":
                return
            interrupted = False
            try:
                resp, interrupted = self.handle(req)
            except KeyboardInterrupt:
                raise Interrupted() from None
            except Exception as exc:  # a worker bug: still answer
                import traceback
                resp = {"id": req.get("id"), "error": {
                    "type": "WorkerError",
                    "message": "the fluxloop worker failed: %s: %s" % (type(exc).__name__, exc),
                    "traceback": traceback.format_exc()}}
            channel.send(resp, self.ctx.serialize)
            if interrupted:
                raise Interrupted()

    def close(self):
        """Close the event loop, if one was made and is not running."""
        loop = self.loop
        if loop is not None and not loop.is_running():
            try:
                loop.close()
            except Exception:
                pass


def add_trace_fields(resp, run, ctx):
    """Put what the agent set through get_current_context() (user, tags, metadata) on the response.

    Each key is sent only when set, so runs of agents that never call the context answer as before.
    """
    if run.sdk is None:  # the agent never asked for its context: nothing set, nothing to take
        return
    try:
        fields = ctx.take_trace_fields(run)
    except Exception:  # a value the SDK could not make JSON-ready must not cost the run its answer
        return
    if fields.get("user_id") is not None:
        resp["user_id"] = fields["user_id"]
    if fields.get("tags"):
        resp["tags"] = fields["tags"]
    if fields.get("metadata"):
        resp["metadata"] = fields["metadata"]


async def _await(awaitable):
    return await awaitable


async def _drain_async(agen):
    return [chunk async for chunk in agen]

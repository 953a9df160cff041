"""Several runs in flight in one worker (runner.concurrency > 1; docs/protocol.md, "Concurrency").

Async targets (coroutine functions, async generator functions) run as tasks on one asyncio
event loop, up to `concurrency` at once. Sync targets run in a pool of that many threads, but
only when the project says they are thread-safe (runner.thread_safe / --threads): a plain
function's globals may not be. Otherwise the worker keeps one run at a time (the ordinary
request loop in worker.py) and its ready line says why (`plan`).

Answers go out as runs finish, not in request order; each carries its request's id. A request
{"type": "cancel", "id": ...} cancels that run's task (the fluxloop command sends it when a run
exceeds runner.timeout_seconds); the run answers at once with a CancelledError. A sync run in a
thread cannot be cancelled: the request is ignored and the fluxloop command replaces the worker.

Attribution: every run's task has its own context (contextvars), holding its SDK Run (so
observations, trace fields and the SDK context belong to it) and its output capture (routing.py).
The worker does not set the SDK's `active_run` fallback here: with several runs in flight there
is no one run a context-less thread could belong to.
"""

import asyncio
import contextvars
import inspect
import sys
import threading
import time
import traceback

from .capture import RunOutput
from .protocol import decode, guess_id, protocol_error
from .routing import Routed, current_capture


def is_async_target(target):
    """True for a coroutine or async generator function (or an object whose __call__ is one)."""
    for candidate in (target, getattr(type(target), "__call__", None)):
        if candidate is None:
            continue
        if inspect.iscoroutinefunction(candidate) or inspect.isasyncgenfunction(candidate):
            return True
    return False


def plan(config, target):
    """(runs in flight, "async" / "threads" / None, warning or None) for the configuration.

    None as the mode means the ordinary one-at-a-time loop.
    """
    try:
        requested = int(config.get("concurrency") or 1)
    except (TypeError, ValueError):
        requested = 1
    if requested <= 1:
        return 1, None, None
    if is_async_target(target):
        return requested, "async", None
    if config.get("thread_safe") is True:
        return requested, "threads", None
    name = getattr(target, "__qualname__", None) or type(target).__name__
    return 1, None, (
        "runner.concurrency is %d, but the agent %s is a plain (sync) function, whose globals may not "
        "be thread-safe: its runs go one at a time in each worker. Make it async (async def), or set "
        "runner.thread_safe: true (--threads) to run it in %d threads." % (requested, name, requested))


class InflightServer:
    """Serves requests with up to `limit` runs in flight on one event loop (see the module doc)."""

    def __init__(self, worker, limit, mode):
        self.worker = worker
        self.limit = limit
        self.threaded = mode == "threads"
        self.loop = None
        self.channel = None
        self.pool = None
        self.by_id = {}
        self.eof = False
        self.done = None
        self.slots = None

    def serve(self, channel):
        """Answer requests until end of input (then finish the runs in flight); Interrupted on SIGINT."""
        from .worker import Interrupted
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self.worker.loop = loop
        self.loop = loop
        self.channel = channel
        with Routed():
            try:
                loop.run_until_complete(self._main())
            except KeyboardInterrupt:
                self._interrupted()
                raise Interrupted() from None
            finally:
                if self.pool is not None:
                    self.pool.shutdown(wait=False)

    async def _main(self):
        self.slots = asyncio.Semaphore(self.limit)
        self.done = asyncio.Event()
        if self.threaded:
            from concurrent.futures import ThreadPoolExecutor
            self.pool = ThreadPoolExecutor(self.limit, thread_name_prefix="fluxloop-run")
        threading.Thread(target=self._read, name="fluxloop-requests", daemon=True).start()
        await self.done.wait()

    def _read(self):
        """The request reader (a thread): hands every line to the event loop, b"" at the end."""
        while True:
            try:
                line = self.channel.read_line()
            except Exception:
                line = b""
            try:
                self.loop.call_soon_threadsafe(self._line, line)
            except RuntimeError:  # the loop is closed: the worker is exiting
                return
            if not line:
                return

    def _line(self, line):
        if not line:
            self.eof = True
            self._check_done()
            return
        if line.isspace():
            return
        try:
            req = decode(line)
        except ValueError as exc:
            self.channel.send(protocol_error(guess_id(line), "request is not valid JSON: %s" % exc))
            return
        if not isinstance(req, dict):
            self.channel.send(protocol_error(None, "request must be a JSON object, got %s" % type(req).__name__))
            return
        kind = req.get("type")
        if kind == "shutdown":
            self.eof = True
            self._check_done()
            return
        if kind == "cancel":
            self._cancel(req.get("id"))
            return
        rid = req.get("id")
        task = self.loop.create_task(self._run(req))
        self.by_id[rid] = task
        task.add_done_callback(lambda _task, rid=rid: self._finished(rid, _task))

    def _cancel(self, rid):
        task = self.by_id.get(rid)
        if task is None or task.done():
            return  # already answered
        if self.threaded:
            # A thread cannot be stopped from outside; the fluxloop command replaces the worker.
            sys.__stderr__.write("fluxloop worker: run %s is a sync call in a thread and cannot be cancelled\n" % rid)
            return
        task.cancel()

    def _finished(self, rid, task):
        if self.by_id.get(rid) is task:
            del self.by_id[rid]
        self._check_done()

    def _check_done(self):
        if self.eof and not self.by_id and not self.done.is_set():
            self.done.set()

    async def _run(self, req):
        """One request in its own task (and so its own context): the agent call, then its answer."""
        try:
            await self.slots.acquire()
        except asyncio.CancelledError:
            self.channel.send({"id": req.get("id"), "error": {
                "type": "CancelledError", "traceback": "", "message": "the run was cancelled before it started"}})
            return
        try:
            worker = self.worker
            ctx = worker.ctx
            run = ctx.Run(req.get("trace_id") or ctx.new_id())
            captured = RunOutput()
            ctx.current.set((run, None))
            current_capture.set(captured)
            result = log = error = None
            cancelled = False
            started = time.perf_counter()
            try:
                args, kwargs, log = worker.plan.bind(req)
                if self.threaded:
                    call = contextvars.copy_context().run
                    result = await self.loop.run_in_executor(self.pool, call, self._call_sync, args, kwargs)
                else:
                    result = await finish_async(worker.target(*args, **kwargs), ctx)
            except asyncio.CancelledError as exc:
                error = exc
                cancelled = True
            except BaseException as exc:  # agent failures, SystemExit and KeyboardInterrupt included
                error = exc
            duration = (time.perf_counter() - started) * 1000.0
            current_capture.set(None)
            try:
                resp = worker.respond(req, run, captured, result, log, error, duration)
                if cancelled:
                    resp["error"] = {"type": "CancelledError", "traceback": "",
                                     "message": "the run was cancelled by the fluxloop command"}
            except Exception as exc:  # a worker bug: still answer
                resp = {"id": req.get("id"), "error": {
                    "type": "WorkerError",
                    "message": "the fluxloop worker failed: %s: %s" % (type(exc).__name__, exc),
                    "traceback": traceback.format_exc()}}
            self.channel.send(resp, ctx.serialize)
        finally:
            self.slots.release()
        if isinstance(error, KeyboardInterrupt):
            raise error  # SIGINT landed in this run: the server answers the others and exits (130)

    def _call_sync(self, args, kwargs):
        """A thread-safe sync target's call, in a pool thread with the run's context."""
        result = self.worker.target(*args, **kwargs)
        if inspect.isawaitable(result) or inspect.isasyncgen(result):
            # Awaited on the worker's loop; the task inherits this thread's (the run's) context.
            return asyncio.run_coroutine_threadsafe(finish_async(result, self.worker.ctx), self.loop).result()
        if inspect.isgenerator(result):
            return self.worker.ctx.join_chunks(list(result))[0]
        return result

    def _interrupted(self):
        """SIGINT: every run in flight is answered with a KeyboardInterrupt error."""
        for rid in list(self.by_id):
            self.channel.send({"id": rid, "error": {"type": "KeyboardInterrupt", "traceback": "",
                                                    "message": "interrupted (SIGINT)"}})
        self.by_id.clear()


async def finish_async(result, ctx):
    """Await / drain what an async target returned: streams become their joined text."""
    t = type(result)
    if t is str or t is dict or t is list or result is None:
        return result
    if inspect.isasyncgen(result):
        chunks = [chunk async for chunk in result]
        return ctx.join_chunks(chunks)[0]
    if inspect.isawaitable(result):
        result = await result
        if inspect.isasyncgen(result) or inspect.isgenerator(result):
            return await finish_async(result, ctx)
        return result
    if inspect.isgenerator(result):
        return ctx.join_chunks(list(result))[0]
    return result

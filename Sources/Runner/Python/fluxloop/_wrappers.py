"""How a decorated call becomes an observation: binding the arguments, opening and closing the record, and one
wrapper per kind of function (plain, coroutine, generator, async generator). The rules are in _decorators'
docstring.
"""

import functools
from types import FunctionType

from . import _context
from ._context import current, new_id, now_iso, serialize, join_chunks, reset, safe_str

# inspect.CO_GENERATOR, CO_COROUTINE, CO_ASYNC_GENERATOR: the code flags inspect's is*function() read.
_CO_GENERATOR, _CO_COROUTINE, _CO_ASYNC_GENERATOR = 0x20, 0x80, 0x200


# ---------------------------------------------------------------------------
# Argument capture
# ---------------------------------------------------------------------------

def _make_binder(func):
    """A function (args, kwargs) -> dict of serialised bound arguments.

    The signature is analysed once; calls that only use plain parameters take
    a fast path without inspect.
    """
    import inspect  # on the first recorded call, not when an agent module decorates its functions
    P = inspect.Parameter
    _POS_OR_KW, _KW_ONLY, _EMPTY = P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY, P.empty
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        sig = None

    def fallback(args, kwargs):
        out = {}
        if args:
            out["args"] = serialize(list(args))
        if kwargs:
            out["kwargs"] = serialize(kwargs)
        return out

    if sig is None:
        return fallback

    params = list(sig.parameters.values())
    skip = None
    if params and params[0].name in ("self", "cls") and params[0].kind in (
            inspect.Parameter.POSITIONAL_ONLY, _POS_OR_KW):
        skip = params[0].name

    def slow(args, kwargs):
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError:
            return fallback(args, kwargs)
        bound.apply_defaults()
        out = {}
        for key, value in bound.arguments.items():
            if key != skip:
                out[key] = serialize(value)
        return out

    if any(p.kind not in (_POS_OR_KW, _KW_ONLY) for p in params):
        return slow

    names = tuple(p.name for p in params)
    positional = sum(1 for p in params if p.kind is _POS_OR_KW)
    defaults = {p.name: p.default for p in params if p.default is not _EMPTY}
    nameset = frozenset(names)
    total = len(names)

    def fast(args, kwargs):
        n = len(args)
        if n > positional:
            return slow(args, kwargs)
        if kwargs and not (kwargs.keys() <= nameset):
            return slow(args, kwargs)
        out = {}
        i = 0
        for name in names:
            if i < n:
                if kwargs and name in kwargs:
                    return slow(args, kwargs)  # given twice: let bind decide
                value = args[i]
            elif kwargs and name in kwargs:
                value = kwargs[name]
            elif name in defaults:
                value = defaults[name]
            else:
                return slow(args, kwargs)  # missing argument
            i += 1
            if name != skip:
                t = type(value)
                out[name] = value if (t is str or t is int or value is None) else serialize(value)
        return out

    if total == 0:
        return lambda args, kwargs: {} if not args and not kwargs else slow(args, kwargs)
    return fast


# ---------------------------------------------------------------------------
# Wrappers
# ---------------------------------------------------------------------------

def _error_metadata(metadata, exc):
    md = dict(metadata)
    md["error_type"] = type(exc).__name__
    import traceback  # only failed calls pay for it
    md["traceback"] = traceback.format_exc()
    return md


def _generator_output(chunks):
    text, any_text = join_chunks(chunks)
    if any_text:
        return text
    return serialize(chunks)


class _Observer(object):
    """What one decorated function records, and how: its observation's type, name,
    metadata and model, and how its arguments and result are captured. The four
    wrapper kinds below share it, so a call is opened and closed the same way
    whether the function is plain, a coroutine or a generator."""

    __slots__ = ("func", "typ", "name", "metadata", "model", "capture_input",
                 "capture_output", "binder")

    def __init__(self, func, typ, name, metadata, model, capture_input, capture_output):
        if name is None:
            name = getattr(func, "__name__", None) or type(func).__name__
        self.func = func
        self.typ = typ
        self.name = name
        self.metadata = dict(metadata) if metadata else {}
        self.model = model
        self.capture_input = capture_input
        self.capture_output = capture_output
        self.binder = None  # made on the first recorded call

    def bind(self, args, kwargs):
        if not self.capture_input:
            return {}
        if self.binder is None:
            self.binder = _make_binder(self.func)
        try:
            return self.binder(args, kwargs)
        except Exception:
            return {}

    def open(self, cur, args, kwargs):
        """The call's record so far: (run, parent id, observation id, start, input)."""
        run, parent = cur
        return run, parent, new_id(), now_iso(), self.bind(args, kwargs)

    def failed(self, call, exc):
        run, parent, oid, start, inp = call
        run.add(oid, self.typ, self.name, start, inp, None, safe_str(exc),
                _error_metadata(self.metadata, exc), self.model, parent)

    def finished(self, call, value):
        output = None
        if self.capture_output:
            try:
                output = serialize(value)
            except Exception:
                output = None
        run, parent, oid, start, inp = call
        run.add(oid, self.typ, self.name, start, inp, output, None, self.metadata, self.model,
                parent)


def _wrap(func, typ, name, metadata, model, capture_input, capture_output):
    """Return the instrumented wrapper for `func`, of the same kind as `func`."""
    observer = _Observer(func, typ, name, metadata, model, capture_input, capture_output)
    asyncgen, gen, coroutine = _function_kind(func)
    if asyncgen:
        wrapper = _asyncgen_wrapper(func, observer)
    elif gen:
        wrapper = _gen_wrapper(func, observer)
    elif coroutine:
        wrapper = _async_wrapper(func, observer)
    else:
        wrapper = _sync_wrapper(func, observer)
    return functools.wraps(func)(wrapper)


def _sync_wrapper(func, observer):
    lookup = _context.lookup

    def sync_wrapper(*args, **kwargs):
        prev = current.get()
        cur = prev if prev is not None else lookup()
        if cur is None:
            return func(*args, **kwargs)
        call = observer.open(cur, args, kwargs)
        token = current.set((call[0], call[2]))
        try:
            result = func(*args, **kwargs)
        except BaseException as exc:
            reset(token, prev)
            observer.failed(call, exc)
            raise
        reset(token, prev)
        observer.finished(call, result)
        return result
    return sync_wrapper


def _async_wrapper(func, observer):
    lookup = _context.lookup

    async def async_wrapper(*args, **kwargs):
        prev = current.get()
        cur = prev if prev is not None else lookup()
        if cur is None:
            return await func(*args, **kwargs)
        call = observer.open(cur, args, kwargs)
        token = current.set((call[0], call[2]))
        try:
            result = await func(*args, **kwargs)
        except BaseException as exc:
            reset(token, prev)
            observer.failed(call, exc)
            raise
        reset(token, prev)
        observer.finished(call, result)
        return result
    return async_wrapper


def _gen_wrapper(func, observer):
    lookup = _context.lookup

    def gen_wrapper(*args, **kwargs):
        cur = lookup()
        if cur is None:
            return (yield from func(*args, **kwargs))
        call = observer.open(cur, args, kwargs)
        child = (call[0], call[2])
        chunks = []
        gen = func(*args, **kwargs)
        send = None
        thrown = None
        result = None
        try:
            while True:
                prev = current.get()
                token = current.set(child)
                try:
                    if thrown is not None:
                        exc, thrown = thrown, None
                        chunk = gen.throw(exc)
                    else:
                        chunk = gen.send(send)
                except StopIteration as stop:
                    result = stop.value
                    break
                finally:
                    reset(token, prev)
                chunks.append(chunk)
                try:
                    send = yield chunk
                except GeneratorExit:
                    raise
                except BaseException as exc:
                    thrown = exc
                    send = None
        except GeneratorExit:
            try:
                gen.close()
            finally:
                observer.finished(call, _generator_output(chunks))
            raise
        except BaseException as exc:
            observer.failed(call, exc)
            raise
        observer.finished(call, _generator_output(chunks))
        return result
    return gen_wrapper


def _asyncgen_wrapper(func, observer):
    lookup = _context.lookup

    async def asyncgen_wrapper(*args, **kwargs):
        cur = lookup()
        gen = func(*args, **kwargs)
        call = None if cur is None else observer.open(cur, args, kwargs)
        child = None if call is None else (call[0], call[2])
        chunks = []
        send = None
        thrown = None
        try:
            while True:
                if call is not None:
                    prev = current.get()
                    token = current.set(child)
                try:
                    if thrown is not None:
                        exc, thrown = thrown, None
                        chunk = await gen.athrow(exc)
                    else:
                        chunk = await gen.asend(send)
                except StopAsyncIteration:
                    break
                finally:
                    if call is not None:
                        reset(token, prev)
                if call is not None:
                    chunks.append(chunk)
                try:
                    send = yield chunk
                except GeneratorExit:
                    raise
                except BaseException as exc:  # thrown in by the consumer: forward it
                    thrown = exc
                    send = None
        except GeneratorExit:
            try:
                await gen.aclose()
            finally:
                if call is not None:
                    observer.finished(call, _generator_output(chunks))
            raise
        except BaseException as exc:
            if call is not None:
                observer.failed(call, exc)
            raise
        if call is not None:
            observer.finished(call, _generator_output(chunks))
    return asyncgen_wrapper


def _function_kind(func):
    """(async generator, generator, coroutine) function, as inspect's is*function() tell it.

    A plain function answers from its code flags, which is what inspect reads too, so importing
    an agent module does not import inspect; anything else (methods, partials, callable objects, a
    function marked with inspect.markcoroutinefunction) asks inspect itself.
    """
    if type(func) is FunctionType and not hasattr(func, "_is_coroutine_marker"):
        flags = func.__code__.co_flags
        return flags & _CO_ASYNC_GENERATOR, flags & _CO_GENERATOR, flags & _CO_COROUTINE
    import inspect
    return inspect.isasyncgenfunction(func), inspect.isgeneratorfunction(func), inspect.iscoroutinefunction(func)

"""The FluxLoop decorators (agent, tool, prompt, trace) and instrument().

Standard library only, Python 3.8+.

Each decorator returns a wrapper of the same kind as the function (plain,
coroutine, generator or async generator function), so `inspect` and
frameworks see what they saw before. Outside a worker run the wrappers call
straight through and record nothing.

Observation records follow FluxLoop 0.2.30 (see _context.Run.add): the input
is the call's bound arguments with defaults applied (as FluxLoop's
`sig.bind(...); bound.apply_defaults()`), without a leading `self`/`cls`; the
output is the serialised return value; on failure `error` is str(exc) and the
metadata gets `error_type` and `traceback`.

Generators: the observation starts at the first iteration and ends when the
iteration ends (exhausted, failed or closed early). Its output is the chunks
joined into text by the stream rules (a str chunk as is, else
runner.stream_output_path / `delta` / `text`), or, when no chunk carried text,
the list of serialised chunks.
"""

from . import _context
from ._context import current, new_id, now_iso, reset, safe_str, serialize
from ._wrappers import _wrap
from ._enums import ObservationType


def _decorator(name, typ, metadata, model, capture_input, capture_output):
    """Support both @deco and @deco(...): `name` may be the function itself."""
    def decorate(func, name=name):
        if isinstance(func, (staticmethod, classmethod)):
            return type(func)(_wrap(func.__func__, typ, name, metadata, model,
                                    capture_input, capture_output))
        return _wrap(func, typ, name, metadata, model, capture_input, capture_output)

    if isinstance(name, (staticmethod, classmethod)) or (
            callable(name) and not isinstance(name, str)):
        return decorate(name, None)
    return decorate


def agent(name=None, metadata=None, capture_input=True, capture_output=True, **_ignored):
    """Decorator for agent entry points: an observation of type "agent"."""
    return _decorator(name, "agent", metadata, None, capture_input, capture_output)


def tool(name=None, description=None, metadata=None, capture_input=True,
         capture_output=True, **_ignored):
    """Decorator for tools: type "tool", metadata {"description": ...}."""
    md = dict(metadata) if metadata else {}
    if description:
        md["description"] = description
    return _decorator(name, "tool", md, None, capture_input, capture_output)


def prompt(name=None, model=None, capture_tokens=True, metadata=None, capture_input=True,
           capture_output=True, **_ignored):
    """Decorator for LLM calls: type "generation", `model` recorded."""
    return _decorator(name, "generation", metadata, model, capture_input, capture_output)


def trace(name=None, observation_type=ObservationType.SPAN, metadata=None, capture_input=True,
          capture_output=True, **_ignored):
    """General decorator: type "span" unless observation_type says otherwise."""
    typ = getattr(observation_type, "value", observation_type) or "span"
    return _decorator(name, str(typ).lower(), metadata, None, capture_input, capture_output)


# ---------------------------------------------------------------------------
# instrument()
# ---------------------------------------------------------------------------

class instrument(object):
    """`with fluxloop.instrument(name):` / `async with ...:` records a "span".

    The block's observation has input {} unless `input=` is given, and an
    output only if the block calls `.set_output(value)`. Decorated calls
    inside the block become its children. Outside a run it does nothing.
    The handle also offers FluxLoop's add_metadata / add_tag / set_user.
    """

    def __init__(self, name="instrument", session_id=None, user_id=None, metadata=None,
                 tags=None, trace_id=None, input=None, observation_type="span", **_ignored):
        self.name = name
        self.metadata = dict(metadata) if metadata else {}
        self.input = input
        self.type = str(getattr(observation_type, "value", observation_type) or "span").lower()
        self.output = None
        self.trace = None
        self._run = None
        self._token = None

    def set_output(self, value):
        self.output = value

    def add_metadata(self, key, value):
        self.metadata[key] = value

    def add_tag(self, tag):
        tags = self.metadata.setdefault("tags", [])
        if tag not in tags:
            tags.append(tag)

    def set_user(self, user_id):
        self.metadata["user_id"] = user_id

    def is_enabled(self):
        return self._run is not None

    def __enter__(self):
        cur = _context.lookup()
        if cur is None:
            return self
        self._run, self._parent = cur
        self._prev = current.get()
        self._id = new_id()
        self._start = now_iso()
        self._input = serialize(self.input) if self.input is not None else {}
        self._token = current.set((self._run, self._id))
        return self

    def __exit__(self, exc_type, exc, tb):
        run = self._run
        if run is None:
            return False
        self._run = None
        reset(self._token, self._prev)
        md = serialize(self.metadata)
        error = None
        if exc is not None and not isinstance(exc, GeneratorExit):
            error = safe_str(exc)
            md["error_type"] = exc_type.__name__
            import traceback  # only failed blocks pay for it
            md["traceback"] = "".join(traceback.format_exception(exc_type, exc, tb))
        output = serialize(self.output) if (self.output is not None and error is None) else None
        run.add(self._id, self.type, self.name, self._start, self._input, output, error, md,
                None, self._parent)
        return False

    def __call__(self, func):
        """Used as a decorator, instrument(name) traces the function like trace(name)."""
        return _wrap(func, self.type, self.name, self.metadata, None, True, True)

    async def __aenter__(self):
        return self.__enter__()

    async def __aexit__(self, exc_type, exc, tb):
        return self.__exit__(exc_type, exc, tb)

"""Argument replay (replay_args): binding each run from a recorded call, collecting callbacks."""

import json

from .binding import EXTRAS, INPUT_NAMES, AttrDict, _P, fill, parameters
from .errors import SetupError
from .protocol import fallback_text

PROVIDERS = {"builtin:collector.send": "send", "builtin:collector.error": "error"}
_MARKER_PREFIXES = ("<builtin:", "<callable:")


class CallbackLog:
    """What one run's replay callbacks received: `sent` (send) and `errors` (error), in call order."""

    __slots__ = ("sent", "errors")

    def __init__(self):
        self.sent = []
        self.errors = []

    def json(self):
        """The response's `callback_messages`."""
        return {"send": self.sent, "error": self.errors}


class ReplayPlan:
    """Arguments from a recorded call, worked out once at startup; immutable, shared by every run.

    Each run starts from a fresh copy of the recorded kwargs (mappings with attribute access)
    and puts the input at override_param_path. Recorded callable markers become collectors
    (ReplayCallback) writing into that run's CallbackLog. Parameters of the target that the
    recording lacks get what normal binding gives (persona, iteration, ...). With
    override_param_path null the recorded values are kept and the input goes to a parameter
    the recording lacks (see _input_binding). When the path is not in the recording, runs use
    normal binding (`base`).
    """

    def __init__(self, target, base, replay, serialize):
        self.base = base
        self.serialize = serialize
        kwargs = recorded_kwargs(replay)
        providers = replay.get("callable_providers") or {}
        if not isinstance(providers, dict):
            raise SetupError("TypeError", "replay_args.callable_providers must be a mapping")
        path = replay.get("override_param_path")
        if path is not None and not isinstance(path, str):
            raise SetupError("TypeError", "replay_args.override_param_path must be a string or null")
        # [(name, recorded value, None) or (name, None, (kind, is_async))], in recorded order.
        self.items = []
        for name, value in kwargs.items():
            if is_callable_marker(value):
                self.items.append((name, None, (_provider_kind(name, value, providers),
                                                value.endswith(":async>"))))
            else:
                self.items.append((name, value, None))
        if any(restore and restore[1] for _, _, restore in self.items):
            mark_async_callbacks()
        self.steps = None
        self.fallback = False
        if path:
            self.steps = path_steps(kwargs, path)
            self.fallback = self.steps is None
        # Parameters the recording lacks.
        self.fills = [(n, g) for n, g in base.always if n not in kwargs]
        self.conversation = [(n, g) for n, g in base.conversation if n not in kwargs]
        self.input_kw = None
        self.input_positional = False
        if not path:
            self._input_binding(target, kwargs)

    def _input_binding(self, target, kwargs):
        """Where the input goes when there is no override path: the first parameter named
        input, input_text, message, query, text, content or user_message that the recording
        lacks, else the first required parameter it lacks; else nowhere."""
        params = parameters(target)
        if params is None:
            return
        missing = [p for p in params if p.name not in kwargs
                   and p.kind in (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD, _P.KEYWORD_ONLY)]
        by_name = {p.name: p for p in missing}
        chosen = next((by_name[n] for n in INPUT_NAMES if n in by_name), None)
        if chosen is None:
            extras = {name for name, _, _ in EXTRAS}
            chosen = next((p for p in missing if p.default is _P.empty and p.name not in extras), None)
        if chosen is None:
            return
        if chosen.kind is _P.POSITIONAL_ONLY:
            self.input_positional = True
        else:
            self.input_kw = chosen.name
        self.fills = [(n, g) for n, g in self.fills if n != chosen.name]
        self.conversation = [(n, g) for n, g in self.conversation if n != chosen.name]

    def bind(self, req):
        """(args, kwargs, CallbackLog) for one request."""
        log = CallbackLog()
        if self.fallback:
            args, kwargs, _ = self.base.bind(req)
            return args, kwargs, log
        serialize = self.serialize
        kwargs = {}
        for name, value, restore in self.items:
            if restore is None:
                kwargs[name] = fresh_copy(value)
            else:
                kind, is_async = restore
                store = log.sent if kind == "send" else log.errors
                kwargs[name] = (AsyncReplayCallback if is_async else ReplayCallback)(store, kind, serialize)
        text = req.get("input")
        steps = self.steps
        if steps is not None:
            node = kwargs
            for step in steps[:-1]:
                node = node[step]
            node[steps[-1]] = text
        args = ()
        if self.input_kw is not None:
            kwargs[self.input_kw] = text
        elif self.input_positional:
            args = (text,)
        fill(kwargs, req, self.fills, self.conversation)
        return args, kwargs, log


def _provider_kind(name, marker, providers):
    provider = providers.get(name)
    if provider is None:
        raise SetupError(
            "ValueError", "recorded parameter '%s' is the callable %s but "
            "replay_args.callable_providers has no provider for it" % (name, marker))
    kind = PROVIDERS.get(provider)
    if kind is None:
        raise SetupError(
            "ValueError", "replay_args.callable_providers.%s is '%s'; supported: %s"
            % (name, provider, ", ".join(sorted(PROVIDERS))))
    return kind


def is_callable_marker(value):
    """True for a recorded callable: "<builtin:...>" or "<callable:...>"."""
    return type(value) is str and value.startswith(_MARKER_PREFIXES) and value.endswith(">")


def path_steps(kwargs, path):
    """The keys and list indexes that `path` (dots; numeric segments index lists) walks in the
    recorded kwargs, or None when the recording has no value there."""
    steps = []
    node = kwargs
    for segment in path.split("."):
        if isinstance(node, dict):
            if segment not in node:
                return None
            steps.append(segment)
            node = node[segment]
        elif isinstance(node, list) and segment.isdigit() and segment.isascii():
            index = int(segment)
            if index >= len(node):
                return None
            steps.append(index)
            node = node[index]
        else:
            return None
    return steps


def fresh_copy(value):
    """A fresh copy of a recorded value for one run; mappings gain attribute access."""
    t = type(value)
    if t is dict:
        return AttrDict({k: fresh_copy(v) for k, v in value.items()})
    if t is list:
        return [fresh_copy(v) for v in value]
    return value


def captured(serialize, args, kwargs):
    """What one callback call keeps: a lone positional argument as itself, else {args, kwargs}."""
    try:
        if len(args) == 1 and not kwargs:
            return serialize(args[0])
        return {"args": serialize(list(args)), "kwargs": serialize(kwargs)}
    except Exception:
        return fallback_text(args[0] if len(args) == 1 and not kwargs else (args, kwargs))


class ReplayCallback:
    """A recorded callable restored as a collector: every call is kept for the trace's
    callback_messages. `messages` (send) or `errors` (error) is the list, as in FluxLoop."""

    def __init__(self, store, kind, serialize):
        self._store = store
        self._serialize = serialize
        self.__fluxloop_builtin__ = "collector." + kind
        if kind == "send":
            self.messages = store
        else:
            self.errors = store

    def __call__(self, *args, **kwargs):
        self._store.append(captured(self._serialize, args, kwargs))

    def __repr__(self):
        return "<builtin:%s>" % self.__fluxloop_builtin__

    __str__ = __repr__


async def _no_result():
    return None


class AsyncReplayCallback(ReplayCallback):
    """The `:async` form: the call is kept at once and an awaitable (a coroutine) is returned."""

    def __init__(self, store, kind, serialize):
        super().__init__(store, kind, serialize)
        self.__fluxloop_builtin__ = "collector." + kind + ":async"
        mark = getattr(AsyncReplayCallback, "_mark", None)
        if mark is not None:
            mark(self)

    def __call__(self, *args, **kwargs):
        self._store.append(captured(self._serialize, args, kwargs))
        return _no_result()


def mark_async_callbacks():
    """Makes inspect/asyncio.iscoroutinefunction true for AsyncReplayCallback objects.

    Done on the class, once, when a recording has an async callable; idempotent.
    """
    try:
        import asyncio.coroutines as coroutines
        marker = getattr(coroutines, "_is_coroutine", None)
        if marker is not None:
            AsyncReplayCallback._is_coroutine = marker
    except Exception:
        pass
    import inspect
    mark = getattr(inspect, "markcoroutinefunction", None)
    if mark is not None:
        AsyncReplayCallback._mark = staticmethod(mark)


def recorded_kwargs(replay):
    """The recorded call's kwargs: inline in the config, else read from the recording's line."""
    kwargs = replay.get("kwargs")
    if kwargs is None:
        path = replay.get("recording_file")
        if not isinstance(path, str) or not path:
            raise SetupError("ValueError", "replay: neither kwargs nor recording_file is given")
        try:
            with open(path, "rb") as handle:
                lines = handle.read().split(b"\n")
        except OSError as exc:
            raise SetupError(type(exc).__name__, "replay_args.recording_file %s cannot be read: %s"
                             % (path, exc))
        number = replay.get("line")
        if isinstance(number, int) and 1 <= number <= len(lines):
            line = lines[number - 1]
        else:
            rest = [item for item in lines if item.strip()]
            if not rest:
                raise SetupError("ValueError", "replay_args.recording_file %s is empty" % path)
            line = rest[-1]
        try:
            record = json.loads(line.decode("utf-8-sig"))
        except ValueError as exc:
            raise SetupError("ValueError", "replay_args.recording_file %s: invalid JSON: %s"
                             % (path, exc))
        kwargs = record.get("kwargs", {}) if isinstance(record, dict) else None
    if not isinstance(kwargs, dict):
        raise SetupError("TypeError", "replay: the recorded kwargs must be a JSON object")
    return kwargs

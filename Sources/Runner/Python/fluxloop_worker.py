"""fluxloop-swift Python worker: runs one Python agent many times for `fluxloop`.

Standard library only, Python 3.9+. The Swift side starts it once per
experiment as `python3 <cache>/fluxloop_worker.py`, with the project's working
directory as cwd, and talks JSON lines over stdin/stdout. The folder holding
this file also holds the `fluxloop/` SDK shim, which goes first on sys.path.

Configuration: environment variable FLUXLOOP_WORKER_CONFIG, a JSON object
    {"target": "module:attr.path", "factory": "module:callable" or null,
     "factory_kwargs": {...}, "working_directory": "/abs",
     "python_path": ["/abs", ...], "stream_output_path": "update.delta" or null,
     "replay": null or {"kwargs": {...}, "override_param_path": "data.content" or null,
                        "callable_providers": {"param": "builtin:collector.send", ...},
                        "recording_file": "/abs", "line": 7, "target": "module:attr"}}
`replay` (argument replay, replay_args) binds each run from a recorded call; see
ReplayPlan. Without `kwargs` the worker reads them from line `line` of recording_file.

Startup. The protocol is moved off fd 1 (fd 1 then points at stderr, so
nothing printed at fd level can corrupt it) and off fd 0 (fd 0 then reads
/dev/null, so agents and their subprocesses cannot eat requests). The target
is resolved and exactly one line is written:
    {"ready": true, "python": "3.11.7", "executable": "/usr/bin/python3.11", "pid": 123}
or  {"ready": false, "error": {"type": ..., "message": ..., "traceback": ...}}
after which the worker exits with status 3.

Requests, one JSON object per line on stdin:
    {"id": "r1", "trace_id": "uuid", "input": "text", "iteration": 0,
     "persona": {...} or null, "persona_prompt": "..." or null,
     "conversation_state": {...} or null, "metadata": {...}}
Unknown keys are ignored. EOF or {"type": "shutdown"} ends the worker (status 0).

Responses, one compact UTF-8 JSON line per request, in request order:
    {"id": "r1", "output": <json>, "observations": [...], "stdout": "...",
     "stderr": "...", "duration_ms": 1.23}
    {"id": "r1", "error": {"type": "ValueError", "message": "...",
     "traceback": "..."}, "observations": [...], ...}
`observations`, `stdout` and `stderr` are left out when empty. `duration_ms`
is the agent call alone (argument binding to output selection). `output` is
chosen as FluxLoop 0.2.30 does: the output of the last observation named
agent_final_response, else of the last agent observation without a parent,
else, when replaying, the last message sent through a replay callback, else the
return value (generator chunks joined); None becomes "". When replaying, every
response also has "callback_messages": {"send": [...], "error": [...]}. A line
that is not a JSON object gets {"id": <id or null>, "error": {"type":
"ProtocolError", ...}}; a failure of the worker itself while handling a
request gets type "WorkerError". Non-finite floats become the strings "NaN",
"Infinity", "-Infinity".

Exit status: 0 after EOF/shutdown, 3 when not ready, 130 on SIGINT (after
answering the request in progress with an error of type KeyboardInterrupt).
"""

import os
import sys


def _setup_channels():
    """Keep the protocol on private descriptors; fd 1 -> stderr, fd 0 -> /dev/null."""
    proto_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    proto_in = os.fdopen(os.dup(0), "rb")
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
    except OSError:
        pass
    return proto_in, proto_out


PROTO_IN, PROTO_OUT = _setup_channels()

import io  # noqa: E402
import json  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_dumps = _encoder.encode
_decode = json.JSONDecoder().decode


def _loads(line):
    return _decode(line.decode("utf-8"))


# ---------------------------------------------------------------------------
# Writing to the protocol channel
# ---------------------------------------------------------------------------

def _sanitize(value, serialize):
    """A JSON-safe copy: non-finite floats as strings, everything else serialised."""
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, dict):
        return {(k if isinstance(k, str) else str(k)): _sanitize(v, serialize)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_sanitize(v, serialize) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return _sanitize(serialize(value), serialize) if serialize else str(value)


def _serialize_fallback(value):
    try:
        return str(value)
    except Exception:
        return "<%s>" % type(value).__name__


def send(obj, serialize=None):
    """Write one protocol line. Never raises for unserialisable content."""
    try:
        data = _dumps(obj)
    except Exception:
        try:
            data = _dumps(_sanitize(obj, serialize or _serialize_fallback))
        except Exception as exc:  # last resort: still answer the request
            data = _dumps({
                "id": obj.get("id") if isinstance(obj, dict) else None,
                "error": {"type": "SerializationError",
                          "message": "the worker could not encode its response: %s: %s"
                          % (type(exc).__name__, exc),
                          "traceback": traceback.format_exc()},
            })
    try:
        PROTO_OUT.write(data.encode("utf-8", "replace") + b"\n")
        PROTO_OUT.flush()
    except BrokenPipeError:  # the fluxloop command is gone: nobody to answer
        os._exit(1)


_LOOP = [None]  # the worker's event loop, once an async target needed one


def _exit(code):
    """Leave without hanging on non-daemon threads an agent may have started."""
    loop = _LOOP[0]
    if loop is not None and not loop.is_running():
        try:
            loop.close()
        except Exception:
            pass
    for stream in (PROTO_OUT, PROTO_IN):
        try:
            stream.close()
        except Exception:
            pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    main_thread = threading.main_thread()
    if any(t is not main_thread and t.is_alive() and not t.daemon
           for t in threading.enumerate()):
        try:
            import atexit
            atexit._run_exitfuncs()
        except BaseException:
            pass
        os._exit(code)
    sys.exit(code)


# ---------------------------------------------------------------------------
# Setup errors
# ---------------------------------------------------------------------------

class SetupError(Exception):
    """A problem that makes the worker answer ready=false."""

    def __init__(self, type_name, message, tb=None):
        Exception.__init__(self, message)
        self.type_name = type_name
        self.message = message
        self.tb = tb


_ASYNCIO_DIR = None
_IMPORTLIB_DIR = os.path.dirname(os.path.abspath(__import__("importlib").__file__)) + os.sep


def _is_internal_frame(filename):
    if filename == __file__ or os.path.abspath(filename) == os.path.abspath(__file__):
        return True
    if filename.startswith("<frozen importlib") or filename.startswith(_IMPORTLIB_DIR):
        return True
    if _ASYNCIO_DIR and filename.startswith(_ASYNCIO_DIR):
        return True
    return False


def format_exception(exc):
    """Traceback text without the worker's own leading frames."""
    tb = exc.__traceback__
    start = tb
    while start is not None and _is_internal_frame(start.tb_frame.f_code.co_filename):
        start = start.tb_next
    if start is None:
        start = tb
    try:
        return "".join(traceback.format_exception(type(exc), exc, start))
    except Exception:
        return traceback.format_exc()


def _exc_text(exc):
    try:
        return str(exc)
    except Exception:
        return "<%s>" % type(exc).__name__


def fail_ready(type_name, message, tb=""):
    send({"ready": False, "error": {"type": type_name, "message": message, "traceback": tb}})
    _exit(3)


# ---------------------------------------------------------------------------
# Configuration and sys.path
# ---------------------------------------------------------------------------

def load_config():
    raw = os.environ.get("FLUXLOOP_WORKER_CONFIG")
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


def setup_paths(config):
    wd = config.get("working_directory") or os.getcwd()
    wd = os.path.abspath(wd)
    if not os.path.isdir(wd):
        raise SetupError("FileNotFoundError", "runner.working_directory '%s' is not a folder" % wd)
    if os.path.abspath(os.getcwd()) != wd:
        os.chdir(wd)
    entries = [HERE, wd]
    for entry in config["python_path"]:
        entry = os.path.abspath(os.path.join(wd, os.path.expanduser(str(entry))))
        entries.append(entry)
    seen = set()
    ordered = []
    for entry in entries:
        if entry not in seen:
            seen.add(entry)
            ordered.append(entry)
    rest = [p for p in sys.path if os.path.abspath(p or ".") not in seen]
    sys.path[:] = ordered + rest
    # The shim must win over an installed fluxloop.
    for name in [m for m in sys.modules if m == "fluxloop" or m.startswith("fluxloop.")]:
        mod_file = getattr(sys.modules[name], "__file__", None) or ""
        if not os.path.abspath(mod_file).startswith(os.path.join(HERE, "fluxloop")):
            del sys.modules[name]


# ---------------------------------------------------------------------------
# Resolving runner.target
# ---------------------------------------------------------------------------

def _article(word):
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _describe(obj, qualname):
    import types
    if isinstance(obj, types.ModuleType):
        return "module '%s'" % qualname
    if isinstance(obj, type):
        return "class '%s'" % qualname
    return "'%s' (%s)" % (qualname, type(obj).__name__)


def _hint(obj, name):
    try:
        import difflib
        names = [n for n in dir(obj) if not n.startswith("__")]
        close = difflib.get_close_matches(name, names, n=1)
        if close:
            return "; did you mean '%s'?" % close[0]
    except Exception:
        pass
    return ""


def import_module(modname, spec, label):
    import importlib
    try:
        return importlib.import_module(modname)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        tb = format_exception(exc)
        if missing and (modname == missing or modname.startswith(missing + ".")):
            raise SetupError(
                "ModuleNotFoundError",
                "cannot import module '%s' for %s '%s': %s (check %s and "
                "runner.working_directory / runner.python_path)"
                % (modname, label, spec, exc, label), tb)
        raise SetupError(
            "ModuleNotFoundError",
            "module '%s' (%s '%s') could not be imported: %s; install it for %s or add "
            "its folder to runner.python_path" % (modname, label, spec, exc, sys.executable), tb)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # errors raised by the module's own code, SyntaxError, exit()
        raise SetupError(
            "ImportError",
            "importing module '%s' for %s '%s' failed: %s: %s"
            % (modname, label, spec, type(exc).__name__, _exc_text(exc)),
            format_exception(exc))


def _split_spec(spec, label):
    modname, sep, attrpath = spec.strip().partition(":")
    modname = modname.strip()
    attrpath = attrpath.strip()
    parts = attrpath.split(".") if attrpath else []
    if not sep or not modname or not parts or not all(parts):
        raise SetupError(
            "ValueError",
            "%s '%s' must look like 'module:function', 'module:Class.method' or "
            "'module:object.attribute.method'" % (label, spec))
    return modname, parts


def resolve_factory(spec):
    modname, parts = _split_spec(spec, "runner.factory")
    obj = import_module(modname, spec, "runner.factory")
    qual = modname
    for part in parts:
        try:
            nxt = getattr(obj, part)
        except AttributeError:
            raise SetupError("AttributeError", "%s has no attribute '%s' (runner.factory '%s')%s"
                             % (_describe(obj, qual), part, spec, _hint(obj, part)))
        obj = nxt
        qual += "." + part
    if not callable(obj):
        raise SetupError("TypeError", "runner.factory '%s' resolves to %s, which is not callable"
                         % (spec, _article(type(obj).__name__)))
    return obj


def _make_instance(cls, qual, spec, config):
    factory_spec = config.get("factory")
    kwargs = config.get("factory_kwargs") or {}
    if factory_spec:
        factory = resolve_factory(factory_spec)
        how = "runner.factory '%s'" % factory_spec
    else:
        factory = cls
        how = "%s(**runner.factory_kwargs)" % qual
    try:
        return factory(**kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        raise SetupError(
            type(exc).__name__,
            "could not create the %s instance for runner.target '%s': %s raised %s: %s"
            % (cls.__name__, spec, how, type(exc).__name__, _exc_text(exc)),
            format_exception(exc))


def _needs_instance(cls, name):
    """True when `name` on class `cls` is a plain function (an unbound method)."""
    import inspect
    import types
    try:
        raw = inspect.getattr_static(cls, name)
    except AttributeError:
        return False
    if isinstance(raw, (staticmethod, classmethod)):
        return False
    return isinstance(raw, types.FunctionType)


def resolve_target(config):
    spec = config["target"].strip()
    modname, parts = _split_spec(spec, "runner.target")
    obj = import_module(modname, spec, "runner.target")
    qual = modname
    for part in parts:
        if isinstance(obj, type) and _needs_instance(obj, part):
            instance = _make_instance(obj, qual, spec, config)
            try:
                obj = getattr(instance, part)
            except AttributeError:
                raise SetupError(
                    "AttributeError", "the %s instance made for runner.target '%s' has no "
                    "attribute '%s'" % (type(instance).__name__, spec, part))
            qual += "." + part
            continue
        try:
            nxt = getattr(obj, part)
        except AttributeError:
            raise SetupError("AttributeError", "%s has no attribute '%s' (runner.target '%s')%s"
                             % (_describe(obj, qual), part, spec, _hint(obj, part)))
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            raise SetupError(
                type(exc).__name__, "reading %s.%s for runner.target '%s' raised %s: %s"
                % (qual, part, spec, type(exc).__name__, _exc_text(exc)), format_exception(exc))
        obj = nxt
        qual += "." + part
    if isinstance(obj, type):
        if getattr(obj, "__call__", None) is not None and "__call__" in _class_dicts(obj):
            return _make_instance(obj, qual, spec, config)
        raise SetupError(
            "TypeError", "runner.target '%s' resolves to the class %s; point it at a method, "
            "e.g. '%s:%s.run'" % (spec, obj.__name__, modname, ".".join(parts)))
    if not callable(obj):
        raise SetupError("TypeError", "runner.target '%s' resolves to %s, which is not callable"
                         % (spec, _article(type(obj).__name__)))
    return obj


def _class_dicts(cls):
    names = set()
    for klass in cls.__mro__:
        if klass is object:
            continue
        names.update(vars(klass))
    return names


# ---------------------------------------------------------------------------
# Calling the agent
# ---------------------------------------------------------------------------

INPUT_NAMES = ("input", "input_text", "message", "query", "text", "content", "user_message")


class AttrDict(dict):
    """A dict that also answers attribute access (persona.name, persona["name"])."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            value = self[name]
        except KeyError:
            raise AttributeError(name) from None
        if type(value) is dict:
            return AttrDict(value)
        return value

    def __setattr__(self, name, value):
        self[name] = value

    def __delattr__(self, name):
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None


_PERSONA_FIELDS = {
    "name": lambda: None, "description": lambda: None, "characteristics": list,
    "language": lambda: None, "expertise_level": lambda: None, "goals": list,
    "constraints": list, "custom_attributes": dict,
}


class Persona(AttrDict):
    """The request's persona: key and attribute access, FluxLoop's fields defaulted."""

    __slots__ = ("_prompt",)

    def __getattr__(self, name):
        try:
            value = self[name]
        except KeyError:
            make = _PERSONA_FIELDS.get(name)
            if make is None:
                raise AttributeError(name) from None
            return make()
        if type(value) is dict:
            return AttrDict(value)
        return value

    def to_prompt(self):
        prompt = getattr(self, "_prompt", None)
        if prompt:
            return prompt
        lines = ["User Persona: %s" % (self.get("name") or "")]
        for label, key in (("Description", "description"), ("Characteristics", "characteristics"),
                           ("Goals", "goals"), ("Constraints", "constraints"),
                           ("Language", "language"), ("Expertise Level", "expertise_level")):
            value = self.get(key)
            if value:
                if isinstance(value, (list, tuple)):
                    value = ", ".join(str(v) for v in value)
                lines.append("%s: %s" % (label, value))
        return "\n".join(lines)


def _persona(req):
    raw = req.get("persona")
    if not isinstance(raw, dict):
        return raw
    persona = Persona(raw)
    object.__setattr__(persona, "_prompt", req.get("persona_prompt"))
    return persona


def _persona_description(req):
    raw = req.get("persona")
    if isinstance(raw, dict):
        return raw.get("description")
    return None


def _state(req):
    return req.get("conversation_state")


def _turns(req):
    cs = req.get("conversation_state")
    if isinstance(cs, dict):
        turns = cs.get("turns")
        if turns is not None:
            return turns
    return []


def _conv_metadata(req):
    cs = req.get("conversation_state")
    if isinstance(cs, dict):
        md = cs.get("metadata")
        if isinstance(md, dict):
            return md
    return {}


def _auto_approve(req):
    return bool(_conv_metadata(req).get("auto_approve_tools", False))


# name -> (value getter, conversation-only)
EXTRAS = (
    ("persona", _persona, False),
    ("persona_prompt", lambda req: req.get("persona_prompt"), False),
    ("persona_description", _persona_description, False),
    ("iteration", lambda req: req.get("iteration", 0), False),
    ("conversation_state", _state, True),
    ("state", _state, True),
    ("conversation_metadata", _conv_metadata, True),
    ("messages", _turns, True),
    ("history", _turns, True),
    ("auto_approve", _auto_approve, True),
)


class CallPlan(object):
    """How to pass a request to the target, worked out once from its signature.

    The input goes to the first parameter named input, input_text, message,
    query, text, content or user_message; failing those, to the first
    positional parameter. persona, persona_prompt, persona_description and
    iteration are passed to parameters of those names. The conversation ones
    (conversation_state, state, conversation_metadata, messages, history,
    auto_approve) are passed when the request carries a conversation_state
    (multi-turn), and to parameters without a default always.
    """

    def __init__(self, target):
        import inspect
        self.input_kw = None
        self.input_positional = True
        self.always = []  # [(name, getter)]
        self.conversation = []
        try:
            sig = inspect.signature(target)
        except (TypeError, ValueError):
            return
        P = inspect.Parameter
        params = list(sig.parameters.values())
        by_name = {p.name: p for p in params}
        chosen = None
        for name in INPUT_NAMES:
            p = by_name.get(name)
            if p is not None and p.kind not in (P.VAR_POSITIONAL, P.VAR_KEYWORD):
                chosen = p
                break
        positional = [p for p in params if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)]
        if chosen is not None:
            if chosen.kind is P.POSITIONAL_ONLY:
                self.input_positional = True
            else:
                self.input_positional = False
                self.input_kw = chosen.name
        elif positional:
            chosen = positional[0]
            self.input_positional = True
        elif any(p.kind is P.VAR_POSITIONAL for p in params):
            self.input_positional = True
        elif any(p.kind is P.VAR_KEYWORD for p in params):
            self.input_positional = False
            self.input_kw = "input"
        else:
            self.input_positional = False
        for name, getter, conversation_only in EXTRAS:
            p = by_name.get(name)
            if p is None or p is chosen or p.kind not in (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY):
                continue
            if conversation_only and p.default is not P.empty:
                self.conversation.append((name, getter))
            else:
                self.always.append((name, getter))

    def arguments(self, req):
        text = req.get("input")
        if self.input_kw is not None:
            args = ()
            kwargs = {self.input_kw: text}
        elif self.input_positional:
            args = (text,)
            kwargs = {}
        else:
            args = ()
            kwargs = {}
        for name, getter in self.always:
            kwargs[name] = getter(req)
        if self.conversation and req.get("conversation_state") is not None:
            for name, getter in self.conversation:
                kwargs[name] = getter(req)
        return args, kwargs


# ---------------------------------------------------------------------------
# Argument replay (replay_args)
# ---------------------------------------------------------------------------

REPLAY_PROVIDERS = {"builtin:collector.send": "send", "builtin:collector.error": "error"}
_MARKER_PREFIXES = ("<builtin:", "<callable:")


def is_callable_marker(value):
    """True for a recorded callable: "<builtin:...>" or "<callable:...>"."""
    return type(value) is str and value.startswith(_MARKER_PREFIXES) and value.endswith(">")


def replay_path_steps(kwargs, path):
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


def _replay_value(value):
    """A fresh copy of a recorded value for one run; mappings gain attribute access."""
    t = type(value)
    if t is dict:
        return AttrDict({k: _replay_value(v) for k, v in value.items()})
    if t is list:
        return [_replay_value(v) for v in value]
    return value


def _captured(serialize, args, kwargs):
    """What one callback call keeps: a lone positional argument as itself, else {args, kwargs}."""
    try:
        if len(args) == 1 and not kwargs:
            return serialize(args[0])
        return {"args": serialize(list(args)), "kwargs": serialize(kwargs)}
    except Exception:
        return _serialize_fallback(args[0] if len(args) == 1 and not kwargs else (args, kwargs))


class ReplayCallback(object):
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
        self._store.append(_captured(self._serialize, args, kwargs))

    def __repr__(self):
        return "<builtin:%s>" % self.__fluxloop_builtin__

    __str__ = __repr__


async def async_callback_result():
    return None


class AsyncReplayCallback(ReplayCallback):
    """The `:async` form: the call is kept at once and an awaitable (a coroutine) is returned."""

    def __init__(self, store, kind, serialize):
        ReplayCallback.__init__(self, store, kind, serialize)
        self.__fluxloop_builtin__ = "collector." + kind + ":async"
        if _MARK_COROUTINE is not None:
            _MARK_COROUTINE(self)

    def __call__(self, *args, **kwargs):
        self._store.append(_captured(self._serialize, args, kwargs))
        return async_callback_result()


def _coroutine_marking():
    """Makes inspect/asyncio.iscoroutinefunction true for AsyncReplayCallback objects."""
    try:
        import asyncio.coroutines as coroutines
        marker = getattr(coroutines, "_is_coroutine", None)
        if marker is not None:
            AsyncReplayCallback._is_coroutine = marker
    except Exception:
        pass
    import inspect
    return getattr(inspect, "markcoroutinefunction", None)


_MARK_COROUTINE = None


def _recorded_kwargs(replay):
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


class ReplayPlan(object):
    """Arguments from a recorded call (replay_args), worked out once at startup.

    Each run starts from a fresh copy of the recorded kwargs (mappings with attribute access)
    and puts the input at override_param_path. Recorded callable markers become collectors
    (ReplayCallback), fresh for each run; what they collect is in `sent` / `errors` after the
    call. Parameters of the target that the recording lacks get what normal binding gives
    (persona, iteration, ...). With override_param_path null the recorded values are kept and
    the input goes to a parameter the recording lacks (see _input_binding). When the path is
    not in the recording, runs use normal binding (`fallback`).
    """

    def __init__(self, target, base, replay, serialize):
        global _MARK_COROUTINE
        import inspect
        self.base = base
        self.serialize = serialize
        self.sent = []
        self.errors = []
        kwargs = _recorded_kwargs(replay)
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
                provider = providers.get(name)
                if provider is None:
                    raise SetupError(
                        "ValueError", "recorded parameter '%s' is the callable %s but "
                        "replay_args.callable_providers has no provider for it" % (name, value))
                kind = REPLAY_PROVIDERS.get(provider)
                if kind is None:
                    raise SetupError(
                        "ValueError", "replay_args.callable_providers.%s is '%s'; supported: %s"
                        % (name, provider, ", ".join(sorted(REPLAY_PROVIDERS))))
                is_async = value.endswith(":async>")
                if is_async and _MARK_COROUTINE is None:
                    _MARK_COROUTINE = _coroutine_marking() or (lambda obj: obj)
                self.items.append((name, None, (kind, is_async)))
            else:
                self.items.append((name, value, None))
        self.steps = None
        self.fallback = False
        if path:
            self.steps = replay_path_steps(kwargs, path)
            self.fallback = self.steps is None
        # Parameters the recording lacks.
        self.fills = [(n, g) for n, g in base.always if n not in kwargs]
        self.conversation = [(n, g) for n, g in base.conversation if n not in kwargs]
        self.input_kw = None
        self.input_positional = False
        if not path:
            self._input_binding(target, kwargs, inspect)

    def _input_binding(self, target, kwargs, inspect):
        """Where the input goes when there is no override path: the first parameter named
        input, input_text, message, query, text, content or user_message that the recording
        lacks, else the first required parameter it lacks; else nowhere."""
        try:
            params = list(inspect.signature(target).parameters.values())
        except (TypeError, ValueError):
            return
        P = inspect.Parameter
        missing = [p for p in params if p.name not in kwargs
                   and p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY)]
        by_name = {p.name: p for p in missing}
        chosen = next((by_name[n] for n in INPUT_NAMES if n in by_name), None)
        if chosen is None:
            extras = set(name for name, _, _ in EXTRAS)
            chosen = next((p for p in missing if p.default is P.empty and p.name not in extras), None)
        if chosen is None:
            return
        if chosen.kind is P.POSITIONAL_ONLY:
            self.input_positional = True
        else:
            self.input_kw = chosen.name
        self.fills = [(n, g) for n, g in self.fills if n != chosen.name]
        self.conversation = [(n, g) for n, g in self.conversation if n != chosen.name]

    def arguments(self, req):
        sent = self.sent = []
        errors = self.errors = []
        if self.fallback:
            return self.base.arguments(req)
        serialize = self.serialize
        kwargs = {}
        for name, value, restore in self.items:
            if restore is None:
                kwargs[name] = _replay_value(value)
            else:
                kind, is_async = restore
                store = sent if kind == "send" else errors
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
        for name, getter in self.fills:
            kwargs[name] = getter(req)
        if self.conversation and req.get("conversation_state") is not None:
            for name, getter in self.conversation:
                kwargs[name] = getter(req)
        return args, kwargs


class Capture(io.StringIO):
    """Per-run stand-in for sys.stdout / sys.stderr."""

    def __init__(self, fd):
        io.StringIO.__init__(self)
        self._fd = fd

    @property
    def encoding(self):
        return "utf-8"

    @property
    def errors(self):
        return "strict"

    @property
    def buffer(self):
        return _ByteSink(self)

    def fileno(self):
        # Code that writes to the descriptor (subprocesses) reaches the worker's
        # stderr: not captured, but it cannot corrupt the protocol.
        return self._fd

    def isatty(self):
        return False


class _ByteSink(object):
    def __init__(self, text):
        self._text = text

    def write(self, data):
        self._text.write(bytes(data).decode("utf-8", "replace"))
        return len(data)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def fileno(self):
        return self._text.fileno()


class Worker(object):
    def __init__(self, target, plan, ctx):
        self.target = target
        self.plan = plan
        self.ctx = ctx
        # The ReplayPlan when replaying recorded arguments (replay_args), else None.
        self.replay = plan if isinstance(plan, ReplayPlan) else None
        self.loop = None
        self.out = Capture(1)
        self.err = Capture(2)
        import inspect
        self._isawaitable = inspect.isawaitable
        self._isasyncgen = inspect.isasyncgen
        self._isgenerator = inspect.isgenerator

    def event_loop(self):
        global _ASYNCIO_DIR
        import asyncio
        if self.loop is None or self.loop.is_closed():
            _ASYNCIO_DIR = os.path.dirname(asyncio.__file__) + os.sep
            self.loop = asyncio.new_event_loop()
            _LOOP[0] = self.loop
        asyncio.set_event_loop(self.loop)
        return self.loop

    def _finish_value(self, result):
        """Await / drain what the target returned."""
        t = type(result)
        if t is str or t is dict or t is list or result is None:
            return result
        if self._isasyncgen(result):
            chunks = self.event_loop().run_until_complete(_drain_async(result))
            return self.ctx.join_chunks(chunks)[0]
        if self._isawaitable(result):
            result = self.event_loop().run_until_complete(_await(result))
            if self._isasyncgen(result) or self._isgenerator(result):
                return self._finish_value(result)
            return result
        if self._isgenerator(result):
            return self.ctx.join_chunks(list(result))[0]
        return result

    def handle(self, req):
        ctx = self.ctx
        rid = req.get("id")
        trace_id = req.get("trace_id")
        if not trace_id:
            trace_id = ctx.new_id()
        run = ctx.Run(trace_id)
        out, err = self.out, self.err
        if out.closed:
            out = self.out = Capture(1)
        if err.closed:
            err = self.err = Capture(2)
        real_out, real_err = sys.stdout, sys.stderr
        token = ctx.current.set((run, None))
        ctx.active_run = run
        sys.stdout, sys.stderr = out, err
        error = None
        interrupted = False
        started = time.perf_counter()
        try:
            args, kwargs = self.plan.arguments(req)
            result = self._finish_value(self.target(*args, **kwargs))
        except KeyboardInterrupt as exc:
            interrupted = True
            error = exc
        except BaseException as exc:  # agent failures, SystemExit included
            error = exc
        duration = (time.perf_counter() - started) * 1000.0
        sys.stdout, sys.stderr = real_out, real_err
        ctx.active_run = None
        try:
            ctx.current.reset(token)
        except ValueError:
            ctx.current.set(None)

        resp = {"id": rid}
        replay = self.replay
        if error is None:
            if run.has_final:
                value = run.final
            elif run.has_root_agent:
                value = run.root_agent
            elif replay is not None and replay.sent:
                value = replay.sent[-1]  # the last message sent through a replay callback
            else:
                try:
                    value = ctx.serialize(result)
                except Exception:
                    value = _serialize_fallback(result)
            resp["output"] = "" if value is None else value
        else:
            if interrupted:
                message = _exc_text(error) or "interrupted (SIGINT)"
            else:
                message = _exc_text(error)
            resp["error"] = {"type": type(error).__name__, "message": message,
                             "traceback": format_exception(error)}
        if replay is not None:
            resp["callback_messages"] = {"send": replay.sent, "error": replay.errors}
        if run.records:
            resp["observations"] = run.records
        text = out.getvalue()
        if text:
            resp["stdout"] = text
            out.seek(0)
            out.truncate()
        text = err.getvalue()
        if text:
            resp["stderr"] = text
            err.seek(0)
            err.truncate()
        resp["duration_ms"] = duration
        send(resp, ctx.serialize)
        if interrupted:
            _exit(130)

    def serve(self):
        readline = PROTO_IN.readline
        loads = _loads
        handle = self.handle
        while True:
            try:
                line = readline()
            except KeyboardInterrupt:
                _exit(130)
            if not line:
                _exit(0)
            if line.isspace():
                continue
            try:
                req = loads(line)
            except ValueError as exc:
                send({"id": _guess_id(line), "error": {
                    "type": "ProtocolError",
                    "message": "request is not valid JSON: %s" % exc, "traceback": ""}})
                continue
            if not isinstance(req, dict):
                send({"id": None, "error": {
                    "type": "ProtocolError",
                    "message": "request must be a JSON object, got %s" % type(req).__name__,
                    "traceback": ""}})
                continue
            if req.get("type") == "shutdown":
                _exit(0)
            try:
                handle(req)
            except KeyboardInterrupt:
                _exit(130)
            except Exception as exc:  # a worker bug: still answer
                send({"id": req.get("id"), "error": {
                    "type": "WorkerError",
                    "message": "the fluxloop worker failed: %s: %s" % (type(exc).__name__, exc),
                    "traceback": traceback.format_exc()}})


def _guess_id(line):
    import re
    match = re.search(rb'"id"\s*:\s*"((?:[^"\\]|\\.)*)"', line)
    if match:
        try:
            return json.loads(b'"' + match.group(1) + b'"')
        except ValueError:
            return None
    return None


async def _await(awaitable):
    return await awaitable


async def _drain_async(agen):
    chunks = []
    async for chunk in agen:
        chunks.append(chunk)
    return chunks


def main():
    try:
        try:
            config = load_config()
            setup_paths(config)
            import fluxloop._context as ctx
            path = config.get("stream_output_path")
            if isinstance(path, str) and path.strip():
                ctx.stream_output_path = tuple(p for p in path.strip().split(".") if p)
            target = resolve_target(config)
            plan = CallPlan(target)
            replay = config.get("replay")
            if replay is not None:
                if not isinstance(replay, dict):
                    raise SetupError("TypeError", "FLUXLOOP_WORKER_CONFIG replay must be an object")
                plan = ReplayPlan(target, plan, replay, ctx.serialize)
        except SetupError as exc:
            fail_ready(exc.type_name, exc.message, exc.tb or "")
            return
        except KeyboardInterrupt:
            _exit(130)
            return
        except BaseException as exc:
            fail_ready(type(exc).__name__, "the fluxloop worker could not start: %s: %s"
                       % (type(exc).__name__, _exc_text(exc)), traceback.format_exc())
            return
        send({"ready": True, "python": "%d.%d.%d" % tuple(sys.version_info[:3]), "executable": sys.executable,
              "pid": os.getpid()})
        Worker(target, plan, ctx).serve()
    except KeyboardInterrupt:
        _exit(130)


if __name__ == "__main__":
    main()

"""The JSON-lines transport: private descriptors, request decoding, response encoding."""

import json
import json.encoder
import os

_DECODE = json.JSONDecoder().decode


def _make_encode():
    """JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode, the same text.

    Where the C encoder exists, one instance made here serves every response: JSONEncoder.encode
    makes a new one per call, with a dict for circular checks. Responses are trees the worker
    builds from serialised values, so a cycle cannot occur (it would fail with RecursionError and
    take the sanitising path below).
    """
    plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode

    def default(value):
        raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)

    try:
        encoder = json.encoder.c_make_encoder(
            None, default, json.encoder.encode_basestring, None, ":", ",", False, False, False)
    except TypeError:  # no C encoder (None), or one that takes other arguments
        return plain
    join = "".join

    def encode(obj):
        if type(obj) is str:
            return json.encoder.encode_basestring(obj)
        return join(encoder(obj, 0))
    return encode


_ENCODE = _make_encode()


class Channel:
    """The worker's end of the protocol, kept off fd 0 and fd 1.

    `Channel.take_over()` duplicates the real stdin/stdout onto private descriptors, points fd 1 at
    stderr (nothing printed at fd level can corrupt a response) and fd 0 at /dev/null (agents and
    their subprocesses cannot eat requests).
    """

    #: The longest response line sent (limits.line_limit); None for no limit.
    max_line_bytes = None

    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer

    @classmethod
    def take_over(cls):
        writer = os.fdopen(os.dup(1), "wb")
        os.dup2(2, 1)
        reader = os.fdopen(os.dup(0), "rb")
        try:
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.close(null)
        except OSError:
            pass
        return cls(reader, writer)

    def read_line(self):
        """The next raw request line (bytes), b"" at end of input."""
        return self.reader.readline()

    def send(self, obj, serialize=None):
        """Write one protocol line. Never raises for unserialisable content; exits when nobody reads."""
        payload = encode(obj, serialize).encode("utf-8", "replace")
        if self.max_line_bytes is not None and len(payload) > self.max_line_bytes:
            from .limits import line_error
            request_id = obj.get("id") if isinstance(obj, dict) else None
            payload = encode(line_error(request_id, len(payload), self.max_line_bytes // 4)).encode("utf-8")
        try:
            self.writer.write(payload)  # not payload + b"\n": that would copy a large line once more
            self.writer.write(b"\n")
            self.writer.flush()
        except BrokenPipeError:  # the fluxloop command is gone: nobody to answer
            os._exit(1)

    def close(self):
        for stream in (self.writer, self.reader):
            try:
                stream.close()
            except Exception:
                pass


def decode(line):
    """One request line (bytes) as a JSON value; ValueError when it is not JSON or not UTF-8."""
    return _DECODE(line.decode("utf-8"))


def encode(obj, serialize=None):
    """Compact UTF-8 JSON text for one response; non-finite floats and odd values made safe."""
    try:
        return _ENCODE(obj)
    except Exception:
        pass
    try:
        return _ENCODE(sanitize(obj, serialize or fallback_text))
    except Exception as exc:  # last resort: still answer the request
        import traceback
        return _ENCODE({
            "id": obj.get("id") if isinstance(obj, dict) else None,
            "error": {"type": "SerializationError",
                      "message": "the worker could not encode its response: %s: %s"
                      % (type(exc).__name__, exc),
                      "traceback": traceback.format_exc()},
        })


def sanitize(value, serialize):
    """A JSON-safe copy: non-finite floats as "NaN"/"Infinity"/"-Infinity", other objects serialised."""
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, dict):
        return {(k if isinstance(k, str) else str(k)): sanitize(v, serialize) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize(v, serialize) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return sanitize(serialize(value), serialize) if serialize else str(value)


def fallback_text(value):
    """str(value), or `<TypeName>` when even that fails."""
    try:
        return str(value)
    except Exception:
        return "<%s>" % type(value).__name__


def guess_id(line):
    """The `id` of a request line that is not valid JSON, when one can be read from it."""
    import re  # only for lines that are not JSON
    match = re.search(rb'"id"\s*:\s*"((?:[^"\\]|\\.)*)"', line)
    if match:
        try:
            return json.loads(b'"' + match.group(1) + b'"')
        except ValueError:
            return None
    return None


def protocol_error(request_id, message):
    """The response to a line that is not a usable request."""
    return {"id": request_id, "error": {"type": "ProtocolError", "message": message, "traceback": ""}}

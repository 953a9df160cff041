"""Choosing a run's output, and the text of a value an undecorated agent returned.

The order is FluxLoop 0.2.30's: the output of the last observation named agent_final_response,
else of the last agent observation without a parent, else (replay) the last message sent through
a callback, else the return value. Observation outputs and callback messages are sent as they are
(the fluxloop command records a non-string as its JSON text). A returned value becomes text here:
`return_text` follows the shapes FluxLoop's output extraction knows, and the value itself goes
along as `output_value` when it is not already the text.
"""

import json
from collections.abc import Mapping

from .protocol import fallback_text

_MAX_DEPTH = 3  # how deep FluxLoop looks for text inside nested fields
_NESTED = ("update", "message", "item", "data")


def choose(run, log, result, serialize):
    """(output, output_value) for a successful run; output_value None means none is sent."""
    if run.has_final:
        return _or_empty(run.final), None
    if run.has_root_agent:
        return _or_empty(run.root_agent), None
    if log is not None and log.sent:
        return _or_empty(log.sent[-1]), None
    return return_output(result, serialize)


def _or_empty(value):
    return "" if value is None else value


def return_output(result, serialize):
    """(text, JSON value or None) for a value the target returned (streams already joined).

    The value is None when the text says it all (None, a str).
    """
    if result is None:
        return "", None
    if isinstance(result, str):
        return str(result), None
    text = find_text(result)
    try:
        value = serialize(result)
    except Exception:
        value = fallback_text(result)
    if isinstance(value, str):
        return (value if text is None else text), None
    return (json_text(value) if text is None else text), value


def json_text(value):
    """JSON text as FluxLoop writes an output: Python's default spacing, non-ASCII kept."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return fallback_text(value)


def find_text(value, depth=0):
    """The text a returned value carries, or None: a non-empty str as is; a `delta` or `text`
    field; else the texts of a `content` list joined by spaces; else, looked for the same way,
    the `update`, `message`, `item` or `data` field (at most three levels down). Fields are keys
    of a mapping, attributes of any other object. Objects also answer the event shapes of
    streaming SDKs first: update.delta, update.content.text, item.content[*].text, .text.
    Dicts, lists, numbers and booleans without such text become their JSON text (json_text)."""
    if depth == 0 and not isinstance(value, (Mapping, str, list, tuple, int, float)) and value is not None:
        found = _event_text(value)
        if found is not None:
            return found
    if depth > _MAX_DEPTH or value is None:
        return None
    if isinstance(value, str):
        return value or None
    get = _key if isinstance(value, Mapping) else _attribute
    for name in ("delta", "text"):
        found = get(value, name)
        if isinstance(found, str) and found:
            return found
    content = get(value, "content")
    if isinstance(content, list):
        parts = [t for t in (find_text(piece, depth + 1) for piece in content) if t]
        if parts:
            return " ".join(parts)
    for name in _NESTED:
        found = find_text(get(value, name), depth + 1)
        if found:
            return found
    return None


def _event_text(event):
    update = _attribute(event, "update")
    if update is not None:
        delta = _attribute(update, "delta")
        if isinstance(delta, str) and delta:
            return delta
        content = _attribute(update, "content")
        text = _attribute(content, "text") if content is not None else None
        if isinstance(text, str) and text:
            return text
    item = _attribute(event, "item")
    if item is not None:
        content = _attribute(item, "content")
        if isinstance(content, list):
            parts = [t for t in (_attribute(piece, "text") for piece in content)
                     if isinstance(t, str) and t]
            if parts:
                return " ".join(parts)
    text = _attribute(event, "text")
    if isinstance(text, str) and text:
        return text
    return None


def _key(mapping, name):
    try:
        return mapping.get(name)
    except Exception:
        return None


def _attribute(obj, name):
    try:
        return getattr(obj, name, None)
    except Exception:
        return None

"""Binding a request to the target's parameters, worked out once from its signature."""

import inspect

#: Parameter names that receive the input, in order of preference.
INPUT_NAMES = ("input", "input_text", "message", "query", "text", "content", "user_message")

_P = inspect.Parameter


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


def _persona_config(req):
    """The request's persona as a fluxloop.PersonaConfig, for a parameter annotated so."""
    from fluxloop._binding import persona_config  # the bundled SDK: importable once paths are set up
    raw = req.get("persona")
    return persona_config(raw) if isinstance(raw, dict) else raw


def _wants_persona_config(param):
    if param.annotation is _P.empty:
        return False
    try:
        from fluxloop._binding import wants_persona_config
    except ImportError:
        return False
    return wants_persona_config(param.annotation)


def _persona_description(req):
    raw = req.get("persona")
    return raw.get("description") if isinstance(raw, dict) else None


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


#: (parameter name, value getter, conversation-only)
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


def parameters(target):
    """The target's parameters, or None when it has no signature inspect can read."""
    try:
        return list(inspect.signature(target).parameters.values())
    except (TypeError, ValueError):
        return None


class CallPlan:
    """How to pass a request to the target; immutable once built, shared by every run.

    The input goes to the first parameter named input, input_text, message,
    query, text, content or user_message; failing those, to the first
    positional parameter. persona, persona_prompt, persona_description and
    iteration are passed to parameters of those names. The conversation ones
    (conversation_state, state, conversation_metadata, messages, history,
    auto_approve) are passed when the request carries a conversation_state
    (multi-turn), and to parameters without a default always.
    """

    def __init__(self, target):
        self.input_kw = None
        self.input_positional = True
        self.always = []  # [(name, getter)]
        self.conversation = []
        params = parameters(target)
        if params is None:
            return
        by_name = {p.name: p for p in params}
        chosen = next((by_name[n] for n in INPUT_NAMES if n in by_name
                       and by_name[n].kind not in (_P.VAR_POSITIONAL, _P.VAR_KEYWORD)), None)
        positional = [p for p in params if p.kind in (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD)]
        if chosen is not None:
            if chosen.kind is not _P.POSITIONAL_ONLY:
                self.input_positional = False
                self.input_kw = chosen.name
        elif positional:
            chosen = positional[0]
        elif any(p.kind is _P.VAR_POSITIONAL for p in params):
            pass
        elif any(p.kind is _P.VAR_KEYWORD for p in params):
            self.input_positional = False
            self.input_kw = "input"
        else:
            self.input_positional = False
        for name, getter, conversation_only in EXTRAS:
            p = by_name.get(name)
            if p is None or p is chosen or p.kind not in (_P.POSITIONAL_OR_KEYWORD, _P.KEYWORD_ONLY):
                continue
            if name == "persona" and _wants_persona_config(p):
                getter = _persona_config
            if conversation_only and p.default is not _P.empty:
                self.conversation.append((name, getter))
            else:
                self.always.append((name, getter))

    def bind(self, req):
        """(args, kwargs, callback log or None) for one request."""
        text = req.get("input")
        if self.input_kw is not None:
            args, kwargs = (), {self.input_kw: text}
        elif self.input_positional:
            args, kwargs = (text,), {}
        else:
            args, kwargs = (), {}
        fill(kwargs, req, self.always, self.conversation)
        return args, kwargs, None


def fill(kwargs, req, always, conversation):
    """Add the extras: `always` ones, and `conversation` ones when the request is multi-turn."""
    for name, getter in always:
        kwargs[name] = getter(req)
    if conversation and req.get("conversation_state") is not None:
        for name, getter in conversation:
            kwargs[name] = getter(req)

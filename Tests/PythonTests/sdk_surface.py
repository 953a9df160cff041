"""Describe the public surface of an installed `fluxloop` package as JSON.

Run by test_sdk_parity.py twice: with the interpreter of a virtualenv holding
the real SDK (the expected surface), and with a plain interpreter whose path
starts with Sources/Runner/Python (the bundled package). Standard library only.

    python sdk_surface.py                 # walk the package's modules and public names
    python sdk_surface.py --like REF.json # describe the modules and names REF.json lists
"""

import enum
import importlib
import inspect
import json
import pkgutil
import sys
import types
import uuid
from datetime import date, datetime

# pydantic methods the bundled models mimic (all others are pydantic's own API).
MODEL_METHODS = ("model_dump", "model_dump_json", "dict", "json", "model_copy", "copy",
                 "model_validate", "model_validate_json", "parse_obj")


def describe_value(value, depth=0):
    """A JSON-safe description of a default value, comparable across implementations."""
    if depth > 8:
        return "<deep>"
    if isinstance(value, enum.Enum):
        return {"enum": type(value).__name__, "value": describe_value(value.value, depth + 1)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if "Undefined" in type(value).__name__:  # pydantic's PydanticUndefined and its stand-in
        return "<undefined>"
    if isinstance(value, uuid.UUID):
        return "<UUID>"
    if isinstance(value, (datetime, date)):
        return "<%s>" % type(value).__name__
    if isinstance(value, dict):
        return {"dict": sorted([str(k), describe_value(v, depth + 1)] for k, v in value.items())}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [describe_value(v, depth + 1) for v in value]}
    if is_model(type(value)):
        return {"model": type(value).__name__, "fields": describe_value(value.model_dump(), depth + 1)}
    if isinstance(value, type):
        return {"type": value.__name__}
    if callable(value):
        return {"callable": getattr(value, "__name__", "?")}
    return {"other": type(value).__name__}


def is_model(cls):
    return isinstance(cls, type) and isinstance(getattr(cls, "model_fields", None), dict) \
        and cls.__module__.startswith("fluxloop")


def describe_signature(obj):
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    params = []
    for p in sig.parameters.values():
        if p.default is inspect.Parameter.empty:
            default = {"required": True}
        else:
            default = {"default": describe_value(p.default)}
        params.append(dict(name=p.name, kind=p.kind.name, **default))
    return params


def owned(obj):
    """Defined in the fluxloop package (not re-exported from typing, pydantic, httpx, ...)."""
    return (getattr(obj, "__module__", None) or "").split(".")[0] == "fluxloop"


def describe_class(cls):
    out = {"kind": "class", "signature": None, "methods": {}}
    if issubclass(cls, enum.Enum):
        out["kind"] = "enum"
        out["members"] = [[m.name, describe_value(m.value)] for m in cls]
        out["bases"] = [b.__name__ for b in cls.__mro__ if b in (str, int)]
        return out
    if is_model(cls):
        out["kind"] = "model"
        fields = []
        for name, info in cls.model_fields.items():
            if info.is_required():
                fields.append([name, {"required": True}])
            elif info.default_factory is not None:
                fields.append([name, {"factory": describe_value(info.default_factory())}])
            else:
                fields.append([name, {"default": describe_value(info.default)}])
        out["fields"] = fields
        out["model_methods"] = {}
        for name in MODEL_METHODS:
            attr = getattr(cls, name, None)
            out["model_methods"][name] = describe_signature(attr) if callable(attr) else None
    else:
        out["signature"] = describe_signature(cls)
    for klass in cls.__mro__:
        if not owned(klass) or (is_model(cls) and not klass.__module__.startswith("fluxloop")):
            continue
        for name, raw in vars(klass).items():
            if name.startswith("_") and name != "__init__" or name in out["methods"]:
                continue
            if is_model(cls) and (name in cls.model_fields or name.startswith("model_")):
                continue
            if isinstance(raw, property):
                out["methods"][name] = {"property": True}
            elif isinstance(raw, (staticmethod, classmethod)) or inspect.isfunction(raw):
                out["methods"][name] = {"signature": describe_signature(getattr(cls, name)),
                                        "static": isinstance(raw, staticmethod),
                                        "classmethod": isinstance(raw, classmethod),
                                        "async": inspect.iscoroutinefunction(raw)}
    return out


def public_names(module):
    names = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    out = []
    for name, obj in vars(module).items():
        if name.startswith("_") or isinstance(obj, types.ModuleType):
            continue
        if (inspect.isclass(obj) or inspect.isroutine(obj)) and not owned(obj):
            continue
        if not (inspect.isclass(obj) or inspect.isroutine(obj)) and not isinstance(
                obj, (str, int, float, bool, tuple, list, dict, type(None))):
            continue  # TypeVars and other typing helpers
        out.append(name)
    return out


def describe_module(name, wanted=None):
    module = importlib.import_module(name)
    names = {}
    for attr in public_names(module) if wanted is None else wanted:
        if not hasattr(module, attr):
            names[attr] = {"kind": "missing"}
            continue
        obj = getattr(module, attr)
        if inspect.isclass(obj):
            names[attr] = describe_class(obj)
        elif inspect.isroutine(obj) or callable(obj):
            names[attr] = {"kind": "function", "signature": describe_signature(obj),
                           "async": inspect.iscoroutinefunction(obj)}
        else:
            names[attr] = {"kind": "value", "value": describe_value(obj)}
    return {"has_all": hasattr(module, "__all__"), "names": names}


def main(argv):
    import fluxloop
    wanted = {}
    if argv[:1] == ["--like"]:
        with open(argv[1]) as handle:
            ref = json.load(handle)["modules"]
        wanted = {m: sorted(d.get("names", {})) for m, d in ref.items()}
    modules = list(wanted) or ["fluxloop"] + sorted(
        info.name for info in pkgutil.walk_packages(fluxloop.__path__, "fluxloop.")
        if not info.name.rsplit(".", 1)[-1].startswith("_"))
    surface = {"file": fluxloop.__file__, "modules": {}}
    for name in modules:
        try:
            surface["modules"][name] = describe_module(name, wanted.get(name))
        except Exception as exc:  # a missing module is reported, not fatal
            surface["modules"][name] = {"error": "%s: %s" % (type(exc).__name__, exc)}
    json.dump(surface, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1:])

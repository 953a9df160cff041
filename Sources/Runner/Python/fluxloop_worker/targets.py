"""Resolving runner.target (and runner.factory) to the callable the worker runs."""

import importlib
import sys
import types

from .errors import SetupError, exc_text, format_exception


def resolve_target(config):
    """The callable named by runner.target; classes on the path are instantiated (see make_instance)."""
    spec = config["target"].strip()
    modname, parts = split_spec(spec, "runner.target")
    obj = import_module(modname, spec, "runner.target")
    qual = modname
    for part in parts:
        if isinstance(obj, type) and _needs_instance(obj, part):
            instance = make_instance(obj, qual, spec, config)
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
                % (qual, part, spec, type(exc).__name__, exc_text(exc)), format_exception(exc))
        obj = nxt
        qual += "." + part
    if isinstance(obj, type):
        if getattr(obj, "__call__", None) is not None and "__call__" in _class_attributes(obj):
            return make_instance(obj, qual, spec, config)
        raise SetupError(
            "TypeError", "runner.target '%s' resolves to the class %s; point it at a method, "
            "e.g. '%s:%s.run'" % (spec, obj.__name__, modname, ".".join(parts)))
    if not callable(obj):
        raise SetupError("TypeError", "runner.target '%s' resolves to %s, which is not callable"
                         % (spec, _article(type(obj).__name__)))
    return obj


def resolve_factory(spec):
    """The callable named by runner.factory."""
    modname, parts = split_spec(spec, "runner.factory")
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


def make_instance(cls, qual, spec, config):
    """An instance of `cls`: runner.factory(**factory_kwargs) when set, else cls(**factory_kwargs)."""
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
            % (cls.__name__, spec, how, type(exc).__name__, exc_text(exc)),
            format_exception(exc))


def split_spec(spec, label):
    """('module', ['attr', ...]) from 'module:attr.path'; SetupError when malformed."""
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


def import_module(modname, spec, label):
    """Import the module of a target or factory; failures become SetupErrors that say what to fix."""
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
            % (modname, label, spec, type(exc).__name__, exc_text(exc)),
            format_exception(exc))


def _needs_instance(cls, name):
    """True when `name` on class `cls` is a plain function (an unbound method)."""
    import inspect  # only for targets that name a method of a class
    try:
        raw = inspect.getattr_static(cls, name)
    except AttributeError:
        return False
    if isinstance(raw, (staticmethod, classmethod)):
        return False
    return isinstance(raw, types.FunctionType)


def _class_attributes(cls):
    names = set()
    for klass in cls.__mro__:
        if klass is not object:
            names.update(vars(klass))
    return names


def _article(word):
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _describe(obj, qualname):
    if isinstance(obj, types.ModuleType):
        return "module '%s'" % qualname
    if isinstance(obj, type):
        return "class '%s'" % qualname
    return "'%s' (%s)" % (qualname, type(obj).__name__)


def _hint(obj, name):
    import difflib  # only when a name is wrong: it costs start-up time otherwise
    try:
        names = [n for n in dir(obj) if not n.startswith("__")]
        close = difflib.get_close_matches(name, names, n=1)
        if close:
            return "; did you mean '%s'?" % close[0]
    except Exception:
        pass
    return ""

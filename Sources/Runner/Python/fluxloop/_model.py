"""A small stand-in for pydantic's BaseModel, for the SDK's schema classes.

Standard library only, Python 3.8+. Enough of pydantic v2's behaviour for
agent code written against the FluxLoop SDK: fields declared with class
annotations (a plain default, `Field(default=..., default_factory=...)`, or
none for a required field), nested models and enums built from plain values,
`model_fields`, `model_dump()` / `model_dump_json()` / `dict()` / `json()`,
`model_copy()`, `model_validate()`. Unknown keyword arguments are ignored, as
pydantic does by default. Validation is light: required fields, enum values,
numeric bounds (ge/le) and the per-class checks in `_check()`.
"""

import copy as _copy
import enum
import inspect
import json as _json
import typing
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import PurePath
from uuid import UUID


class ValidationError(ValueError):
    """Raised when a model is given values it cannot take (pydantic raises its own ValidationError)."""


class _Undefined(object):
    """The default of a required field (pydantic's PydanticUndefined)."""

    def __repr__(self):
        return "PydanticUndefined"

    def __reduce__(self):
        return "REQUIRED"


REQUIRED = _Undefined()


class FieldInfo(object):
    """What `model_fields[name]` holds: the default or default factory and the annotation."""

    def __init__(self, default=REQUIRED, default_factory=None, description=None,
                 ge=None, le=None, annotation=None):
        self.default = default
        self.default_factory = default_factory
        self.description = description
        self.ge = ge
        self.le = le
        self.annotation = annotation

    def is_required(self):
        return self.default is REQUIRED and self.default_factory is None

    def get_default(self, call_default_factory=False):
        if self.default_factory is not None:
            return self.default_factory() if call_default_factory else None
        return None if self.default is REQUIRED else _copy.deepcopy(self.default)

    def __repr__(self):
        return "FieldInfo(annotation=%r, default=%r)" % (self.annotation, self.default)


def Field(default=REQUIRED, *, default_factory=None, description=None, ge=None, le=None,
          **_ignored):
    """Declare a field with a default or a default factory (as pydantic.Field)."""
    return FieldInfo(default, default_factory, description, ge, le)


class _Private(object):
    def __init__(self, default=None):
        self.default = default


def PrivateAttr(default=None):
    """A per-instance attribute that is not a field (as pydantic.PrivateAttr)."""
    return _Private(default)


def _coerce(annotation, value):
    """Build nested models, enums, UUIDs and datetimes from plain values, as pydantic would."""
    if value is None or annotation is None or annotation is typing.Any:
        return value
    origin = getattr(annotation, "__origin__", None)
    args = getattr(annotation, "__args__", ()) or ()
    if origin is typing.Union:
        for arg in args:
            if arg is type(None):
                continue
            if isinstance(arg, type) and isinstance(value, arg):
                return value
        for arg in args:
            if arg is not type(None):
                try:
                    return _coerce(arg, value)
                except (ValueError, TypeError):
                    continue
        return value
    if origin in (list, typing.List) and args:
        if isinstance(value, (list, tuple)):
            return [_coerce(args[0], v) for v in value]
        return value
    if origin in (dict, typing.Dict) and len(args) == 2:
        if isinstance(value, Mapping):
            return {k: _coerce(args[1], v) for k, v in value.items()}
        return value
    if not isinstance(annotation, type) or isinstance(value, annotation):
        return value
    if issubclass(annotation, BaseModel):
        if isinstance(value, Mapping):
            return annotation(**value)
        if isinstance(value, BaseModel):
            return annotation(**value.model_dump())
        raise ValidationError("%s expects a mapping, got %s" % (annotation.__name__,
                                                                 type(value).__name__))
    if issubclass(annotation, enum.Enum):
        try:
            return annotation(getattr(value, "value", value))
        except ValueError:
            raise ValidationError("%r is not a valid %s; expected one of: %s" % (
                value, annotation.__name__, ", ".join(repr(m.value) for m in annotation)))
    if annotation is UUID and isinstance(value, str):
        return UUID(value)
    if annotation is datetime and isinstance(value, str):
        text = value[:-1] + "+00:00" if value.endswith("Z") else value
        return datetime.fromisoformat(text)
    if issubclass(annotation, PurePath) and isinstance(value, str):
        return annotation(value)
    return value


def _dump(value, mode, flags):
    if isinstance(value, BaseModel):
        return value._dump(mode, None, None, flags)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_dump(v, mode, flags) for v in value]
        return items if mode == "json" or isinstance(value, list) else type(value)(items)
    if isinstance(value, dict):
        return {(str(k) if mode == "json" else k): _dump(v, mode, flags) for k, v in value.items()}
    if mode != "json":
        return value
    if isinstance(value, enum.Enum):
        return _dump(value.value, mode, flags)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (UUID, PurePath)):
        return str(value)
    return value


def _names(spec):
    if spec is None:
        return None
    if isinstance(spec, Mapping):
        return set(spec.keys())
    return set(spec)


def _field_info(value, annotation):
    """The FieldInfo of a declared field: its own (copied, a FieldGroup's serves several models) or one for a
    plain default."""
    info = _copy.copy(value) if isinstance(value, FieldInfo) else FieldInfo(default=value)
    info.annotation = annotation
    return info


class FieldGroup(object):
    """A run of fields declared once, as a model declares fields (annotations and defaults), for models
    that list it among fields of their own: a model's body names it where the run belongs, as
    `_name: TheGroup`. FluxLoop's SDK declares some runs twice, in models that order their other fields
    differently (schemas.trace.Observation and models.ObservationData, Trace and TraceData); the field
    order is part of what model_dump() and the signatures show, so a base class would not do."""


class BaseModel(object):
    """Base of the schema classes: fields from class annotations, pydantic-style methods."""

    model_fields = {}
    model_config = {}
    __private_defaults__ = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        fields, private = {}, {}
        for base in reversed(cls.__mro__[1:]):
            fields.update(getattr(base, "model_fields", {}) or {})
            private.update(getattr(base, "__private_defaults__", {}) or {})
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():
            if isinstance(annotation, type) and issubclass(annotation, FieldGroup):
                for member, member_annotation in annotation.__annotations__.items():
                    fields[member] = _field_info(annotation.__dict__.get(member, REQUIRED), member_annotation)
                continue
            value = cls.__dict__.get(name, REQUIRED)
            if isinstance(value, _Private) or name.startswith("_"):
                private[name] = value.default if isinstance(value, _Private) else value
            else:
                fields[name] = _field_info(value, annotation)
            if name in cls.__dict__:
                delattr(cls, name)
        cls.model_fields = fields
        cls.__private_defaults__ = private
        cls.__signature__ = inspect.Signature([
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=info.annotation,
                              default=(inspect.Parameter.empty if info.is_required() else
                                       info.default if info.default_factory is None else None))
            for name, info in fields.items()])

    def __init__(self, **data):
        data = self._before(data)
        missing = [n for n, info in self.model_fields.items() if info.is_required() and n not in data]
        if missing:
            raise ValidationError("%s: missing required field%s: %s" % (
                type(self).__name__, "s" if len(missing) > 1 else "", ", ".join(missing)))
        setter = object.__setattr__
        for name, value in self.__private_defaults__.items():
            setter(self, name, _copy.copy(value))
        for name, info in self.model_fields.items():
            if name in data:
                value = _coerce(info.annotation, data[name])
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    if (info.ge is not None and value < info.ge) or (info.le is not None and value > info.le):
                        raise ValidationError("%s.%s must be between %s and %s, got %r" % (
                            type(self).__name__, name, info.ge, info.le, value))
            elif info.default_factory is not None:
                value = info.default_factory()
            else:
                value = _copy.deepcopy(info.default)
            setter(self, name, value)
        setter(self, "__fields_set__", set(n for n in data if n in self.model_fields))
        self._check()

    @classmethod
    def _before(cls, data):
        """Hook: adjust the raw keyword arguments before the fields are set."""
        return data

    def _check(self):
        """Hook: raise ValidationError when the values do not fit together."""

    @property
    def model_fields_set(self):
        return set(self.__fields_set__)

    def _dump(self, mode, include, exclude, flags):
        include, exclude = _names(include), _names(exclude)
        exclude_unset, exclude_defaults, exclude_none = flags
        out = {}
        for name, info in self.model_fields.items():
            if (include is not None and name not in include) or (exclude and name in exclude):
                continue
            if exclude_unset and name not in self.__fields_set__:
                continue
            value = getattr(self, name, None)
            if exclude_none and value is None:
                continue
            if exclude_defaults and not info.is_required() and value == info.get_default(True):
                continue
            out[name] = _dump(value, mode, flags)
        return out

    def model_dump(self, *, mode="python", include=None, exclude=None, context=None,
                   by_alias=None, exclude_unset=False, exclude_defaults=False,
                   exclude_none=False, round_trip=False, warnings=True, **_ignored):
        """The fields as a dict; mode="json" gives only JSON types (enum values, ISO dates)."""
        return self._dump(mode, include, exclude, (exclude_unset, exclude_defaults, exclude_none))

    def model_dump_json(self, *, indent=None, ensure_ascii=False, include=None, exclude=None,
                        context=None, by_alias=None, exclude_unset=False, exclude_defaults=False,
                        exclude_none=False, round_trip=False, warnings=True, **_ignored):
        """The fields as a JSON string (compact unless indent is given)."""
        data = self._dump("json", include, exclude, (exclude_unset, exclude_defaults, exclude_none))
        return _json.dumps(data, indent=indent, ensure_ascii=ensure_ascii, default=str,
                           separators=None if indent is not None else (",", ":"))

    def dict(self, *, include=None, exclude=None, by_alias=False, exclude_unset=False,
             exclude_defaults=False, exclude_none=False):
        """pydantic v1 spelling of model_dump()."""
        return self._dump("python", include, exclude, (exclude_unset, exclude_defaults, exclude_none))

    def json(self, *, include=None, exclude=None, by_alias=False, exclude_unset=False,
             exclude_defaults=False, exclude_none=False, encoder=REQUIRED, models_as_dict=REQUIRED,
             **dumps_kwargs):
        """pydantic v1 spelling of model_dump_json(); extra arguments go to json.dumps."""
        data = self._dump("json", include, exclude, (exclude_unset, exclude_defaults, exclude_none))
        dumps_kwargs.setdefault("separators", (",", ":"))
        return _json.dumps(data, default=str if encoder is REQUIRED else encoder, **dumps_kwargs)

    def model_copy(self, *, update=None, deep=False):
        clone = _copy.deepcopy(self) if deep else _copy.copy(self)
        if deep is False:
            object.__setattr__(clone, "__fields_set__", set(self.__fields_set__))
        for name, value in (update or {}).items():
            object.__setattr__(clone, name, value)
            clone.__fields_set__.add(name)
        return clone

    def copy(self, *, include=None, exclude=None, update=None, deep=False):
        """pydantic v1 spelling of model_copy()."""
        return self.model_copy(update=update, deep=deep)

    @classmethod
    def model_validate(cls, obj, *, strict=None, extra=None, from_attributes=None, context=None,
                       by_alias=None, by_name=None):
        if isinstance(obj, cls):
            return obj
        if isinstance(obj, BaseModel):
            obj = obj.model_dump()
        if not isinstance(obj, Mapping):
            if from_attributes:
                obj = {n: getattr(obj, n) for n in cls.model_fields if hasattr(obj, n)}
            else:
                raise ValidationError("%s expects a mapping, got %s" % (cls.__name__, type(obj).__name__))
        return cls(**obj)

    @classmethod
    def model_validate_json(cls, json_data, *, strict=None, extra=None, context=None,
                            by_alias=None, by_name=None):
        return cls.model_validate(_json.loads(json_data))

    @classmethod
    def parse_obj(cls, obj):
        """pydantic v1 spelling of model_validate()."""
        return cls.model_validate(obj)

    @classmethod
    def construct(cls, _fields_set=None, **values):
        return cls.model_construct(_fields_set, **values)

    @classmethod
    def model_construct(cls, _fields_set=None, **values):
        """An instance from trusted values, without checks."""
        self = cls.__new__(cls)
        for name, value in cls.__private_defaults__.items():
            object.__setattr__(self, name, _copy.copy(value))
        for name, info in cls.model_fields.items():
            object.__setattr__(self, name, values[name] if name in values else info.get_default(True))
        object.__setattr__(self, "__fields_set__", set(_fields_set or values))
        return self

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n, None) == getattr(other, n, None) for n in self.model_fields)

    __hash__ = None

    def __iter__(self):
        for name in self.model_fields:
            yield name, getattr(self, name, None)

    def __repr_args(self):
        return ", ".join("%s=%r" % (n, getattr(self, n, None)) for n in self.model_fields)

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, self.__repr_args())

    def __str__(self):
        return " ".join("%s=%r" % (n, getattr(self, n, None)) for n in self.model_fields)

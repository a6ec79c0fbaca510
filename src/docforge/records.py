"""Immutable record classes that cost almost nothing to define: the base of the IR nodes,
the theme sections, options and diagnostics.

    class Heading(Record):
        level: int
        inlines: tuple[Inline, ...]
        id: str = ""

behaves like `@dataclass(frozen=True, slots=True)`: keyword or positional construction
with defaults, value equality and hashing, a readable repr, slots, no attribute
assignment, pickling, and `replace(record, **changes)`. Why not dataclasses: defining a
dataclass compiles six methods with exec() and the module imports `inspect`; for the ~40
classes on the start-up path that was a third of the time it takes to convert a small
article. A record compiles only its __init__; the other methods are generic, here, over
the class's `_fields`.

A field's default may carry validation facts for the theme loader: `size: float =
spec(11.0, min=5, max=36, unit="pt")`; they end up in the class's `_field_meta`.

Must stay small and boring: no inheritance of fields, no mutable records, no ordering.
"""
from __future__ import annotations

from operator import attrgetter

_MISSING = object()


class FrozenInstanceError(AttributeError):
    """Raised on any attempt to assign or delete a record's attribute."""


class _Spec:
    __slots__ = ("default", "meta")

    def __init__(self, default: object, meta: dict) -> None:
        self.default = default
        self.meta = meta


def spec(default: object, **meta: object) -> object:
    """A field default with facts for validators (`min`, `max`, `unit`, `choices`, `color`)."""
    return _Spec(default, meta)


class _RecordType(type):
    """Turns the annotated class body into slots, a compiled __init__ and `_fields`."""

    def __new__(mcls, name: str, bases: tuple, namespace: dict):
        names = tuple(namespace.get("__annotations__", {}))
        defaults: dict[str, object] = {}
        field_meta: dict[str, dict] = {}
        for field in names:
            if field in namespace:
                value = namespace.pop(field)
                if type(value) is _Spec:
                    field_meta[field] = value.meta
                    value = value.default
                defaults[field] = value
            elif defaults:
                raise TypeError(f"{name}: field {field!r} without a default follows one with a default")
        # a class that says `_weakrefable = True` can be weakly referenced (validate.py
        # remembers the Documents its readers made so without keeping them alive)
        namespace["__slots__"] = names + (("__weakref__",) if namespace.pop("_weakrefable", False) else ())
        namespace["__match_args__"] = names
        namespace["_fields"] = names
        namespace["_field_meta"] = field_meta
        namespace["_defaults"] = defaults
        # the values as one tuple, read in C where there are two fields or more (equality,
        # hashing and pickling use it; pickling every record of a packed chunk, model.Packed)
        namespace["_getter"] = (attrgetter(*names) if len(names) > 1 else
                                staticmethod(lambda record, field=names[0]: (getattr(record, field),)) if names
                                else staticmethod(lambda record: ()))
        cls = super().__new__(mcls, name, bases, namespace)
        if names or "__init__" not in namespace:
            cls.__init__ = _compile_init(cls, names, defaults)  # type: ignore[misc]
        if "__reduce__" not in namespace:
            cls.__reduce__ = _reducer(cls, names)  # type: ignore[method-assign]
        return cls


def _reducer(cls: type, names: tuple[str, ...]):
    """The class's __reduce__, with the class and its value getter bound: pickling a packed
    chunk (model.Packed) calls it for every record, so it does no lookups of its own."""
    if len(names) > 1:
        values = attrgetter(*names)

        def __reduce__(self):
            return (cls, values(self))
    elif names:
        value = attrgetter(names[0])

        def __reduce__(self):
            return (cls, (value(self),))
    else:
        def __reduce__(self):
            return (cls, ())
    return __reduce__


def _compile_init(cls: type, names: tuple[str, ...], defaults: dict,
                  converters: dict | None = None) -> object:
    """One small exec per class: positional-or-keyword parameters, defaults bound by name;
    a field named in `converters` stores `converter(value)` instead of the value. Each
    field is stored through its slot's own setter (bound here), not object.__setattr__,
    which looks the name up again for every field of every record (unpickling a packed
    chunk builds thousands)."""
    class_name = cls.__name__
    converters = converters or {}
    params = ", ".join(f"{n}=_default_{n}" if n in defaults else n for n in names)
    body = "".join(f"    _set_{n}(self, _convert_{n}({n}))\n" if n in converters else
                   f"    _set_{n}(self, {n})\n" for n in names) or "    pass\n"
    source = f"def __init__(self{', ' if names else ''}{params}):\n{body}"
    scope: dict[str, object] = {f"_set_{n}": _slot_setter(cls, n) for n in names}
    scope.update((f"_default_{n}", v) for n, v in defaults.items())
    scope.update((f"_convert_{n}", f) for n, f in converters.items())
    exec(compile(source, f"<record {class_name}>", "exec"), scope)
    init = scope["__init__"]
    init.__qualname__ = f"{class_name}.__init__"  # type: ignore[attr-defined]
    return init


class Record(metaclass=_RecordType):
    """Base class of immutable records; see the module documentation. (The metaclass gives
    every record class `_fields`, `_field_meta` and `_defaults`.)"""

    def _values(self) -> tuple:
        return self._getter(self)  # type: ignore[attr-defined]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._getter(self) == other._getter(other)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.__class__.__name__,) + self._getter(self))  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields)
        return f"{self.__class__.__qualname__}({inner})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r} of an immutable {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r} of an immutable {type(self).__name__}")

def _slot_setter(cls: type, name: str):
    descriptor = cls.__dict__.get(name)
    if descriptor is not None and hasattr(descriptor, "__set__"):
        return descriptor.__set__
    return lambda record, value: object.__setattr__(record, name, value)  # pragma: no cover - not a slot


def convert_fields(cls: type, converters: dict) -> None:
    """Give record class `cls` an __init__ that passes the named fields through their
    converters (model.py packs long sequences so); equality, hashing and pickling are
    unchanged, since they go through __init__ and the stored values."""
    cls.__init__ = _compile_init(cls, cls._fields, cls._defaults, converters)  # type: ignore[misc]


def replace(record: Record, **changes: object) -> Record:
    """A copy of `record` with some fields changed (like dataclasses.replace)."""
    cls = type(record)
    unknown = changes.keys() - set(cls._fields)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field(s) {', '.join(sorted(unknown))}")
    return cls(**{n: changes[n] if n in changes else getattr(record, n) for n in cls._fields})

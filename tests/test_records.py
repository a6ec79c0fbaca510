"""records.Record: the frozen, slotted value classes under the IR, themes and options."""
import copy
import pickle

import pytest

from docforge.model import Heading, Text
from docforge.records import FrozenInstanceError, Record, replace, spec


class Point(Record):
    """A test record."""
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


class Sized(Record):
    size: float = spec(11.0, min=5, max=36, unit="pt")


def test_construction_defaults_and_repr():
    assert Point(1) == Point(x=1, y=0, tags=())
    assert repr(Point(1, 2, ("a",))) == "Point(x=1, y=2, tags=('a',))"
    with pytest.raises(TypeError):
        Point()
    with pytest.raises(TypeError):
        Point(1, z=3)


def test_value_equality_and_hashing():
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(2, 1)
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert len({Point(1), Point(1), Point(2)}) == 2
    assert Heading(1, (Text("a"),)) != Text("a")  # another class is never equal


def test_immutable_and_slotted():
    p = Point(1)
    with pytest.raises(FrozenInstanceError):
        p.x = 2
    with pytest.raises(FrozenInstanceError):
        del p.x
    assert not hasattr(p, "__dict__") and Point.__slots__ == ("x", "y", "tags")


def test_replace_fields_pickle_and_copy():
    p = Point(1, 2)
    assert replace(p, y=5) == Point(1, 5) and p == Point(1, 2)
    with pytest.raises(TypeError, match="no field"):
        replace(p, z=1)
    assert Point._fields == ("x", "y", "tags")
    assert pickle.loads(pickle.dumps(p)) == p and copy.deepcopy(p) == p


def test_spec_keeps_validation_facts_and_the_default():
    assert Sized().size == 11.0
    assert Sized._field_meta == {"size": {"min": 5, "max": 36, "unit": "pt"}}


def test_a_field_without_default_cannot_follow_one_with():
    with pytest.raises(TypeError, match="without a default"):
        class Bad(Record):
            a: int = 1
            b: int

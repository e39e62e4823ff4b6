"""Containers beyond the corpus: what the generated code looks like, and
the caller's containers left alone (the corpus checks the values)."""
import numpy as np

import tangentish as tg
from tests.corpus import comprehensions, records


def updates_an_array_from_a_dict(params, x):
    w = params["w"]
    w[0] = x
    return np.sum(w * w)


def test_arrays_inside_a_dict_argument_are_not_updated():
    params = {"w": np.array([1.0, 2.0])}
    assert tg.grad(updates_an_array_from_a_dict, wrt=1)(params, 3.0) == 6.0
    assert tg.jvp(updates_an_array_from_a_dict, wrt=1)(params, 3.0, 1.0)[1] == 6.0
    np.testing.assert_array_equal(params["w"], [1.0, 2.0])


def test_gradient_has_the_argument_structure():
    layer = records.Layer(np.ones((2, 3)), np.zeros(2), 0.5)
    g = tg.grad(records.object_methods)(layer, np.ones(3))
    assert type(g) is records.Layer and g.activation is None
    assert g.W.shape == (2, 3) and g.b.shape == (2,) and isinstance(float(g.scale), float)
    dense = records.Dense(np.ones((2, 3)), np.zeros(2))
    g = tg.grad(records.dataclass_argument)(dense, np.ones(3))
    assert type(g) is records.Dense and g.name is None
    g = tg.grad(records.dict_argument)({"w": np.ones(3), "b": 1.0}, np.ones(3))
    assert set(g) == {"w", "b"}


def test_comprehension_reads_as_a_loop_that_appends():
    text = tg.source(comprehensions.generator_in_sum)
    assert "    _t0 = []\n" in text and "        _t0.append(_t3)\n" in text
    assert "# grad of line 12: return sum(np.sin(t) * x for t in v)" in text
    assert "_t3_bar = _t0_bar.pop()" in text  # the adjoint of each appended value, last first
    assert "_t0.pop()" not in text  # read only when complete: no restoring


def test_reverse_sweep_restores_a_list_it_reads():
    text = tg.source(comprehensions.append_recurrence)
    assert "out_bar.pop()" in text and "out.pop()" in text
    assert "_rt.unindex(" in text  # `out[-1]` read with the list as it was


def test_source_of_a_function_taking_a_record_needs_example_arguments():
    layer = records.Layer(np.ones((2, 3)), np.zeros(2), 0.5)
    text = tg.source(records.object_methods, args=(layer, np.ones(3)))
    assert "_rt.unfield(" in text and "def __call___vjp(self, v, out_bar)" in text

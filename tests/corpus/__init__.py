"""A corpus of small functions to differentiate, with no test logic in it.

Tests build the arguments of every function from its parameter names
(a trailing digit is ignored: ``x1`` is a float like ``x``):

=================  ==========================================  ============
names              kind                                        differentiated
=================  ==========================================  ============
x y z a b c w s t  float, uniform in [0.5, 1.5]                yes
v u                1-D float array, shape (m,)                 yes
M A                2-D float array, shape (p, m)               yes
B                  2-D float array, shape (m, q)               yes
S                  square float array, shape (m, m)            yes
C                  column float array, shape (p, 1)            yes
n k                small int in [1, 4]                         never
=================  ==========================================  ============

Containers (``CONTAINERS``: name -> builder from a generator and the sizes):

=================  ==========================================  ============
params             dict ``{"w": (m,) array, "b": float}``      yes
affine             ``records.Affine(W (p, m), b (p,))``        yes
dense              ``records.Dense(W (p, m), b (p,))``         yes
layer              ``records.Layer(W (p, m), b (p,), scale)``  yes
pair               tuple ``(float, (m,) array)``               yes
seq                list of three floats                        yes
=================  ==========================================  ============

``m``, ``p`` and ``q`` are sizes in [1, 4] that a test draws (size-1 axes
included).  ``DOMAINS`` overrides the value range, the shape or the int
value of single parameters where a function needs it, keyed by function
name: ``{"param": (lo, hi)}`` for a value range, ``{"param": {"shape":
(...), "range": (lo, hi)}}`` for an array, ``{"param": (lo, hi)}`` with
ints for an int range.  Ranges keep every branch condition, kink and
singularity well away from the sampled points.
"""
from . import (arrays, assembly, comprehensions, containers, control, functions, helpers, inplace,
               methods, records, scalar, sequences, textbook, tricky)

FLOAT_NAMES = frozenset("xyzabcwst")
ARRAY_SHAPES = {
    "v": ("m",), "u": ("m",),
    "M": ("p", "m"), "A": ("p", "m"),
    "B": ("m", "q"),
    "S": ("m", "m"),
    "C": ("p", 1),
}
INT_NAMES = frozenset("nk")
DEFAULT_FLOAT_RANGE = (0.5, 1.5)
DEFAULT_INT_RANGE = (1, 4)
SIZE_RANGE = (1, 4)

CORPUS = [
    # scalar.py
    scalar.same_var_twice, scalar.powers, scalar.trig_hyperbolic,
    scalar.exp_log, scalar.math_misc, scalar.builtin_scalar,
    # control.py
    control.branch_assigns_differ, control.elif_chain, control.conditional_expr,
    control.bool_conditions, control.chained_compare, control.nested_loops,
    control.loop_break_continue, control.range_variants,
    control.loop_var_after_loop, control.for_else,
    control.while_complex_condition, control.while_break_else,
    control.early_return_nested,
    control.return_in_while, control.returns_everywhere,
    control.augmented_scalars,
    # helpers.py
    helpers.helper_kwargs, helpers.helper_nested_calls, helpers.helper_in_loop,
    helpers.helper_with_branches, helpers.helper_arrays,
    helpers.helper_twice_same_arg, helpers.helper_result_in_condition,
    # functions.py
    functions.nested_def_twice, functions.closure_over_locals, functions.closure_in_loop,
    functions.def_inside_loop, functions.late_binding, functions.lambdas,
    functions.functions_calling_functions, functions.nested_def_with_early_return,
    functions.nested_def_star_params, functions.keyword_only_helper, functions.star_args_helpers,
    functions.kwargs_passed_through, functions.recursion_fixed_depth, functions.starred_unpacking,
    functions.assert_and_raise_on_guards, functions.differentiable_value_through_kwargs,
    # arrays.py
    arrays.broadcast_scalar, arrays.broadcast_column_row, arrays.outer_output,
    arrays.matmul_forms, arrays.square_matrix, arrays.reshape_transpose,
    arrays.reductions, arrays.ufuncs, arrays.max_min_where, arrays.indexing,
    arrays.fancy_and_mask, arrays.loop_over_rows, arrays.shape_and_ndim,
    arrays.array_while, arrays.loop_growing_shapes, arrays.loop_broadcast_accumulate,
    # inplace.py
    inplace.fill_recurrence, inplace.update_parameter, inplace.scale_columns,
    inplace.scatter_integer_index, inplace.overwrite_then_reuse,
    inplace.store_in_branches_and_loops, inplace.broadcast_into_row,
    inplace.alias_of_parameter, inplace.read_row_then_store, inplace.store_constant_clears,
    inplace.helper_updates_a_copy, inplace.store_an_array_into_itself,
    inplace.copy_by_arithmetic_then_update, inplace.second_name_after_the_updates,
    inplace.store_at_repeated_indices, inplace.read_repeated_entries,
    inplace.transpose_read_before_store, inplace.view_from_a_helper,
    # sequences.py
    sequences.loop_over_rows_directly, sequences.enumerate_with_start,
    sequences.zip_and_reversed, sequences.iterate_a_computed_array,
    # methods.py
    methods.method_reductions, methods.method_shapes, methods.method_chain,
    methods.method_item_in_loop,
    # containers.py
    containers.tuple_from_helper, containers.tuple_indexed, containers.swap_in_loop,
    containers.nested_unpacking, containers.list_as_stack, containers.stack_of_mixed_values,
    containers.list_literal,
    # assembly.py
    assembly.join_and_cut, assembly.stacked_rows, assembly.sum_of_list,
    assembly.log_det_gaussian, assembly.spectrum_of_symmetric, assembly.low_rank_parts,
    assembly.least_squares_by_qr,
    # records.py
    records.dict_argument, records.dict_local_and_returned, records.dict_iteration,
    records.namedtuple_argument, records.dataclass_argument, records.object_methods,
    records.tuple_and_list_arguments, records.returns_a_tuple_of_dicts,
    # comprehensions.py
    comprehensions.list_comprehension_filtered, comprehensions.generator_in_sum,
    comprehensions.nested_comprehension, comprehensions.comprehension_over_zip_enumerate_reversed,
    comprehensions.comprehension_over_rows, comprehensions.dict_comprehension,
    comprehensions.comprehension_variable_shadows_nothing, comprehensions.append_then_array,
    comprehensions.append_recurrence, comprehensions.append_and_pop,
    comprehensions.returns_appended_list, comprehensions.list_named_again_when_complete,
    # textbook.py
    textbook.baydin, textbook.logistic_loss, textbook.rosenbrock,
    textbook.horner, textbook.fixed_point_cos,
    # tricky.py
    tricky.alias_then_overwrite, tricky.unused_and_condition_only,
    tricky.activity_starts_mid_loop, tricky.constant_output,
    tricky.int_params_in_arithmetic, tricky.defined_in_loop_used_after,
    tricky.break_inner_continue_outer, tricky.return_inside_while_inside_for,
    tricky.self_assignment, tricky.loop_var_rebound,
    tricky.temporary_on_some_paths, tricky.dead_reassignment_in_branches,
    tricky.loop_target_rebound_used_after, tricky.repeated_call_on_one_path,
]

def _uniform(rng, shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape)


CONTAINERS = {
    "params": lambda rng, d: {"w": _uniform(rng, (d["m"],)), "b": float(rng.uniform(0.5, 1.5))},
    "affine": lambda rng, d: records.Affine(_uniform(rng, (d["p"], d["m"])), _uniform(rng, (d["p"],))),
    "dense": lambda rng, d: records.Dense(_uniform(rng, (d["p"], d["m"])), _uniform(rng, (d["p"],))),
    "layer": lambda rng, d: records.Layer(_uniform(rng, (d["p"], d["m"])), _uniform(rng, (d["p"],)),
                                          float(rng.uniform(0.5, 1.5))),
    "pair": lambda rng, d: (float(rng.uniform(0.5, 1.5)), _uniform(rng, (d["m"],))),
    "seq": lambda rng, d: [float(x) for x in rng.uniform(0.5, 1.5, size=3)],
}

DOMAINS = {
    "fill_recurrence": {"n": (0, 6)},
    "update_parameter": {"v": {"range": (0.2, 1.2)}},
    "store_in_branches_and_loops": {"x": (0.3, 0.9), "n": (0, 6)},
    "method_chain": {"M": {"range": (-0.6, 0.6)}, "B": {"range": (-0.6, 0.6)}},
    "exp_log": {"y": (1.5, 2.5)},
    "math_misc": {"x": (0.5, 1.5)},
    "builtin_scalar": {"x": (0.2, 2.0), "y": (0.2, 2.0)},
    "bool_conditions": {"x": (0.2, 1.8), "y": (0.2, 1.8)},
    "chained_compare": {"x": (-0.5, 1.5), "y": (0.2, 1.8)},
    "elif_chain": {"x": (0.4, 1.6)},
    "conditional_expr": {"x": (0.3, 1.7), "y": (0.3, 1.7)},
    "branch_assigns_differ": {"x": (0.4, 1.6)},
    "loop_break_continue": {"n": (1, 6)},
    "early_return_nested": {"x": (0.2, 1.2), "n": (1, 5), "k": (1, 5)},
    "returns_everywhere": {"x": (0.3, 1.7), "y": (0.05, 3.0)},
    "return_in_while": {"x": (0.3, 3.0)},
    "while_break_else": {"x": (0.1, 1.0), "y": (0.01, 0.3)},
    "while_complex_condition": {"x": (0.5, 2.0), "y": (0.5, 4.0), "n": (0, 8)},
    "for_else": {"x": (0.2, 1.0), "n": (0, 5)},
    "helper_with_branches": {"x": (0.1, 2.5), "y": (0.1, 2.5)},
    "helper_result_in_condition": {"x": (-0.5, 2.0)},
    "helper_twice_same_arg": {"x": (0.2, 2.0)},
    "ufuncs": {"v": {"range": (0.2, 1.4)}},
    "max_min_where": {"v": {"range": (0.4, 1.6)}, "u": {"range": (0.4, 1.6)}},
    "fancy_and_mask": {"v": {"range": (0.5, 1.5)}},
    "array_while": {"v": {"range": (-1.0, 2.0)}},
    "logistic_loss": {"v": {"range": (-1.0, 1.0)}, "u": {"range": (-1.0, 1.0)},
                      "b": (-1.0, 1.0)},
    "rosenbrock": {"v": {"range": (-1.5, 1.5)}},
    "swap_in_loop": {"x": (0.3, 0.9), "y": (0.3, 0.9)},
    "horner": {"x": (-1.0, 1.0), "v": {"range": (-1.0, 1.0)}},
    "temporary_on_some_paths": {"x": (-1.0, 1.0), "y": (-1.0, 1.0)},
    "dead_reassignment_in_branches": {"x": (-1.0, 1.0), "y": (-1.0, 1.0)},
    "repeated_call_on_one_path": {"x": (-1.0, 1.0), "v": {"range": (-0.5, 1.0)}},
    "closure_in_loop": {"x": (0.2, 1.0), "y": (0.5, 1.5)},
    "nested_def_with_early_return": {"v": {"range": (0.1, 1.0)}},
    "append_then_array": {"x": (0.5, 1.2), "n": (1, 4)},
    "append_recurrence": {"x": (0.2, 0.8), "n": (0, 4)},
    "append_and_pop": {"v": {"range": (0.5, 1.2)}, "n": (0, 3)},
    "dict_comprehension": {"v": {"shape": (3,)}},
}

__all__ = ["CORPUS", "DOMAINS", "FLOAT_NAMES", "ARRAY_SHAPES", "INT_NAMES", "CONTAINERS",
           "arrays", "assembly", "comprehensions", "containers", "control", "functions", "helpers",
           "records", "scalar", "textbook", "tricky"]

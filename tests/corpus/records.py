"""Dicts, namedtuples, dataclasses and objects holding parameters: as
arguments (built from the parameter names, see __init__.py), as locals
and as return values; fields, methods, properties and static methods."""
import dataclasses
from typing import NamedTuple

import numpy as np


class Affine(NamedTuple):
    W: np.ndarray
    b: np.ndarray


@dataclasses.dataclass
class Dense:
    W: np.ndarray
    b: np.ndarray
    name: str = "dense"


class Layer:
    def __init__(self, W, b, scale):
        self.W = W
        self.b = b
        self.scale = scale
        self.activation = "tanh"

    def __call__(self, v):
        return self.squash(self.W @ v + self.b) * self.gain

    @property
    def gain(self):
        return self.scale * self.scale

    @staticmethod
    def squash(t):
        return np.tanh(t)

    def loss(self, v):
        h = self(v)
        return np.sum(h * h) + self.penalty()

    def penalty(self):
        return 0.1 * np.sum(self.W ** 2)


def dict_argument(params, v):
    # a dict of parameters: entries read by key, one of them twice
    h = params["w"] * v + params["b"]
    return np.sum(h * h) + params["b"] * np.sum(params["w"])


def dict_local_and_returned(x, v):
    # a dict literal of differentiable values, read back, and returned
    d = {"a": v * x, "b": np.sin(v), "n": 3}
    e = {"sum": d["a"] + d["b"], "a": d["a"]}
    return e


def dict_iteration(params, v):
    # keys, values and items of a dict argument, and its length
    total = 0.0
    for key in params.keys():
        total = total + np.sum(params[key] * v)
    for key, value in params.items():
        total = total + np.sum(value * value)
    for value in params.values():
        total = total * 0.5 + np.sum(value)
    return total / len(params)


def namedtuple_argument(affine, v):
    # fields by name, by position and by unpacking
    W, b = affine
    h = np.tanh(affine.W @ v + affine.b)
    return np.sum(h) + np.sum(W * affine[1][0]) + np.sum(b * b)


def dataclass_argument(dense, v):
    h = np.tanh(dense.W @ v + dense.b)
    return np.sum(h * h)


def object_methods(layer, v):
    # __call__, a method calling another, a property and a staticmethod
    return layer.loss(v) + np.sum(layer(v))


def tuple_and_list_arguments(pair, seq, x):
    # a tuple (float, array) and a list of floats as differentiable arguments
    a, u = pair
    total = a * np.sum(u)
    for s in seq:
        total = total + s * x
    return total + seq[0] * seq[-1]


def returns_a_tuple_of_dicts(x, v):
    first = {"v": v * x}
    second = {"s": np.sum(v) * x, "v": v}
    return first, second

"""A seeded generator of small numeric Python functions `f(x, y, v)`.

`x` and `y` are floats and `v` a float array of shape (3,). The body mixes
scalar and array arithmetic (broadcasting a (3, 1) column against `v`),
NumPy and math calls from the rule table, reductions and element reads,
array methods (`.sum()`, `.dot`), `if`/`elif`/`else`, conditional
expressions, `and`/`or` tests, `for` loops over ranges, over `v` itself,
`enumerate` and `zip`, `while` loops with `break`/`continue`, early returns,
helper calls, nested defs and lambdas closing over `x` and `y`, tuple
unpacking (of a helper's tuple, too) and in-place
updates of arrays (elements and slices, `=` and `+=`/`*=`, on copies, fresh
arrays and aliases of `v`), and always returns a scalar.
"""
import random

HEADER = '''import math
import numpy as np


def helper(a, b):
    if a > b:
        return a * b
    return np.sin(a) + b


def vector_helper(u, s):
    return np.tanh(u * s) + u


def pair(a, b):
    return a * b, np.cos(a) - b


'''

# each keeps its argument in the function's smooth domain
UNARY = ["np.sin({})", "np.cos({})", "np.tanh({})", "np.exp(0.1 * {})", "({}) ** 2", "-({})",
         "np.sqrt(1.0 + ({}) ** 2)", "abs({})", "np.arctan({})", "np.log(1.0 + ({}) ** 2)",
         "np.sinh(0.3 * {})", "np.square({})", "np.arcsinh({})", "np.cbrt(2.0 + np.cos({}))"]
SCALAR_ONLY = ["math.sin({})", "math.exp(0.1 * {})", "helper({}, 0.5)"]
BINARY = ["{} + {}", "{} - {}", "{} * {}", "{} / (1.5 + np.cos({}))", "np.maximum({}, {})",
          "np.minimum({}, {})", "{} * 0.5 + {}", "np.arctan2({}, 2.0 + ({}) ** 2)"]
REDUCE = ["np.sum({})", "np.mean({})", "np.dot({}, {})", "({})[{k}]",
          "np.sum(np.reshape({}, (3, 1)) * {})", "({}).sum()", "({}).mean()", "({}).dot({})",
          "np.prod(1.0 + 0.1 * ({}))"]
# in-place updates of an array name: an element or a slice, set or changed
UPDATES = ["{a}[{k}] = {s}", "{a}[{k}] += {s}", "{a}[{k}] *= np.cos({s})", "{a}[{lo}:] = ({v})[{lo}:]",
           "{a}[:{hi}] -= {s}", "{a}[:] = {v}", "{a}[{lo}:] *= 0.5"]
# new arrays to update: copies, fresh zeros, an alias of v (v itself changes)
NEW_ARRAYS = ["v.copy()", "np.zeros(3)", "np.ones(3) * {s}", "v", "np.array({v})"]


# bodies of nested defs and lambdas: elementwise in `t`, closing over x and y
LOCAL_BODIES = ["np.sin(t) * {a} + t ** 2", "np.tanh(t * {a}) + {b}", "np.exp(0.1 * t) - {a} * t",
                "t * t * 0.5 + np.cos({a})"]


class _Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names = ["x", "y"]      # scalars
        self.arrays = ["v"]          # shape (3,)
        self.local_functions = []    # nested defs and lambdas, called as g(t)
        self.fresh = 0

    def local_function(self, pad: str) -> list:
        """A nested def or a lambda over x and y (read when called, as in Python)."""
        r = self.rng
        name = f"g{len(self.local_functions)}"
        body = r.choice(LOCAL_BODIES).format(a=r.choice(["x", "y", "0.5"]), b=r.choice(["x", "y", "1.0"]))
        self.local_functions.append(name)
        if r.random() < 0.5:
            return [f"{pad}{name} = lambda t: {body}"]
        return [f"{pad}def {name}(t):", f"{pad}    return {body}"]

    def leaf(self, array: bool) -> str:
        r = self.rng
        if array:
            return r.choice(self.arrays) if r.random() < 0.8 else "np.array([0.5, -1.0, 2.0])"
        return r.choice(self.names) if r.random() < 0.75 else repr(round(r.uniform(-2, 2), 2))

    def expr(self, depth: int = 0, array: bool = False) -> str:
        """A scalar expression, or an array one of shape (3,)."""
        r = self.rng
        if depth > 1 or r.random() < 0.3:
            return self.leaf(array)
        c = r.random()
        if not array and c < 0.2:
            template = r.choice(REDUCE)
            parts = [self.expr(depth + 1, True) for _ in range(template.count("{}"))]
            return template.format(*parts, k=r.randint(0, 2))
        if c < 0.55:
            pool = UNARY if array else UNARY + SCALAR_ONLY
            if array and r.random() < 0.1:
                return f"vector_helper({self.expr(depth + 1, True)}, {self.expr(depth + 1)})"
            if self.local_functions and r.random() < 0.25:
                return f"{r.choice(self.local_functions)}({self.expr(depth + 1, array)})"
            return r.choice(pool).format(self.expr(depth + 1, array))
        if c < 0.62:
            return f"({self.expr(depth + 1, array)} if {self.test()} else {self.expr(depth + 1, array)})"
        template = r.choice(BINARY)
        n = template.count("{}")
        # an array operand may meet a scalar one: broadcasting
        kinds = [array and (k == 0 or r.random() < 0.6) for k in range(n)]
        return template.format(*[self.expr(depth + 1, kind) for kind in kinds])

    def test(self) -> str:
        r = self.rng
        one = f"{self.expr(2)} > {round(r.uniform(-1, 1), 2)}"
        if r.random() < 0.15:
            return f"{one} {r.choice(['and', 'or'])} {self.expr(2)} < {round(r.uniform(-1, 1), 2)}"
        return one

    def nested(self, lines, pad, header, depth, in_loop, extra=()):
        lines.append(pad + header)
        saved = list(self.names), list(self.arrays)
        self.names += list(extra)
        lines += self.block(len(pad) // 4 + 1, depth + 1, in_loop)
        self.names, self.arrays = saved

    def assignment(self, pad: str) -> str:
        r = self.rng
        array = r.random() < 0.3
        pool = self.arrays if array else self.names
        name = r.choice(pool) if r.random() < 0.6 else f"{'a' if array else 's'}{self.fresh}"
        op = "+=" if name in ("x", "y") and r.random() < 0.15 else "="
        line = f"{pad}{name} {op} {self.expr(array=array)}"  # before `name` exists
        if name not in pool:
            pool.append(name)
            self.fresh += 1
        return line

    def update(self, pad: str) -> list:
        """An in-place update, of a new array made for it or of one that exists."""
        r, lines = self.rng, []
        if r.random() < 0.5 or len(self.arrays) == 1:
            name = f"w{self.fresh}"
            self.fresh += 1
            new = r.choice(NEW_ARRAYS).format(s=self.expr(1), v=self.expr(1, True))
            lines.append(f"{pad}{name} = {new}")
            self.arrays.append(name)
        else:
            name = r.choice(self.arrays)
        lo = r.randint(0, 2)
        lines.append(pad + r.choice(UPDATES).format(a=name, k=r.randint(0, 2), s=self.expr(1), lo=lo,
                                                    hi=r.randint(1, 3), v=self.expr(1, True)))
        return lines

    def unpack(self, pad: str) -> str:
        r = self.rng
        first, second = f"s{self.fresh}", f"s{self.fresh + 1}"
        self.fresh += 2
        if r.random() < 0.5:
            line = f"{pad}{first}, {second} = pair({self.expr(1)}, {self.expr(1)})"
        else:
            line = f"{pad}{first}, {second} = {self.expr(1)}, {self.expr(1)}"
        self.names += [first, second]
        return line

    def sequence_loop(self, lines, pad, depth) -> None:
        r = self.rng
        e = f"e{depth}"
        c = r.random()
        if c < 0.4:
            self.nested(lines, pad, f"for {e} in {r.choice(self.arrays)}:", depth, True, [e])
        elif c < 0.7:
            i = f"i{depth}"
            self.nested(lines, pad, f"for {i}, {e} in enumerate({r.choice(self.arrays)}):", depth, True,
                        [i, e])
        else:
            d = f"d{depth}"
            self.nested(lines, pad, f"for {e}, {d} in zip({r.choice(self.arrays)}, {self.expr(1, True)}):",
                        depth, True, [e, d])

    def block(self, indent: int, depth: int, in_loop: bool) -> list:
        r, pad, lines = self.rng, "    " * indent, []
        for _ in range(r.randint(1, 4 if depth == 0 else 2)):
            c = r.random()
            if (c < 0.45 or depth > 1) and r.random() < 0.2:
                lines += self.update(pad) if r.random() < 0.7 else [self.unpack(pad)]
            elif c < 0.45 or depth > 1:
                lines.append(self.assignment(pad))
            elif c < 0.65:
                self.nested(lines, pad, f"if {self.test()}:", depth, in_loop)
                if r.random() < 0.3:
                    self.nested(lines, pad, f"elif {self.test()}:", depth, in_loop)
                if r.random() < 0.6:
                    self.nested(lines, pad, "else:", depth, in_loop)
            elif c < 0.8 and r.random() < 0.3:
                self.sequence_loop(lines, pad, depth)
            elif c < 0.8:
                i = f"i{depth}"
                self.nested(lines, pad, f"for {i} in range({r.randint(0, 4)}):", depth, True, [i])
            elif c < 0.88:
                k = f"k{depth}"
                lines.append(f"{pad}{k} = 0")
                lines.append(f"{pad}while {k} < {r.randint(1, 4)}:")
                lines.append(f"{pad}    {k} = {k} + 1")
                saved = list(self.names), list(self.arrays)
                lines += self.block(indent + 1, depth + 1, True)
                self.names, self.arrays = saved
            elif in_loop and c < 0.94:
                lines += [f"{pad}if {self.test()}:", f"{pad}    {r.choice(['break', 'continue'])}"]
            else:
                lines += [f"{pad}if {self.test()}:", f"{pad}    return {self.expr()}"]
        return lines


def generate(seed: int) -> str:
    """The source of a module defining the helpers and `f(x, y, v)`."""
    writer = _Writer(random.Random(seed))
    head = writer.local_function("    ") if writer.rng.random() < 0.3 else []
    body = head + writer.block(1, 0, False) + [f"    return {writer.expr()}"]
    return HEADER + "def f(x, y, v):\n" + "\n".join(body) + "\n"

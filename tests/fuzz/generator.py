"""A seeded generator of small numeric Python functions."""
import random

HEADER = '''import math
import numpy as np


def helper(a, b):
    if a > b:
        return a * b
    return np.sin(a) + b


'''

UNARY = ["np.sin({})", "np.cos({})", "np.tanh({})", "np.exp(0.1 * {})", "({}) ** 2", "-({})",
         "np.sqrt(1.0 + ({}) ** 2)", "math.sin({})", "abs({})", "helper({}, 0.5)"]
BINARY = ["{} + {}", "{} - {}", "{} * {}", "{} / (1.5 + np.cos({}))", "np.maximum({}, {})",
          "np.minimum({}, {})", "{} * 0.5 + {}"]


class _Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names = ["x", "y"]
        self.fresh = 0

    def expr(self, depth: int = 0) -> str:
        r = self.rng
        if depth > 2 or r.random() < 0.3:
            return r.choice(self.names) if r.random() < 0.75 else repr(round(r.uniform(-2, 2), 2))
        if r.random() < 0.5:
            return r.choice(UNARY).format(self.expr(depth + 1))
        template = r.choice(BINARY)
        return template.format(*[self.expr(depth + 1) for _ in range(template.count("{}"))])

    def test(self) -> str:
        return f"{self.expr(2)} > {round(self.rng.uniform(-1, 1), 2)}"

    def nested(self, lines, pad, header, depth, in_loop, extra=()):
        lines.append(pad + header)
        saved = list(self.names)
        self.names += list(extra)
        lines += self.block(len(pad) // 4 + 1, depth + 1, in_loop)
        self.names = saved

    def block(self, indent: int, depth: int, in_loop: bool) -> list:
        r, pad, lines = self.rng, "    " * indent, []
        for _ in range(r.randint(1, 4)):
            c = r.random()
            if c < 0.45 or depth > 2:
                name = r.choice(self.names) if r.random() < 0.6 else f"v{self.fresh}"
                if name not in self.names:
                    self.names.append(name)
                    self.fresh += 1
                op = "+=" if name in ("x", "y") and r.random() < 0.15 else "="
                lines.append(f"{pad}{name} {op} {self.expr()}")
            elif c < 0.65:
                self.nested(lines, pad, f"if {self.test()}:", depth, in_loop)
                if r.random() < 0.6:
                    self.nested(lines, pad, "else:", depth, in_loop)
            elif c < 0.8:
                i = f"i{depth}"
                self.nested(lines, pad, f"for {i} in range({r.randint(0, 4)}):", depth, True, [i])
            elif c < 0.88:
                k = f"k{depth}"
                lines.append(f"{pad}{k} = 0")
                lines.append(f"{pad}while {k} < {r.randint(1, 4)}:")
                lines.append(f"{pad}    {k} = {k} + 1")
                saved = list(self.names)
                lines += self.block(indent + 1, depth + 1, True)
                self.names = saved
            elif in_loop and c < 0.94:
                lines += [f"{pad}if {self.test()}:", f"{pad}    {r.choice(['break', 'continue'])}"]
            else:
                lines += [f"{pad}if {self.test()}:", f"{pad}    return {self.expr()}"]
        return lines


def generate(seed: int) -> str:
    """The source of a module defining `helper` and `f(x, y)`."""
    writer = _Writer(random.Random(seed))
    body = writer.block(1, 0, False) + [f"    return {writer.expr()}"]
    return HEADER + "def f(x, y):\n" + "\n".join(body) + "\n"

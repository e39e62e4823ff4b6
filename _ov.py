import numpy as np, tangentish as tg, timeit
from tangentish.api import arg_dims
def f(x):
    return np.sum(np.tanh(x) ** 2 + 0.5 * x * np.sin(x)) + np.sqrt(np.dot(x, x))
x = np.random.default_rng(0).normal(size=10)
vg = tg.value_and_grad(f); vg(x); vg(x)
from tangentish.pipeline import transform
d = transform(f, "reverse", ("x",), (), arg_dims([x])).function
N=20000
a = min(timeit.repeat(lambda: vg(x), number=N, repeat=7))/N*1e6
b = min(timeit.repeat(lambda: d(x, 1.0), number=N, repeat=7))/N*1e6
print(f"api {a:.2f} generated {b:.2f} overhead {a-b:.2f} us")
import cProfile, pstats
cProfile.run("for _ in range(20000): vg(x)", "/tmp/prof")
pstats.Stats("/tmp/prof").sort_stats("tottime").print_stats(12)

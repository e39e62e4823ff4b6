import numpy as np, tangentish as tg, timeit, time
from tangentish.api import arg_dims
def f(x):
    return np.sum(np.tanh(x) ** 2 + 0.5 * x * np.sin(x)) + np.sqrt(np.dot(x, x))
x = np.random.default_rng(0).normal(size=10)
vg = tg.value_and_grad(f); vg(x); vg(x)
from tangentish.pipeline import transform
d = transform(f, "reverse", ("x",), (), arg_dims([x])).function
N=5000
ra, rb = [], []
for _ in range(15):
    t=time.process_time(); [vg(x) for _ in range(N)]; ra.append(time.process_time()-t)
    t=time.process_time(); [d(x, 1.0) for _ in range(N)]; rb.append(time.process_time()-t)
import statistics as st
a, b = st.median(ra)/N*1e6, st.median(rb)/N*1e6
print(f"api {a:.2f} generated {b:.2f} overhead {a-b:.2f} us")

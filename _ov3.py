import numpy as np, timeit
from tangentish import api
x = np.random.default_rng(0).normal(size=10); g = x * 2
def t(stmt, **kw):
    n=100000; print(stmt, min(timeit.repeat(stmt, globals={**globals(), **kw}, number=n, repeat=5))/n*1e6)
t("api._unshared(g, (x, 1.0))")
t("np.may_share_memory(g, x)")
t("api._match_dtype(g, x)")
t("api._scalar_check(f, 1.0)", f=None)
t("api.arg_dims([x])")
def f(x):
    return np.sum(np.tanh(x) ** 2 + 0.5 * x * np.sin(x)) + np.sqrt(np.dot(x, x))
import tangentish as tg
vg = tg.value_and_grad(f); vg(x); vg(x)
d = api._Derivative(f, "reverse", 0)
vals = d.args((x,), {}); d.generated(vals)(x, 1.0); d.generated(vals)
t("d.args((x,), {})", d=d)
t("d.generated(vals)", d=d, vals=vals)
t("d.kinds_of(vals)", d=d, vals=vals)
t("d.derived((), ((10,),))", d=d)
t("d.pack([g], vals)", d=d, vals=vals)
t("vg(x)", vg=vg)
gen = d.generated(vals)
t("gen(x, 1.0)", gen=gen)

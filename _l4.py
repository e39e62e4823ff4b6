import numpy as np, tangentish as tg, sys
import tests.corpus.comprehensions as C
f = getattr(C, sys.argv[1])
from tests import corpus_support as S
args = S.random_args(f, np.random.default_rng(0), {"m": 3, "p": 4, "q": 2})
print(tg.source(f, args=tuple(args)))

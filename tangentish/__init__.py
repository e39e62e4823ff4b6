"""tangentish: automatic differentiation by source transformation.

Reads a numeric Python function's source and generates new Python source
for its derivative: forward mode (tangents, `x_dot`) and reverse mode
(adjoints, `x_bar`), with real `if`/`for`/`while`. See README.md for the
API and docs/ for how it works.
"""
from .api import (Differentiable, differentiate, grad, hessian, hvp, jacobian, jvp,
                  source, value_and_grad, vjp)
from .errors import TangentishError
from .rules import register_adjoint, register_tangent

__version__ = "0.1.0"

__all__ = ["grad", "value_and_grad", "vjp", "jvp", "hvp", "hessian", "jacobian", "source",
           "differentiate",
           "Differentiable", "register_adjoint", "register_tangent",
           "TangentishError", "__version__"]

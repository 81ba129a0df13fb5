"""One argument checker for the public functions of :mod:`sigcnn.signals` and :mod:`sigcnn.probes`.

A function declares what each argument must be with :func:`accepts`::

    @accepts(x=Array(ndim=(1, 2)), size=Int(min=1))
    def f(x, size): ...

and gets, before its body runs, array-likes converted (lists become arrays, a torch tensor
becomes an array for NumPy functions and the reverse for torch functions) and a ``ValueError``
naming the argument and what was expected for NaN or infinite values, a wrong number of
dimensions, an empty array, a dtype it does not support (complex input only where the
function declares it) and sizes that are not integers. The declaration is kept on the function
(``f.__accepts__``), so a test can feed every public function the same catalogue of bad inputs.

Grown from ``_as_signal``/``_positive_int`` of :mod:`sigcnn.signals.modulation`, which now call it.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import torch

__all__ = ["Array", "Choice", "Int", "IntPair", "Real", "Spec", "accepts", "as_array", "positive_int"]

_DTYPE_WORDS = {
    "real": "a real (bool, integer or float) dtype",
    "complex": "a real or complex numeric dtype",
    "integer": "an integer dtype",
    "float": "a floating-point dtype",
}


def _torch():
    return sys.modules.get("torch")


def _is_tensor(value) -> bool:
    torch = _torch()
    return torch is not None and isinstance(value, torch.Tensor)


def _kind_ok(kind: str, allowed: str) -> bool:
    """``kind`` is a NumPy dtype kind: b bool, i int, u uint, f float, c complex (O, U, S, ...: never)."""
    return kind in {"real": "biuf", "complex": "biufc", "integer": "biu", "float": "f"}[allowed]


def _tensor_kind(tensor) -> str:
    if tensor.is_complex():
        return "c"
    if tensor.is_floating_point():
        return "f"
    return "b" if tensor.dtype == _torch().bool else "i"


@dataclass(frozen=True)
class Array:
    """An array argument.

    Parameters
    ----------
    ndim : int or tuple of int, optional
        The numbers of dimensions accepted (``None``: any number from ``min_ndim`` up).
    min_ndim : int
        Fewest dimensions, when ``ndim`` is ``None``.
    dtype : {"real", "complex", "integer", "float"}
        ``"real"`` takes bool, integer and float arrays; ``"complex"`` also complex ones.
    kind : {"numpy", "torch", "any"}
        What the function receives: a NumPy array, a torch tensor, or either (a tensor stays a
        tensor, anything else becomes an array).
    finite : bool
        Reject NaN and infinite values.
    min_size : int
        Fewest entries along every axis (1: no empty axis).
    optional : bool
        ``None`` is accepted (and passed on).
    what : str, optional
        How the function's documentation names the shape (``"a vector (N,) or a stack (M, N)"``),
        used in messages in place of the generic description of the rank.
    """

    ndim: int | tuple[int, ...] | None = None
    min_ndim: int = 0
    dtype: str = "real"
    kind: str = "numpy"
    finite: bool = True
    min_size: int = 1
    optional: bool = False
    what: str | None = None

    def describe(self) -> str:
        if self.what:
            return f"{self.what} ({_DTYPE_WORDS[self.dtype]}{', finite' if self.finite else ''})"
        if self.ndim is None:
            rank = f"at least {self.min_ndim}-D" if self.min_ndim else "any number of dimensions"
        else:
            ranks = (self.ndim,) if isinstance(self.ndim, int) else self.ndim
            rank = " or ".join(f"{n}-D" for n in ranks)
        what = {"numpy": "array", "torch": "tensor", "any": "array or tensor"}[self.kind]
        finite = ", finite" if self.finite else ""
        return f"a non-empty {rank} {what} with {_DTYPE_WORDS[self.dtype]}{finite}"

    def allows_ndim(self, n: int) -> bool:
        if self.ndim is None:
            return n >= self.min_ndim
        return n in ((self.ndim,) if isinstance(self.ndim, int) else self.ndim)

    def check(self, value: Any, name: str) -> np.ndarray | torch.Tensor | None:
        # ``value`` is Any: it is duck-typed below (a tensor, an array, or anything np.asarray takes).
        if value is None and self.optional:
            return None
        torch = _torch()
        tensor_in = _is_tensor(value)
        if tensor_in:
            if self.kind == "numpy":
                value = value.detach().cpu().numpy()
                tensor_in = False
            kind, dtype = (_tensor_kind(value), value.dtype) if tensor_in else (value.dtype.kind, value.dtype)
        else:
            if isinstance(value, (str, bytes)) or value is None:
                raise ValueError(f"{name} must be {self.describe()}, got {type(value).__name__} {value!r:.40}")
            try:
                value = np.asarray(value)
            except (ValueError, TypeError) as exc:  # ragged nested lists
                raise ValueError(
                    f"{name} must be {self.describe()}, got an object that is not an array ({exc})"
                ) from exc
            kind, dtype = value.dtype.kind, value.dtype
        if not _kind_ok(kind, self.dtype):
            raise ValueError(f"{name} must be {self.describe()}, got dtype {dtype}")
        shape = tuple(value.shape)
        if not self.allows_ndim(len(shape)):
            raise ValueError(f"{name} must be {self.describe()}, got shape {shape}")
        if any(s < self.min_size for s in shape):
            raise ValueError(f"{name} must be {self.describe()}, got shape {shape} (too few entries)")
        if self.finite and kind in "fc":
            finite = bool(torch.isfinite(value).all()) if tensor_in else bool(np.isfinite(value).all())
            if not finite:
                raise ValueError(f"{name} has non-finite values (NaN or inf); expected {self.describe()}")
        if self.kind == "torch" and not tensor_in:
            import torch as torch_module

            value = torch_module.as_tensor(value)
        return value

    # ---- for tests: a valid value and the catalogue of bad ones
    def example(self) -> np.ndarray | torch.Tensor:
        ranks = [n for n in range(0, 6) if self.allows_ndim(n)]
        shape = (4,) * ranks[0]
        value = np.ones(shape, dtype=np.uint8 if self.dtype == "integer" else np.float64)
        if self.kind == "torch":
            import torch

            return torch.as_tensor(value, dtype=torch.uint8 if self.dtype == "integer" else torch.float32)
        return value

    def bad_values(self) -> list[tuple[str, object]]:
        ranks = [n for n in range(0, 6) if self.allows_ndim(n)]
        good = np.ones((4,) * ranks[0])
        bad: list[tuple[str, object]] = []
        if self.finite and self.dtype != "integer":
            for word, v in (("NaN", np.nan), ("inf", np.inf)):
                arr = good.copy()
                arr.flat[0] = v
                bad.append((word, arr))
        if self.dtype != "complex":
            bad.append(("complex", good + 1j))
        if self.dtype == "integer":
            bad.append(("float", good * 0.5))
        if self.dtype == "float":
            bad.append(("integer", good.astype(np.int64)))
        bad.append(("strings", np.full(good.shape, "a")))
        bad.append(("objects", np.full(good.shape, None, dtype=object)))
        bad.append(("a string", "abc"))
        wrong = [n for n in range(0, 6) if not self.allows_ndim(n)]
        if wrong:
            bad.append((f"{wrong[0]}-D", np.ones((4,) * wrong[0])))
            if len(wrong) > 1:
                bad.append((f"{wrong[-1]}-D", np.ones((4,) * wrong[-1])))
        if good.ndim:
            bad.append(("empty", np.ones(good.shape[:-1] + (0,))))
        if not self.optional:
            bad.append(("None", None))
        return bad


@dataclass(frozen=True)
class Int:
    """An integer argument (Python or NumPy integer, not bool, not a float such as 2.0)."""

    min: int | None = 1
    max: int | None = None
    optional: bool = False

    def describe(self) -> str:
        if self.min is not None and self.max is not None:
            return f"an integer from {self.min} to {self.max}"
        if self.min == 1:
            return "a positive integer"
        return f"an integer >= {self.min}" if self.min is not None else "an integer"

    def check(self, value: object, name: str) -> int | None:
        if value is None and self.optional:
            return None
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            raise ValueError(f"{name} must be {self.describe()}, got {type(value).__name__} {value!r:.40}")
        value = int(value)
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise ValueError(f"{name} must be {self.describe()}, got {value}")
        return value

    def example(self) -> int:
        return max(self.min if self.min is not None else 0, 4) if self.max is None else self.max

    def bad_values(self) -> list[tuple[str, object]]:
        bad = [("2.5", 2.5), ("float 3.0", 3.0), ("bool", True), ("string", "3"), ("NaN", float("nan"))]
        if self.min is not None:
            bad.append(("below min", self.min - 1))
        if self.max is not None:
            bad.append(("above max", self.max + 1))
        if not self.optional:
            bad.append(("None", None))
        return bad


@dataclass(frozen=True)
class IntPair:
    """An integer or a pair of integers (a size ``n`` or ``(height, width)``), each >= ``min``."""

    min: int = 1
    optional: bool = False

    def describe(self) -> str:
        return f"an integer >= {self.min} or a pair of them"

    def check(self, value: object, name: str) -> int | tuple[int, ...] | None:
        if value is None and self.optional:
            return None
        items = value if isinstance(value, (tuple, list)) else (value,)
        if (
            not isinstance(value, (tuple, list, numbers.Integral))
            or len(items) not in (1, 2)
            or any(
                isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral) or v < self.min for v in items
            )
        ):
            raise ValueError(f"{name} must be {self.describe()}, got {value!r:.40}")
        return (
            int(value)
            if not isinstance(value, (tuple, list))
            else tuple(int(v) for v in items) * (2 if len(items) == 1 else 1)
        )

    def example(self) -> int:
        return max(self.min, 4)

    def bad_values(self) -> list[tuple[str, object]]:
        bad = [
            ("float", 32.0),
            ("(0,)", (0,)),
            ("non-integer pair", (3, 2.5)),
            ("triple", (4, 4, 4)),
            ("below min", self.min - 1),
            ("string", "32"),
            ("bool", True),
        ]
        return bad if self.optional else bad + [("None", None)]


@dataclass(frozen=True)
class Real:
    """A finite real number (``positive``: > 0; ``nonnegative``: >= 0)."""

    positive: bool = False
    nonnegative: bool = False
    optional: bool = False

    def describe(self) -> str:
        sign = "positive " if self.positive else ("non-negative " if self.nonnegative else "")
        return f"a finite {sign}real number"

    def check(self, value: object, name: str) -> float | None:
        if value is None and self.optional:
            return None
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise ValueError(f"{name} must be {self.describe()}, got {type(value).__name__} {value!r:.40}")
        value = float(value)
        if not math.isfinite(value) or (self.positive and value <= 0) or (self.nonnegative and value < 0):
            raise ValueError(f"{name} must be {self.describe()}, got {value}")
        return value

    def example(self) -> float:
        return 0.25

    def bad_values(self) -> list[tuple[str, object]]:
        bad = [("NaN", float("nan")), ("inf", float("inf")), ("string", "1.0"), ("complex", 1j), ("bool", True)]
        if self.positive:
            bad.append(("zero", 0.0))
        if self.positive or self.nonnegative:
            bad.append(("negative", -1.0))
        if not self.optional:
            bad.append(("None", None))
        return bad


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of values (e.g. ``pooling`` names)."""

    values: tuple

    def describe(self) -> str:
        return "one of " + ", ".join(map(repr, self.values))

    def check(self, value: object, name: str) -> object:
        if not any(value == v and type(value) is type(v) for v in self.values):
            raise ValueError(f"unknown {name} {value!r:.40}: {name} must be {self.describe()}")
        return value

    def example(self) -> object:
        return self.values[0]

    def bad_values(self) -> list[tuple[str, object]]:
        return [("unknown", "no-such-choice"), ("number", 3), ("None", None)]


Spec = Array | Int | IntPair | Real | Choice
"""What :func:`accepts` takes for one argument."""


F = TypeVar("F", bound=Callable[..., Any])


def accepts(**specs: Spec) -> Callable[[F], F]:
    """Declare and check the arguments of a public function (see the module docstring).

    The wrapped function keeps its name, docstring and signature; ``fn.__accepts__`` is the
    declaration and ``fn.__check__(*args, **kwargs)`` returns the checked, converted arguments
    (as a dict) without running the body.
    """

    def wrap(fn: F) -> F:
        sig = inspect.signature(fn)
        unknown = set(specs) - set(sig.parameters)
        if unknown:
            raise TypeError(f"{fn.__qualname__}: @accepts names unknown arguments {sorted(unknown)}")

        def check(*args, **kwargs) -> inspect.BoundArguments:
            bound = sig.bind(*args, **kwargs)
            for name, spec in specs.items():
                if name in bound.arguments:
                    bound.arguments[name] = spec.check(bound.arguments[name], name)
            return bound

        @functools.wraps(fn)
        def checked(*args: Any, **kwargs: Any) -> Any:
            bound = check(*args, **kwargs)
            return fn(*bound.args, **bound.kwargs)

        declared: Any = checked  # a function object: the two attributes below are set on it
        declared.__accepts__ = dict(specs)
        declared.__check__ = lambda *a, **k: dict(check(*a, **k).arguments)
        return cast(F, checked)  # the same signature: type checkers see the callers of `fn` as they are

    return wrap


def as_array(
    value: npt.ArrayLike | torch.Tensor,
    name: str,
    ndim: int | tuple[int, ...] | None = None,
    dtype: str = "real",
    finite: bool = True,
) -> np.ndarray:
    """Check ``value`` as :class:`Array` would and return it as a NumPy array."""
    # kind="numpy" and optional=False: Array.check returns an array, never a tensor or None
    return cast(np.ndarray, Array(ndim=ndim, dtype=dtype, finite=finite).check(value, name))


def positive_int(value: object, name: str) -> int:
    """``value`` as an ``int`` if it is an integer >= 1 (not a bool, not a float), else ``ValueError``."""
    return cast(int, Int(min=1).check(value, name))  # optional=False: never None

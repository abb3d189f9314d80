"""The ``weights_only`` unpickler: a small pickle interpreter that can only build data.

Python's own unpickler calls whatever a file names. This one reads the opcodes itself
and allows: numbers, strings, bytes, tuples, lists, dicts, sets, tensors rebuilt from
storage records, and only the globals of :mod:`._allowlist` (exact names). Every
other opcode or name is an ``UnpicklingError`` naming it. It also refuses input that
could hurt before any memory is spent: lengths past the end of the data, nesting
deeper than :data:`MAX_DEPTH`, and (through the rebuild functions) tensor layouts
outside their storage.

>>> import pickle
>>> WeightsUnpickler(pickle.dumps({"a": (1, 2.5, "x")}, protocol=2)).load()
{'a': (1, 2.5, 'x')}
>>> WeightsUnpickler(b"cbuiltins\\neval\\n.").load()
Traceback (most recent call last):
  ...
_pickle.UnpicklingError: Unsupported global: GLOBAL eval was not an allowed global by default. Please use `torch.serialization.add_safe_globals([eval])` or the `torch.serialization.safe_globals([eval])` context manager to allowlist this global if you trust this class/function.
"""

from __future__ import annotations

import collections
import struct
from collections.abc import Callable
from pickle import UnpicklingError, decode_long
from typing import Any

from .. import dtypes
from . import _allowlist, _numpy_state, _storage

MAX_DEPTH = 1000  # containers nested deeper than this are refused (hashing them could overflow the C stack)
_BLOCKED_MODULES = ("sys", "os", "posix", "nt")
_ONE_ARG = {b"J": ("<i", 4), b"K": ("<B", 1), b"M": ("<H", 2), b"G": (">d", 8)}
_SIZED = {  # opcode -> (length format, length size, kind)
    b"X": ("<I", 4, "str"), b"\x8c": ("<B", 1, "str"), b"\x8d": ("<Q", 8, "str"),
    b"B": ("<I", 4, "bytes"), b"C": ("<B", 1, "bytes"), b"\x8e": ("<Q", 8, "bytes"),
    b"\x96": ("<Q", 8, "bytearray"), b"T": ("<I", 4, "bstr"), b"U": ("<B", 1, "bstr"),
    b"\x8a": ("<B", 1, "long"), b"\x8b": ("<i", 4, "long"),
}  # fmt: skip
_OPCODE_NAMES = {b"i": "INST", b"o": "OBJ", b"\x82": "EXT1", b"\x83": "EXT2", b"\x84": "EXT4",
                 b"\x92": "NEWOBJ_EX", b"\x97": "NEXT_BUFFER", b"\x98": "READONLY_BUFFER",
                 b"P": "PERSID", b"S": "STRING"}  # fmt: skip


def _unsupported_global(full: str) -> UnpicklingError:
    if full.startswith("builtins."):
        full = full[len("builtins.") :]
    return UnpicklingError(
        f"Unsupported global: GLOBAL {full} was not an allowed global by default. Please use "
        f"`torch.serialization.add_safe_globals([{full}])` or the `torch.serialization.safe_globals([{full}])` "
        "context manager to allowlist this global if you trust this class/function."
    )


class WeightsUnpickler:
    """Interpret the pickle in ``data``; ``persistent_load(pid)`` turns storage records into storages."""

    def __init__(self, data: bytes, persistent_load: Callable[[Any], Any] | None = None, *,
                 table: dict[str, Any] | None = None, encoding: str = "utf-8") -> None:  # fmt: skip
        self.data, self.pos = memoryview(data), 0
        self.persistent_load = persistent_load
        self.table = _allowlist.default_globals() if table is None else table
        self.encoding = encoding
        self.memo: dict[int, Any] = {}
        self.depth: dict[int, int] = {}
        self.callable_ids = {id(v) for v in self.table.values() if callable(v)} | {
            id(v) for v in _allowlist.user_objects()
        }
        self.callable_ids -= {id(_allowlist.default_globals()["torch.Tensor"])}
        self.callable_ids -= {id(_allowlist.default_globals()["torch.nn.parameter.Parameter"])}
        self.user_types = {id(v) for v in _allowlist.user_objects() if isinstance(v, type)}

    # ------------------------------------------------------------------ reading bytes
    def _read(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise UnpicklingError(
                f"pickle data was truncated: {n} bytes wanted at byte {self.pos}, {len(self.data) - self.pos} left"
            )
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def _readline(self) -> bytes:
        end = bytes(self.data[self.pos : self.pos + 4096]).find(b"\n")
        if end < 0:
            raise UnpicklingError(f"pickle data was truncated: no end of line after byte {self.pos}")
        line = bytes(self.data[self.pos : self.pos + end])
        self.pos += end + 1
        return line

    # ------------------------------------------------------------------ nesting
    def _nest(self, container: Any, items: Any) -> None:
        d = self.depth.get(id(container), 1)
        for item in items:
            if isinstance(item, (tuple, list, dict, set, frozenset)):
                d = max(d, self.depth.get(id(item), 1) + 1)
        if d > MAX_DEPTH:
            raise UnpicklingError(
                f"containers nested more than {MAX_DEPTH} deep; refusing to build them\n"
                "hint: no real checkpoint nests this deep; this file is corrupt or was crafted."
            )
        self.depth[id(container)] = d

    def _new(self, container: Any, items: Any) -> Any:
        self.depth.pop(id(container), None)
        self._nest(container, items)
        return container

    # ------------------------------------------------------------------ globals
    def _global(self, module: str, name: str) -> Any:
        module, name = _allowlist.normalise(module, name)
        full = f"{module}.{name}"
        if module in _BLOCKED_MODULES:
            raise UnpicklingError(
                f"Trying to load unsupported GLOBAL {full} whose module {module} is blocked."
            )
        obj = _allowlist.resolve(module, name, self.table)
        if obj is not None:
            return obj
        if module == "torch" and name == "bfloat16":
            _storage.warn_bfloat16()
            return dtypes.float32
        missing = _allowlist.missing_dtype(module, name)
        if missing is not None:
            raise UnpicklingError(
                f"learntorch has no dtype torch.{missing}, so this checkpoint cannot be loaded."
            )
        if module == "torch" and name in _storage.UNSUPPORTED_STORAGES:
            _storage.storage_type(name)
        raise _unsupported_global(full)

    def _check_callable(self, func: Any, what: str) -> None:
        if id(func) not in self.callable_ids:
            msg = f"Trying to call {what} for unrecognized function {func!r:.100}"
            if hasattr(func, "__self__"):
                msg += f" which belongs to {func.__self__!r:.100}"
            raise UnpicklingError(msg)

    # ------------------------------------------------------------------ the loop
    def load(self) -> Any:
        self.stack: list[Any] = []
        self.metastack: list[list[Any]] = []
        while True:
            op = bytes(self._read(1))
            if op == b".":
                if not self.stack:
                    raise UnpicklingError("pickle data ended with an empty stack")
                return self.stack.pop()
            self._step(op)

    def _pop_mark(self) -> list[Any]:
        if not self.metastack:
            raise UnpicklingError("could not find MARK")
        items, self.stack = self.stack, self.metastack.pop()
        return items

    def _top(self, n: int = 1) -> Any:
        if len(self.stack) < n:
            raise UnpicklingError("unpickling stack underflow: the pickle data is corrupt")
        return self.stack[-n]

    def _pop(self) -> Any:
        self._top()
        return self.stack.pop()

    def _step(self, op: bytes) -> None:  # noqa: C901 - one branch per opcode, like pickle.py
        push = self.stack.append
        if op in _ONE_ARG:
            fmt, n = _ONE_ARG[op]
            push(struct.unpack(fmt, self._read(n))[0])
        elif op in _SIZED:
            fmt, n, kind = _SIZED[op]
            size = struct.unpack(fmt, self._read(n))[0]
            raw = self._read(size)
            if kind == "str":
                push(str(raw, "utf-8", "surrogatepass"))
            elif kind == "bytes":
                push(bytes(raw))
            elif kind == "bytearray":
                push(bytearray(raw))
            elif kind == "bstr":
                push(bytes(raw) if self.encoding == "bytes" else bytes(raw).decode(self.encoding, "strict"))
            else:
                push(decode_long(bytes(raw)))
        elif op == b"\x80":
            proto = self._read(1)[0]
            if proto > 5:
                raise UnpicklingError(f"unsupported pickle protocol: {proto}")
        elif op == b"\x95":  # FRAME: only a length hint
            self._read(8)
        elif op == b"(":
            if len(self.metastack) >= MAX_DEPTH:
                raise UnpicklingError(f"MARKs nested more than {MAX_DEPTH} deep; refusing this file")
            self.metastack.append(self.stack)
            self.stack = []
        elif op == b"0":
            self._pop()
        elif op == b"1":
            self._pop_mark()
        elif op == b"2":
            push(self._top())
        elif op == b"N":
            push(None)
        elif op == b"\x88":
            push(True)
        elif op == b"\x89":
            push(False)
        elif op == b"I":
            line = self._readline()
            push({b"00": False, b"01": True}[line] if line in (b"00", b"01") else int(line))
        elif op == b"L":
            push(int(self._readline().rstrip(b"L")))
        elif op == b"F":
            push(float(self._readline()))
        elif op == b"V":
            push(self._readline().decode("raw-unicode-escape"))
        elif op == b")":
            push(())
        elif op == b"t":
            items = self._pop_mark()
            self.stack.append(self._new(tuple(items), items))
        elif op in (b"\x85", b"\x86", b"\x87"):
            n = op[0] - 0x84
            self._top(n)
            items = self.stack[-n:]
            self.stack[-n:] = [self._new(tuple(items), items)]
        elif op == b"]":
            push([])
        elif op == b"l":
            items = self._pop_mark()
            self.stack.append(self._new(list(items), items))
        elif op == b"}":
            push({})
        elif op == b"d":
            items = self._pop_mark()
            d = self._new({}, items)
            self._setitems(d, items, "DICT")
            self.stack.append(d)
        elif op == b"\x8f":
            push(set())
        elif op == b"\x90":
            items = self._pop_mark()
            target = self._top()
            if type(target) is not set:
                raise UnpicklingError(f"Can only add items to sets, but got {type(target)}")
            self._nest(target, items)
            target.update(items)
        elif op == b"\x91":
            items = self._pop_mark()
            self.stack.append(self._new(frozenset(items), items))
        elif op == b"a":
            item = self._pop()
            self._append(self._top(), [item], "append to")
        elif op == b"e":
            items = self._pop_mark()
            self._append(self._top(), items, "extend")
        elif op == b"s":
            v, k = self._pop(), self._pop()
            self._setitems(self._top(), [k, v], "SETITEM")
        elif op == b"u":
            items = self._pop_mark()
            self._setitems(self._top(), items, "SETITEMS")
        elif op in (b"p", b"q", b"r", b"\x94"):
            if op == b"p":
                idx = int(self._readline())
            elif op == b"q":
                idx = self._read(1)[0]
            elif op == b"r":
                idx = struct.unpack("<I", self._read(4))[0]
            else:
                idx = len(self.memo)
            if idx < 0:
                raise UnpicklingError("negative PUT argument")
            self.memo[idx] = self._top()
        elif op in (b"g", b"h", b"j"):
            if op == b"g":
                idx = int(self._readline())
            else:
                idx = self._read(1)[0] if op == b"h" else struct.unpack("<I", self._read(4))[0]
            if idx not in self.memo:
                raise UnpicklingError(f"Memo value not found at index {idx}")
            push(self.memo[idx])
        elif op == b"c":
            module = self._readline().decode("utf-8")
            name = self._readline().decode("utf-8")
            push(self._global(module, name))
        elif op == b"\x93":
            name, module = self._pop(), self._pop()
            if type(module) is not str or type(name) is not str:
                raise UnpicklingError("STACK_GLOBAL requires str")
            push(self._global(module, name))
        elif op == b"R":
            args = self._pop()
            func = self._top()
            self._check_callable(func, "reduce")
            if type(args) is not tuple:
                raise UnpicklingError(f"REDUCE arguments must be a tuple, got {type(args).__name__}")
            self.stack[-1] = func(*args)
        elif op == b"\x81":
            args, cls = self._pop(), self._pop()
            push(self._newobj(cls, args))
        elif op == b"b":
            state = self._pop()
            self._build(self._top(), state)
        elif op == b"Q":
            pid = self._pop()
            if self.persistent_load is None:
                raise UnpicklingError("A load persistent id instruction was encountered, but no persistent_load "
                                      "function was specified.")  # fmt: skip
            push(self.persistent_load(pid))
        else:
            name = _OPCODE_NAMES.get(op, "")
            raise UnpicklingError(f"Unsupported operand {op[0]}" + (f" ({name})" if name else ""))

    # ------------------------------------------------------------------ container and object steps
    def _append(self, target: Any, items: list, verb: str) -> None:
        if type(target) is not list:
            raise UnpicklingError(f"Can only {verb} lists, but got {type(target)}")
        self._nest(target, items)
        target.extend(items)

    def _setitems(self, target: Any, items: list, opname: str) -> None:
        if type(target) not in (dict, collections.OrderedDict, collections.Counter):
            raise UnpicklingError(
                f"Can only {opname} for dict, collections.OrderedDict, collections.Counter, but got {type(target)}"
            )
        if len(items) % 2:
            raise UnpicklingError(f"odd number of items for {opname}")
        self._nest(target, items)
        for i in range(0, len(items), 2):
            target[items[i]] = items[i + 1]

    def _newobj(self, cls: Any, args: Any) -> Any:
        from ..nn.parameter import Parameter  # noqa: PLC0415

        if type(args) is not tuple:
            raise UnpicklingError("NEWOBJ arguments must be a tuple")
        if cls is Parameter:
            return _storage.rebuild_parameter(*args) if args else Parameter()
        if cls in (collections.OrderedDict, collections.Counter, set) or id(cls) in self.user_types:
            return cls.__new__(cls, *args)
        raise UnpicklingError(
            f"Can only create new object for nn.Parameter or classes allowlisted via `add_safe_globals` but got {cls}"
        )

    def _build(self, inst: Any, state: Any) -> None:
        if "numpy.ndarray" in self.table and _numpy_state.build(inst, state):
            return
        if type(inst) is collections.OrderedDict:
            if state:
                if type(state) is not dict or not all(type(k) is str for k in state):
                    raise UnpicklingError("an OrderedDict's state must be a dict of attribute names")
                inst.__dict__.update(state)
            return
        if id(type(inst)) in self.user_types:
            if hasattr(inst, "__setstate__"):
                inst.__setstate__(state)
                return
            slotstate = None
            if isinstance(state, tuple) and len(state) == 2:
                state, slotstate = state
            if state:
                inst.__dict__.update(state)
            if slotstate:
                for k, v in slotstate.items():
                    setattr(inst, k, v)
            return
        raise UnpicklingError(
            "Can only build Tensor, Parameter, OrderedDict or types allowlisted via `add_safe_globals`, "
            f"but got {type(inst)}"
        )


def scan_globals(data: bytes) -> list[str]:
    """Every ``module.name`` a pickle names (GLOBAL and STACK_GLOBAL), found without running it."""
    import pickletools  # noqa: PLC0415

    found: list[str] = []
    strings: list[str] = []
    for opcode, arg, _pos in pickletools.genops(data):
        if opcode.name == "GLOBAL":
            module, name = _allowlist.normalise(*arg.split(" ", 1))
            found.append(f"{module}.{name}")
        elif opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
            found.append(f"{strings[-2]}.{strings[-1]}")
        elif isinstance(arg, str):
            strings.append(arg)
    return list(dict.fromkeys(found))

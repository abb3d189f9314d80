"""Crafted and corrupt checkpoints: each must fail with UnpicklingError/RuntimeError, run nothing, never crash.

Every file is loaded in a child process (a crash would kill only the child), and every
code-execution attempt targets a marker file: if it exists afterwards, code ran.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import subprocess
import sys
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import learntorch as lt

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


# ---------------------------------------------------------------- building blocks


def _str(s: str) -> bytes:
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def _global(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def _zip(pkl: bytes, storages: dict[str, bytes] | None = None, prefix: str = "archive", extra=()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{prefix}/data.pkl", pkl)
        zf.writestr(f"{prefix}/byteorder", b"little")
        for key, data in (storages or {}).items():
            zf.writestr(f"{prefix}/data/{key}", data)
        zf.writestr(f"{prefix}/version", b"3\n")
        for name, data in extra:
            zf.writestr(name, data)
    return buf.getvalue()


def _tensor_pkl(
    offset: int, size: tuple, stride: tuple, numel: int, storage="FloatStorage", key="0"
) -> bytes:
    """A data.pkl whose one tensor is (storage key, offset, size, stride) -- values chosen by the attacker."""
    pid = (b"(" + _str("storage") + _global("torch", storage) + _str(key) + _str("cpu")
           + b"\x8a" + bytes([8]) + numel.to_bytes(8, "little", signed=True) + b"tQ")  # fmt: skip

    def tup(vals):
        return b"(" + b"".join(b"\x8a\x08" + v.to_bytes(8, "little", signed=True) for v in vals) + b"t"

    return (b"\x80\x02" + _global("torch._utils", "_rebuild_tensor_v2") + b"(" + pid
            + b"\x8a\x08" + offset.to_bytes(8, "little", signed=True) + tup(size) + tup(stride)
            + b"\x89" + _global("collections", "OrderedDict") + b")Rt" + b"R.")  # fmt: skip


def _eval_code(marker: str) -> str:
    return f"open({marker!r}, 'w').write('pwned')"


def corpus(marker: str) -> dict[str, bytes]:
    """name -> file bytes. Each must be refused."""
    code = _eval_code(marker)
    sh = f"touch {marker}"
    c: dict[str, bytes] = {}
    # --- the two bypasses found in the old allow-list, in the old LEARNTORCH1 container and in a zip
    dotted = b"\x80\x04" + _global("learntorch.dtypes", "builtins.eval") + b"(" + _str(code) + b"tR."
    c["dotted_name_learntorch1"] = b"LEARNTORCH1\n" + dotted
    c["dotted_name_zip"] = _zip(dotted)
    c["numpy_attribute_chain"] = (
        b"LEARNTORCH1\n" + b"\x80\x04" + _global("numpy", "os.system") + b"(" + _str(sh) + b"tR."
    )
    c["numpy_testing_chain"] = _zip(
        b"\x80\x02" + _global("numpy.testing._private.utils", "os.system") + b"(" + _str(sh) + b"tR."
    )
    # --- plain GLOBAL/REDUCE to dangerous callables
    c["global_builtins_eval"] = _zip(b"\x80\x02" + _global("builtins", "eval") + b"(" + _str(code) + b"tR.")
    c["global_os_system"] = _zip(b"\x80\x02" + _global("os", "system") + b"(" + _str(sh) + b"tR.")
    c["global_posix_system"] = _zip(b"\x80\x02" + _global("posix", "system") + b"(" + _str(sh) + b"tR.")
    c["global_subprocess"] = _zip(b"\x80\x02" + _global("subprocess", "getoutput") + b"(" + _str(sh) + b"tR.")
    c["global_py2_builtin_eval"] = _zip(
        b"\x80\x02" + _global("__builtin__", "eval") + b"(" + _str(code) + b"tR."
    )
    c["global_getattr_walk"] = _zip(b"\x80\x02" + _global("builtins", "getattr") + b"(" + _global("collections", "OrderedDict")
                                    + _str("__init__") + b"tR.")  # fmt: skip
    c["global_torch_prefix"] = _zip(
        b"\x80\x02" + _global("torch", "_utils.os.system") + b"(" + _str(sh) + b"tR."
    )
    c["global_learntorch_module"] = _zip(
        b"\x80\x02" + _global("learntorch.hub", "load") + b"(" + _str(".") + _str("x") + b"tR."
    )
    c["global_with_newline_tricks"] = _zip(
        b"\x80\x02c" + b"builtins\n" + b"eval\n\n" + b"(" + _str(code) + b"tR."
    )
    # --- other opcodes that call things
    c["stack_global_eval"] = _zip(
        b"\x80\x04" + b"\x8c\x08builtins\x8c\x04eval\x93" + b"(" + _str(code) + b"tR."
    )
    c["inst_opcode"] = _zip(b"\x80\x02(" + _str(code) + b"ibuiltins\neval\n.")
    c["obj_opcode"] = _zip(b"\x80\x02(" + _global("builtins", "eval") + _str(code) + b"o.")
    c["ext_opcode"] = _zip(b"\x80\x02\x82\x01.")
    c["reduce_on_allowed_class_method"] = _zip(
        b"\x80\x02" + _global("collections", "OrderedDict.fromkeys") + b"(]tR."
    )
    c["newobj_unlisted_class"] = _zip(b"\x80\x02" + _global("subprocess", "Popen") + b")\x81.")
    c["build_setstate_on_ordereddict"] = _zip(b"\x80\x02" + _global("collections", "OrderedDict") + b")R}"
                                              + _str("__setstate__") + _global("builtins", "eval") + b"sb.")  # fmt: skip
    c["reduce_bytearray_bomb"] = _zip(
        b"\x80\x02"
        + _global("builtins", "bytearray")
        + b"(\x8a\x08"
        + (1 << 50).to_bytes(8, "little")
        + b"tR."
    )
    c["reduce_tensor_constructor_bomb"] = _zip(
        b"\x80\x02" + _global("torch", "Tensor") + b"(\x8a\x08" + (1 << 50).to_bytes(8, "little") + b"tR."
    )
    c["codecs_encode_other_codec"] = _zip(
        b"\x80\x02" + _global("_codecs", "encode") + b"(" + _str("x") + _str("rot13") + b"tR."
    )
    # --- persistent-id tricks
    c["persid_not_storage"] = _zip(b"\x80\x02(" + _str("module") + _global("builtins", "eval") + b"tQ.")
    c["persid_path_traversal_key"] = _zip(
        _tensor_pkl(0, (1,), (1,), 1, key="../../etc/passwd"), {"0": b"\0" * 4}
    )
    c["persid_missing_record"] = _zip(_tensor_pkl(0, (1,), (1,), 1, key="7"), {"0": b"\0" * 4})
    c["persid_storage_type_is_function"] = _zip(b"\x80\x02(" + _str("storage") + _global("builtins", "eval") + _str("0")
                                                + _str("cpu") + b"K\x01tQ.", {"0": b"\0" * 4})  # fmt: skip
    c["persid_text_opcode"] = _zip(b"\x80\x02P0\n.")
    # --- tensor layouts outside their storage (each would read foreign memory or segfault unchecked)
    c["size_past_storage_4M"] = _zip(_tensor_pkl(0, (4_000_000,), (1,), 4), {"0": b"\0" * 16})
    c["offset_past_storage"] = _zip(_tensor_pkl(5, (1,), (1,), 4), {"0": b"\0" * 16})
    c["stride_past_storage"] = _zip(_tensor_pkl(0, (2, 2), (1, 1000), 4), {"0": b"\0" * 16})
    c["negative_stride"] = _zip(_tensor_pkl(3, (4,), (-1,), 4), {"0": b"\0" * 16})
    c["negative_size"] = _zip(_tensor_pkl(0, (-4,), (1,), 4), {"0": b"\0" * 16})
    c["negative_offset"] = _zip(_tensor_pkl(-8, (1,), (1,), 4), {"0": b"\0" * 16})
    c["overflowing_size_product"] = _zip(_tensor_pkl(0, (2**62, 2**62), (0, 0), 4), {"0": b"\0" * 16})
    c["overflowing_stride_wrap"] = _zip(_tensor_pkl(0, (2, 2), (2**62, 2**62), 4), {"0": b"\0" * 16})
    c["size_stride_length_mismatch"] = _zip(_tensor_pkl(0, (2, 2), (1,), 4), {"0": b"\0" * 16})
    c["numel_larger_than_record"] = _zip(_tensor_pkl(0, (2**40,), (1,), 2**40), {"0": b"\0" * 16})
    c["negative_numel"] = _zip(_tensor_pkl(0, (1,), (1,), -5), {"0": b"\0" * 16})
    # --- allocation bombs and nesting
    c["deflate_zip_bomb"] = (lambda: (lambda b: b)(_deflate_bomb()))()
    c["binbytes8_huge_length"] = _zip(b"\x80\x04\x8e" + (1 << 60).to_bytes(8, "little") + b"abc.")
    c["binunicode_huge_length"] = _zip(b"\x80\x02X\xff\xff\xff\xffabc.")
    c["deep_mark_nesting"] = _zip(b"\x80\x02" + b"(" * 100_000 + b"t" * 100_000 + b".")
    c["deep_tuple_nesting_hash_bomb"] = _zip(b"\x80\x02}" + b")" + b"\x85" * 200_000 + b"Ns.")
    c["deep_list_nesting"] = _zip(b"\x80\x02]" + b"]\x85" * 0 + b"]" * 50_000 + b"a" * 49_999 + b"a.")
    c["legacy_huge_storage"] = _legacy_bomb()
    # --- containers, zips and streams that are simply broken
    c["zip_traversal_names"] = _zip_with_names(["../../evil/data.pkl", "/abs/data.pkl"])
    c["zip_no_data_pkl"] = _zip_with_names(["archive/other"])
    c["zip_truncated"] = _zip(_tensor_pkl(0, (4,), (1,), 4), {"0": b"\0" * 16})[:150]
    c["zip_corrupt_crc"] = _flip_in_record(_zip(b"\x80\x02" + _str("hello") + b"."))
    c["zip_compressed_record"] = _compressed_zip()
    c["empty_file"] = b""
    c["random_bytes"] = bytes(range(256)) * 4
    c["truncated_pickle"] = _zip(b"\x80\x02}q\x00(X\x01\x00\x00\x00a")
    c["memo_get_missing"] = _zip(b"\x80\x02h\x07.")
    c["stack_underflow"] = _zip(b"\x80\x02R.")
    c["unhashable_key"] = _zip(b"\x80\x02}]Ns.")
    c["append_to_dict"] = _zip(b"\x80\x02}Na.")
    c["legacy_wrong_magic"] = pickle.dumps(12345, protocol=2) + b"junk"
    c["whole_torch_model_pickle"] = _zip(
        b"\x80\x02" + _global("torch.nn.modules.linear", "Linear") + b")\x81."
    )
    return c


def _deflate_bomb() -> bytes:
    pkl = _tensor_pkl(0, (1,), (1,), 1)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("archive/data.pkl", pkl)
        zf.writestr("archive/data/0", b"\0" * (64 << 20))  # 64 MB of zeros in ~64 KB
    return buf.getvalue()


def _legacy_bomb() -> bytes:
    head = b"".join(
        pickle.dumps(x, protocol=2) for x in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True})
    )
    pid = (b"(" + _str("storage") + _global("torch", "FloatStorage") + _str("0") + _str("cpu")
           + b"\x8a\x08" + (1 << 40).to_bytes(8, "little") + b"NtQ")  # fmt: skip
    return head + b"\x80\x02" + pid + b"." + pickle.dumps(["0"], protocol=2)


def _zip_with_names(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, b"\x80\x02" + _global("builtins", "eval") + b"(" + _str("1") + b"tR.")
    return buf.getvalue()


def _flip_in_record(data: bytes) -> bytes:
    i = data.index(b"hello")
    return data[:i] + b"jello" + data[i + 5 :]


def _compressed_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("archive/data.pkl", b"\x80\x02N.")
    return buf.getvalue()


# ---------------------------------------------------------------- running files in a child process

_CHILD = r"""
import json, pickle, sys, resource
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a bomb that slipped through dies here, not the box
import learntorch
out = []
modes = {"safe": (True,), "full": (False,)}[sys.argv[1]]
for path in sys.argv[2:]:
    for wo in modes:
        try:
            learntorch.load(path, weights_only=wo)
            out.append([path, wo, "LOADED", ""])
        except (pickle.UnpicklingError, RuntimeError) as e:
            out.append([path, wo, type(e).__name__, str(e)])
        except BaseException as e:
            out.append([path, wo, "OTHER:" + type(e).__name__, str(e)[:300]])
print(json.dumps(out))
"""


def _run_child(paths: list[str], mode: str = "safe") -> list:
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", _CHILD, mode, *paths], capture_output=True, text=True, env=env,
                          timeout=300)  # fmt: skip
    assert proc.returncode == 0, f"the loader crashed (rc={proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


# weights_only=False runs Python's own pickle, which is *meant* to run what a trusted file names;
# these are the files where that is the documented outcome, so only weights_only=True must refuse them
_FULL_PICKLE_MAY_RUN = {
    "dotted_name_learntorch1", "dotted_name_zip", "numpy_attribute_chain", "numpy_testing_chain",
    "global_builtins_eval", "global_os_system", "global_posix_system", "global_subprocess",
    "global_py2_builtin_eval", "global_getattr_walk", "global_with_newline_tricks", "stack_global_eval",
    "inst_opcode", "obj_opcode", "reduce_on_allowed_class_method", "newobj_unlisted_class",
    "build_setstate_on_ordereddict", "global_learntorch_module", "codecs_encode_other_codec",
    "ext_opcode", "persid_not_storage", "persid_storage_type_is_function", "unhashable_key",
    "append_to_dict", "deep_list_nesting", "persid_text_opcode", "reduce_tensor_constructor_bomb",
    "deep_mark_nesting",
    # CPython's C unpickler hashes a 200,000-deep tuple recursively and overflows the C stack: the
    # trusted-file path inherits that from Python's pickle (torch.load(weights_only=False) crashes too)
    "deep_tuple_nesting_hash_bomb",
}  # fmt: skip


def test_corpus_is_refused_without_running_code_or_crashing(tmp_path):
    marker = str(tmp_path / "PWNED")
    files = corpus(marker)
    assert len(files) >= 30
    paths = []
    for name, data in files.items():
        p = tmp_path / f"{name}.pt"
        p.write_bytes(data)
        paths.append(str(p))
    results = _run_child(paths, "safe")
    assert not os.path.exists(marker), "a crafted file ran code with weights_only=True"
    results += _run_child([p for p in paths if os.path.basename(p)[:-3] not in _FULL_PICKLE_MAY_RUN], "full")
    assert not os.path.exists(marker)
    assert len(results) == 2 * len(files) - len(_FULL_PICKLE_MAY_RUN)
    for path, wo, kind, msg in results:
        name = os.path.basename(path)[:-3]
        assert kind in ("UnpicklingError", "RuntimeError"), (name, wo, kind, msg)
        assert len(msg) > 20 and ("hint:" in msg or "Weights only load failed" in msg or "Invalid" in msg), (
            name,
            msg,
        )
    by_name = {(os.path.basename(p)[:-3], wo): m for p, wo, _, m in results}
    assert (
        "Unsupported global: GLOBAL learntorch.dtypes.builtins.eval"
        in by_name[("dotted_name_learntorch1", True)]
    )
    assert "out of bounds for storage of size 16" in by_name[("size_past_storage_4M", True)]
    assert "out of bounds" in by_name[("size_past_storage_4M", False)]  # checked with the full pickle too
    assert "nested more than" in by_name[("deep_tuple_nesting_hash_bomb", True)]
    assert "compressed" in by_name[("deflate_zip_bomb", True)]
    assert "file has only" in by_name[("legacy_huge_storage", True)]
    assert "learntorch can rebuild tensors" in by_name[("whole_torch_model_pickle", False)]
    assert "torch.save(model.state_dict(), path)" in by_name[("whole_torch_model_pickle", True)]


def test_full_pickle_runs_what_it_names_which_is_why_weights_only_is_the_default(tmp_path):
    marker = tmp_path / "ran"
    p = tmp_path / "evil.pt"
    p.write_bytes(corpus(str(marker))["global_builtins_eval"])
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL eval"):
        lt.load(p)
    assert not marker.exists()
    lt.load(p, weights_only=False)
    assert marker.exists()


# ---------------------------------------------------------------- mutation fuzzing of valid checkpoints


def _valid_checkpoint() -> bytes:
    lin = lt.nn.Linear(3, 2)
    base = lt.arange(12.0).reshape(3, 4)
    buf = io.BytesIO()
    lt.save(
        {"sd": lin.state_dict(), "view": base.t(), "row": base[1], "meta": {"epoch": 3, "s": (1, 2)}}, buf
    )
    return buf.getvalue()


_VALID = _valid_checkpoint()


def _repack(pkl: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(_VALID)) as zf:
        records = {n: zf.read(n) for n in zf.namelist()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, d in records.items():
            zf.writestr(n, pkl if n.endswith("data.pkl") else d)
    return buf.getvalue()


with zipfile.ZipFile(io.BytesIO(_VALID)) as _zf:
    _PKL = _zf.read("archive/data.pkl")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_checkpoints_fail_cleanly(data):
    """Byte edits to data.pkl (repacked, so the CRC passes) and to the whole file: a clean error or a load."""
    inside = data.draw(st.booleans(), label="mutate data.pkl")
    raw = bytearray(_PKL if inside else _VALID)
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    blob = _repack(bytes(raw)) if inside else bytes(raw)
    try:
        lt.load(io.BytesIO(blob))
    except (pickle.UnpicklingError, RuntimeError) as err:
        assert "hint:" in str(err) or "Weights only load failed" in str(err)


def test_mutated_pickles_inside_a_valid_zip_fail_cleanly_in_a_child_process(tmp_path):
    """Mutate data.pkl itself (the CRC would catch edits to the zip), load each in a child process."""
    import random

    rng = random.Random(0)
    with zipfile.ZipFile(io.BytesIO(_VALID)) as zf:
        pkl = zf.read("archive/data.pkl")
        records = {n: zf.read(n) for n in zf.namelist()}
    paths = []
    for k in range(40):
        m = bytearray(pkl)
        for _ in range(rng.randint(1, 6)):
            m[rng.randrange(len(m))] = rng.randrange(256)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for n, d in records.items():
                zf.writestr(n, bytes(m) if n.endswith("data.pkl") else d)
        p = tmp_path / f"m{k}.pt"
        p.write_bytes(buf.getvalue())
        paths.append(str(p))
    for path, _wo, kind, msg in _run_child(paths, "safe"):
        assert kind in ("LOADED", "UnpicklingError", "RuntimeError"), (path, kind, msg)

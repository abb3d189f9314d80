"""viz.memory: storage, strides, offsets and sharing, checked against torch's own answers."""

from __future__ import annotations

import re

import numpy as np

import learntorch as lt
from learntorch import viz


def test_view_transpose_reshape_text():
    x = lt.arange(6.0).view(2, 3)
    y = x.t()
    z = y.reshape(6)
    m = viz.memory(x, y, z)
    assert m.shares("x", "y") and not m.shares("y", "z")
    lines = repr(m).splitlines()
    assert lines[0] == "storage A: 6 x float32 (24 bytes) = [0, 1, 2, 3, 4, 5]"
    assert "y  shape [3, 2]  stride (1, 3)  offset 0  not contiguous" in lines[2]
    assert "(shares storage A with x)" in lines[2]
    assert lines[3] == "storage B: 6 x float32 (24 bytes) = [0, 3, 1, 4, 2, 5]"
    assert "(own storage: a copy)" in lines[4]


def test_matches_torch_strides_offsets_and_sharing(torch):
    base = np.arange(24, dtype=np.float32)
    cases = {
        "view": lambda t: t.view(4, 6),
        "t": lambda t: t.view(4, 6).t(),
        "permute": lambda t: t.view(2, 3, 4).permute(2, 0, 1),
        "expand": lambda t: t.view(4, 6)[:1].expand(3, 6) if hasattr(t, "__getitem__") else None,
        "unsqueeze": lambda t: t.view(4, 6).unsqueeze(1),
        "reshape_copy": lambda t: t.view(4, 6).t().reshape(24),
    }
    for name, f in cases.items():
        try:
            a = f(lt.tensor(base))
        except TypeError:  # indexing not available yet
            continue
        src = torch.tensor(base)
        b = f(src)
        m = viz.memory(a=a)
        info = m.info("a")
        assert info.stride == b.stride(), name
        assert info.offset == b.storage_offset(), name
        assert info.contiguous == b.is_contiguous(), name
        shares_torch = b.untyped_storage().data_ptr() == src.untyped_storage().data_ptr()
        src_lt = lt.tensor(base)
        a2 = f(src_lt)
        assert viz.memory(s=src_lt, a=a2).shares("s", "a") == shares_torch, name


def test_expand_reads_cells_many_times_repeat_copies():
    b = lt.tensor([1.0, 2.0, 3.0])
    e = b.expand(4, 3)
    m = viz.memory(b, e)
    assert m.info("e").stride == (0, 1)
    assert m.reads("e") == {0: 4, 1: 4, 2: 4}
    assert "each read up to 4 times (stride 0)" in repr(m)
    if hasattr(b, "repeat"):
        r = b.repeat(4, 1)
        m2 = viz.memory(b, r)
        assert not m2.shares("b", "r")
        assert m2.reads("r") == {i: 1 for i in range(12)}
    svg = m.svg()
    assert ">x4</text>" in svg  # each expanded cell marked as read 4 times
    assert "stride (0, 1)" in svg


def test_svg_marks_element_order_of_a_transpose():
    x = lt.arange(6.0).view(2, 3)
    svg = viz.memory(x, xt=x.t()).svg()
    assert svg.startswith("<svg") and "storage A: 6 x float32, 24 bytes" in svg
    # the transpose's element #1 (xt[0, 1] = x[1, 0]) sits in cell 3
    cells = [c for c in svg.split("<rect") if "#f08c2e" in c.split(">")[0]]  # second tensor's colour
    marks = [c.split(">#")[1].split("<")[0] for c in cells if ">#" in c]
    assert marks == ["0", "2", "4", "1", "3", "5"]
    assert "@3" in svg and "<title>cell 3</title>" in svg
    data, _ = viz.memory(x)._repr_mimebundle_()
    # the text form is the text/plain twin, not repeated above the drawing
    assert set(data) == {"image/svg+xml", "image/png", "text/plain"} and "<pre>" not in data["image/svg+xml"]
    assert data["text/plain"] == repr(viz.memory(x))


def test_values_fit_their_cells_and_save(tmp_path):
    big = lt.tensor([123456.789, -0.000123, 3.0])
    m = viz.memory(big=big)
    svg = m.svg()
    width = float(re.search(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="28"', svg).group(1))
    assert width >= viz._svg.text_width("1.23e+05", 12) + 12  # the longest value plus a margin
    assert ">How to read this picture</text>" in svg
    assert m.save(tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
    assert m.save(tmp_path / "m.svg").read_text().startswith("<svg")


def test_names_from_keywords_and_fallback():
    m = viz.memory(lt.zeros(2), lt.ones(3), first=lt.zeros(1))
    assert [t.name for t in m.tensors] == ["t0", "t1", "first"]

"""ViewExplorer: shapes, strides, offsets, contiguity, sharing and errors equal PyTorch's."""

from __future__ import annotations

import pytest
from _widget_controls import controls, message, picture

import learntorch as lt
from learntorch.widgets import ViewExplorer
from learntorch.widgets.view import PRESETS, parse_chain, why_not_view

CHAINS = [c for c in PRESETS.values() if "t().view(12)" not in c and "view(6, 4)" not in c] + [
    "arange(24).view(2, 3, 4).permute(1, 2, 0).reshape(4, 6)",
    "arange(12).view(3, 4).T.unsqueeze(0).squeeze(0).flatten()",
    "arange(10)[2:8:2].view(3, 1).expand(3, 5)",
    "arange(12).view(3, 4).transpose(0, 1).narrow(0, 1, 2).select(1, 0)",
    "arange(6).view(2, 3)[..., None][:, 1]",
]


def run_torch(torch, chain):
    base, ops = parse_chain(chain)
    t = torch.arange(int(base[7:-1])).float()
    out = [t]
    for _, op, args in ops:
        if op == "index":
            t = t[args if len(args) > 1 else args[0]]
        elif op in ("T", "mT"):
            t = getattr(t, op)
        else:
            t = getattr(t, op)(*args)
        out.append(t)
    return out


@pytest.mark.parametrize("chain", CHAINS)
def test_steps_match_torch(torch, chain):
    ex = ViewExplorer(chain=chain)
    assert ex.error is None
    ts = run_torch(torch, chain)
    assert len(ex.steps) == len(ts)
    ptr0 = ts[0].untyped_storage().data_ptr()
    for step, t, shares in zip(ex.steps, ts, ex.shares):
        assert step.shape == tuple(t.shape)
        assert step.stride == tuple(t.stride())
        assert step.offset == t.storage_offset()
        assert step.contiguous == t.is_contiguous()
        assert shares == (t.untyped_storage().data_ptr() == ptr0)


@pytest.mark.parametrize(
    "chain", [PRESETS["view after t() fails"], PRESETS["note 002: transpose(1, 2).view(6, 4)"]]
)
def test_failing_view_shows_torchs_error_and_why(torch, chain):
    ex = ViewExplorer(chain=chain)
    with pytest.raises(RuntimeError) as info:
        run_torch(torch, chain)
    assert ex.error.splitlines()[0] == "RuntimeError: " + str(info.value)
    assert "hint:" in ex.error and ex.failed == chain[chain.rindex(".view") :]
    assert ex.why and all("row-major layout needs" in w for w in ex.why)
    assert len(ex.steps) == chain.count(".")  # the steps that worked are still drawn
    assert ex.png()


def test_why_not_view():
    assert why_not_view((3, 4), (4, 1)) == []
    assert why_not_view((2, 4, 3), (12, 1, 4)) == [
        "dims 0 and 1: stride[0] = 12, but a row-major layout needs stride[1]·size[1] = 1·4 = 4",
        "dims 1 and 2: stride[1] = 1, but a row-major layout needs stride[2]·size[2] = 4·3 = 12",
    ]


def test_students_tensor(torch):
    x = lt.arange(6.0).view(2, 3)
    ex = ViewExplorer(x, ".t()")
    assert ex.chain == "x.t()" and ex.steps[1].stride == (1, 3) and ex.shares == [True, True]


def test_parse_errors_have_hints():
    for bad, msg in [("zeros(3)", "must start with arange"), ("arange(4).foo()", "not one of the view ops"),
                     ("arange(4).view(2,", "cannot read"), ("arange(4)[1:2:3:4]", "bad slice")]:  # fmt: skip
        with pytest.raises(ValueError, match=msg) as info:
            parse_chain(bad)
        assert "hint:" in str(info.value)
    ex = ViewExplorer(chain="x.t()")
    assert ex.error.startswith("ValueError: the chain starts at x, but no tensor was given")


def test_controls_change_state_and_picture():
    ex = ViewExplorer()
    c = controls(ex)
    before = picture(ex)
    c["add"].value = ".contiguous()"
    assert ex.chain == "arange(12).view(3, 4).t().contiguous()" and c["add"].value == "(add an op)"
    assert ex.shares == [True, True, True, False] and picture(ex) != before
    c["undo last op"].click()
    assert ex.chain == "arange(12).view(3, 4).t()" and c["chain"].value == ex.chain
    c["chain"].value = "arange(12).view(3, 4).t().view(12)"
    assert "RuntimeError" in message(ex) and ex.failed == ".view(12)"
    c["try"].value = "expand: stride 0"
    assert ex.steps[-1].stride == (0, 1) and message(ex) == ""
    c["chain"].value = "arange(12).bogus()"
    assert ex.error.startswith("ValueError:") and "hint:" in message(ex)


def test_headless_png():
    b = ViewExplorer()._repr_mimebundle_()
    assert b["image/png"] and b["text/plain"] == "ViewExplorer: arange(12).view(3, 4).t()"

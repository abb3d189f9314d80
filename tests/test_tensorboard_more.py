"""SummaryWriter's figures, audio, video, meshes, hparams, PR curves, custom scalars and embeddings,
read back by the real ``tensorboard`` package (its EventAccumulator, plugin protos and projector
config parser)."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

import learntorch as lt
from learntorch.utils.tensorboard import SummaryWriter

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing import event_accumulator as ea_mod  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402


def _acc(logdir) -> ea_mod.EventAccumulator:
    guidance = {k: 0 for k in (ea_mod.IMAGES, ea_mod.AUDIO, ea_mod.TENSORS, ea_mod.SCALARS)}
    acc = ea_mod.EventAccumulator(str(logdir), size_guidance=guidance)
    acc.Reload()
    return acc


def test_add_figure_and_audio(tmp_path):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1), dpi=50)
    fig.add_subplot().plot([0, 1], [1, 0])
    t = np.linspace(0, 1, 8000, endpoint=False)
    with SummaryWriter(tmp_path) as w:
        w.add_figure("fig", fig, global_step=3)
        w.add_figure("figs", [fig, fig], global_step=4)
        w.add_audio("tone", lt.tensor(0.5 * np.sin(2 * np.pi * 440 * t)), 1, sample_rate=8000)
    acc = _acc(tmp_path)
    (img,) = acc.Images("fig")
    assert (img.step, img.width, img.height) == (3, 100, 50)
    from PIL import Image

    assert Image.open(io.BytesIO(img.encoded_image_string)).size == (100, 50)
    assert acc.Images("figs")[0].width == 200  # two figures side by side
    (snd,) = acc.Audio("tone")
    assert (snd.sample_rate, snd.length_frames, snd.content_type) == (8000, 8000, "audio/wav")
    with wave.open(io.BytesIO(snd.encoded_audio_string)) as wav:
        frames = np.frombuffer(wav.readframes(8000), "<i2")
    assert frames.max() == int(0.5 * 32767) and abs(frames[:20].astype(int)).max() > 0
    with pytest.raises(AssertionError, match="1 dimensional"), SummaryWriter(tmp_path / "b") as w:
        w.add_audio("x", lt.zeros(2, 5))


def test_add_video_is_a_gif(tmp_path):
    from PIL import Image

    vid = np.zeros((2, 3, 3, 4, 5), np.float32)  # 2 videos, 3 frames of 4x5 RGB
    for f in range(3):
        vid[:, f, 0] = f / 2  # red grows frame by frame
    with SummaryWriter(tmp_path) as w:
        w.add_video("v", lt.tensor(vid), 0, fps=5)
    (img,) = _acc(tmp_path).Images("v")
    assert img.encoded_image_string[:6] == b"GIF89a" and (img.width, img.height) == (10, 4)
    gif = Image.open(io.BytesIO(img.encoded_image_string))
    assert gif.n_frames == 3
    gif.seek(2)
    assert gif.convert("RGB").getpixel((0, 0))[0] == 255


def test_add_mesh(tmp_path):
    verts = np.array([[[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]], np.float32)
    faces = np.array([[[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]]], np.int32)
    colors = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]], np.uint8)
    with SummaryWriter(tmp_path) as w:
        w.add_mesh("tet", lt.tensor(verts), colors=lt.tensor(colors), faces=lt.tensor(faces),
                   config_dict={"camera": {"fov": 75}})  # fmt: skip
    acc = _acc(tmp_path)
    from tensorboard.plugins.mesh import plugin_data_pb2

    for kind, arr in (("VERTEX", verts), ("FACE", faces), ("COLOR", colors)):
        (ev,) = acc.Tensors(f"tet_{kind}")
        np.testing.assert_array_equal(tensor_util.make_ndarray(ev.tensor_proto), arr)
        meta = plugin_data_pb2.MeshPluginData.FromString(
            acc.SummaryMetadata(f"tet_{kind}").plugin_data.content
        )
        assert meta.name == "tet" and list(meta.shape) == list(arr.shape)
        assert plugin_data_pb2.MeshPluginData.ContentType.Name(meta.content_type) == kind
        assert meta.components == 2 + 4 + 8 and '"fov": 75' in meta.json_config


def test_add_hparams(tmp_path):
    from tensorboard.plugins.hparams import plugin_data_pb2

    with SummaryWriter(tmp_path) as w:
        w.add_hparams({"lr": 0.1, "bsize": 32, "optim": "sgd", "nesterov": True}, {"hparam/acc": 0.9},
                      run_name="run0")  # fmt: skip
    acc = _acc(tmp_path / "run0")
    content = acc.PluginTagToContent("hparams")
    exp = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/experiment"]).experiment
    assert [h.name for h in exp.hparam_infos] == ["lr", "bsize", "optim", "nesterov"]
    assert [h.type for h in exp.hparam_infos] == [3, 3, 1, 2]  # FLOAT64, FLOAT64, STRING, BOOL
    assert [m.name.tag for m in exp.metric_infos] == ["hparam/acc"]
    start = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"])
    hp = start.session_start_info.hparams
    assert hp["lr"].number_value == 0.1 and hp["optim"].string_value == "sgd" and hp["nesterov"].bool_value
    end = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_end_info"])
    assert end.session_end_info.status == 1
    assert acc.Scalars("hparam/acc")[0].value == pytest.approx(0.9)
    with pytest.raises(TypeError, match="should be dictionary"), SummaryWriter(tmp_path / "x") as w:
        w.add_hparams([0.1], {"a": 1})


def test_add_pr_curve_by_hand(tmp_path):
    labels = np.array([1, 0, 1, 1, 0])
    preds = np.array([0.9, 0.8, 0.6, 0.3, 0.1])
    with SummaryWriter(tmp_path) as w:
        w.add_pr_curve("pr", lt.tensor(labels), lt.tensor(preds), 0, num_thresholds=5)
    acc = _acc(tmp_path)
    from tensorboard.plugins.pr_curve import plugin_data_pb2

    assert (
        plugin_data_pb2.PrCurvePluginData.FromString(acc.PluginTagToContent("pr_curves")["pr"]).num_thresholds
        == 5
    )
    data = tensor_util.make_ndarray(acc.Tensors("pr")[0].tensor_proto)
    # thresholds 0, .25, .5, .75, 1: "positive" = prediction >= threshold
    np.testing.assert_allclose(data[0], [3, 3, 2, 1, 0])  # TP
    np.testing.assert_allclose(data[1], [2, 1, 1, 1, 0])  # FP (0.8 is a negative)
    np.testing.assert_allclose(data[2], [0, 1, 1, 1, 2])  # TN
    np.testing.assert_allclose(data[3], [0, 0, 1, 2, 3])  # FN
    np.testing.assert_allclose(data[4], [3 / 5, 3 / 4, 2 / 3, 1 / 2, 0], rtol=1e-6)  # precision
    np.testing.assert_allclose(data[5], [1, 1, 2 / 3, 1 / 3, 0], rtol=1e-6)  # recall
    with (
        pytest.raises(ValueError, match=r"predictions must be in \[0, 1\]"),
        SummaryWriter(tmp_path / "b") as w,
    ):
        w.add_pr_curve("pr", labels, preds * 2)


def test_add_custom_scalars(tmp_path):
    from tensorboard.plugins.custom_scalar import layout_pb2

    layout = {"Taiwan": {"twse": ["Multiline", ["twse/0050", "twse/2330"]]},
              "USA": {"dow": ["Margin", ["dow/aaa", "dow/bbb", "dow/ccc"]]}}  # fmt: skip
    with SummaryWriter(tmp_path) as w:
        w.add_custom_scalars(layout)
    (ev,) = _acc(tmp_path).Tensors("custom_scalars__config__")
    got = layout_pb2.Layout.FromString(ev.tensor_proto.string_val[0])
    assert [c.title for c in got.category] == ["Taiwan", "USA"]
    assert list(got.category[0].chart[0].multiline.tag) == ["twse/0050", "twse/2330"]
    s = got.category[1].chart[0].margin.series[0]
    assert (got.category[1].chart[0].title, s.value, s.lower, s.upper) == (
        "dow",
        "dow/aaa",
        "dow/bbb",
        "dow/ccc",
    )


def test_add_embedding_and_projector_config(tmp_path):
    from google.protobuf import text_format
    from tensorboard.plugins.projector import projector_config_pb2

    mat = np.arange(12, dtype=np.float32).reshape(4, 3) / 7
    imgs = np.random.rand(4, 1, 6, 5).astype(np.float32)
    with SummaryWriter(tmp_path) as w:
        w.add_embedding(
            lt.tensor(mat), metadata=["a", "b", "c", "d"], label_img=lt.tensor(imgs), global_step=2
        )
        w.add_embedding(lt.tensor(mat), metadata=[(1, "x"), (2, "y"), (3, "z"), (4, "w")],
                        metadata_header=["id", "name"], tag="two/cols")  # fmt: skip
    cfg = text_format.Parse(
        (tmp_path / "projector_config.pbtxt").read_text(), projector_config_pb2.ProjectorConfig()
    )
    first, second = cfg.embeddings
    assert (first.tensor_name, first.tensor_path) == ("default:00002", "00002/default/tensors.tsv")
    assert (
        list(first.sprite.single_image_dim) == [5, 6]
        and first.sprite.image_path == "00002/default/sprite.png"
    )
    back = np.loadtxt(tmp_path / first.tensor_path, delimiter="\t")
    np.testing.assert_allclose(back, mat, rtol=1e-7)
    assert (tmp_path / first.metadata_path).read_text().split() == ["a", "b", "c", "d"]
    assert (tmp_path / second.metadata_path).read_text().splitlines() == [
        "id\tname",
        "1\tx",
        "2\ty",
        "3\tz",
        "4\tw",
    ]
    from PIL import Image

    assert Image.open(tmp_path / first.sprite.image_path).size == (10, 12)  # 2 x 2 thumbnails of 5 x 6
    with pytest.raises(ValueError, match=r"mat should be \(N, D\)"), SummaryWriter(tmp_path / "b") as w:
        w.add_embedding(lt.zeros(3))

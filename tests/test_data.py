import gzip
import struct

import numpy as np
import pytest
import torch

from gan import data


def _write_idx(path, arr, gz=False):
    header = struct.pack(">HBB", 0, 8, arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape)
    payload = header + arr.astype(np.uint8).tobytes()
    (gzip.open if gz else open)(path, "wb").write(payload)


def test_real_mnist_test_split_alone_is_enough():
    d = data.load_images("mnist")  # GAN_DATA_DIR -> ../shared/data: only t10k files there
    assert d.splits == ("test",)
    assert d.images.shape == (10_000, 1, 28, 28) and d.labels.shape == (10_000,)
    assert d.images.min() >= -1 and d.images.max() <= 1
    assert sorted(d.labels.unique().tolist()) == list(range(10))


@pytest.mark.parametrize("gz", [False, True])
def test_reads_raw_and_gz_idx_any_split(tmp_path, gz):
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    x = np.random.default_rng(0).integers(0, 256, (5, 28, 28))
    suffix = ".gz" if gz else ""
    _write_idx(raw / f"train-images-idx3-ubyte{suffix}", x, gz)
    _write_idx(raw / f"train-labels-idx1-ubyte{suffix}", np.arange(5), gz)
    d = data.load_images("fashion-mnist", root=tmp_path, download=False)
    assert d.splits == ("train",) and d.images.shape == (5, 1, 28, 28)
    assert torch.allclose(d.images[0, 0], torch.from_numpy(x[0]).float() / 127.5 - 1)
    assert d.class_names[9] == "Ankle boot"


def test_missing_dataset_names_folder_and_files(tmp_path):
    with pytest.raises(data.DatasetMissing) as e:
        data.load_images("mnist", root=tmp_path, download=False)
    msg = str(e.value)
    assert str(tmp_path / "MNIST" / "raw") in msg and "t10k-images-idx3-ubyte" in msg and "GAN_DATA_DIR" in msg


def test_corrupt_idx_is_reported(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "t10k-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03" + struct.pack(">3I", 10, 28, 28) + b"\x00" * 50)
    _write_idx(raw / "t10k-labels-idx1-ubyte", np.arange(10))
    with pytest.raises(ValueError, match="expected"):
        data.load_images("mnist", root=tmp_path, download=False)


def test_unknown_dataset():
    with pytest.raises(ValueError, match="fashion-mnist"):
        data.load_images("cifar")


@pytest.mark.parametrize("name", [n for n in data.TOY_DATASETS if n != "custom"])
def test_toy_samplers(name):
    g = torch.Generator().manual_seed(0)
    pts = data.sample_toy(name, 500, g)
    assert pts.shape == (500, 2) and torch.isfinite(pts).all() and pts.abs().max() < 4
    again = data.sample_toy(name, 500, torch.Generator().manual_seed(0))
    assert torch.equal(pts, again)


def test_ring_points_sit_on_the_modes():
    pts = data.sample_toy("ring", 2000, torch.Generator().manual_seed(1)).numpy()
    modes = data.toy_modes("ring")
    dist = np.linalg.norm(pts[:, None] - modes[None], axis=2).min(1)
    assert (dist < 3 * data.TOY_STD["ring"]).mean() > 0.98


def test_custom_points_and_csv():
    pts = data.parse_points_csv(b"x,y\n0,0\n1,1\n2;0.5\n")
    assert pts.shape == (3, 2)
    s = data.sample_toy("custom", 100, torch.Generator().manual_seed(0), points=pts)
    assert s.shape == (100, 2)
    for bad, msg in [(b"1,2\nfoo,bar\n", "line 2"), (b"1\n2\n", "two columns"), (b"\xff\xfe", "UTF-8"),
                     (b"0,0\n", "at least 2"), (b"nan,1\n1,1\n", "NaN")]:
        with pytest.raises(ValueError, match=msg):
            data.parse_points_csv(bad)
    with pytest.raises(ValueError, match="needs points"):
        data.sample_toy("custom", 5)
    n = data.normalise_points(torch.tensor([[10.0, 10.0], [12.0, 14.0]]))
    assert n.abs().max().item() == pytest.approx(2.0)

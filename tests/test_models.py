import json
from pathlib import Path

import pytest
import torch

from gan import hub
from gan.models import MODELS, build, discriminator_class, family_of, generator_class, model_config, spec

MANIFESTS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "hub_state_dict_manifests.json"


def _perturb(model: torch.nn.Module) -> torch.nn.Module:
    """Shift every float parameter and buffer (BatchNorm statistics included) off its initial value, so a
    reload that skipped any of them would show in the outputs."""
    with torch.no_grad():
        for t in model.state_dict().values():
            if t.is_floating_point():
                t.add_(torch.rand_like(t) * 0.02)  # positive: running variances stay positive
    return model


def _inputs(name: str, model: torch.nn.Module) -> tuple:
    """Inputs for the generator of family ``name``, chosen by the registry's ``kind`` of that family."""
    s = spec(name)
    g = torch.Generator().manual_seed(1)
    if s.kind in ("image", "toy"):
        z = torch.randn(3, model.latent_dim, generator=g)
        return (z, torch.arange(3) % model.n_classes) if s.conditional else (z,)
    if s.kind == "image2image":
        return (torch.rand(1, 3, 32, 32, generator=g) * 2 - 1,)
    if s.kind == "classifier":
        return (torch.rand(2, model.channels, 28, 28, generator=g) * 2 - 1,)
    raise AssertionError(f"no test input for kind {s.kind!r} (family {name}): add one to _inputs")


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError) as e:
        spec("stylegan9")
    for name in MODELS:
        assert name in str(e.value)


@pytest.mark.parametrize("name", list(MODELS))
def test_every_registered_family_round_trips_with_default_kwargs(name, tmp_path):
    """Every family in the registry, built with its defaults (one that cannot be fails here), saved with
    its discriminator when it has one, loads back strictly and gives the same outputs."""
    s = spec(name)
    torch.manual_seed(0)
    g = _perturb(build(name).eval())
    d = _perturb(discriminator_class(name)().eval()) if s.discriminator else None
    assert family_of(g) == name
    out = hub.save_generator(g, tmp_path / name, discriminator=d)
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["model_type"] == name and {k: cfg[k] for k in model_config(g)} == model_config(g)
    torch.manual_seed(1)  # the reloaded model starts from other random weights
    loaded = hub.load_folder(out)
    assert loaded.family == name and type(loaded.model) is type(g) and not loaded.model.training
    x = _inputs(name, g)
    with torch.no_grad():
        assert torch.equal(loaded.model(*x), g(*x))
        if d is not None:
            fake = (g(*x), x[1]) if s.conditional else (g(*x),)
            assert torch.equal(loaded.discriminator(*fake), d(*fake))
        else:
            assert loaded.discriminator is None
        # the mixin's own from_pretrained reads the project's folder too (it ignores the extra keys)
        assert torch.equal(generator_class(name).from_pretrained(out, strict=True)(*x), g(*x))
    assert model_config(loaded.model) == model_config(g)


@pytest.mark.parametrize("name", list(MODELS))
def test_a_bare_save_pretrained_folder_loads(name, tmp_path):
    """The mixin's own layout (config.json without model_type) loads: the family comes from the weights."""
    torch.manual_seed(0)
    g = _perturb(build(name).eval())
    g.save_pretrained(tmp_path / name)
    assert "model_type" not in json.loads((tmp_path / name / "config.json").read_text())
    loaded = hub.load_folder(tmp_path / name)
    assert loaded.family == name
    x = _inputs(name, g)
    with torch.no_grad():
        assert torch.equal(loaded.model(*x), g(*x))


@pytest.mark.parametrize("size", [28, 32, 64])
@pytest.mark.parametrize("channels", [1, 3])
def test_dcgan_shapes(size, channels):
    g = build("dcgan", latent_dim=16, channels=channels, image_size=size, width=8)
    x = g(torch.randn(2, 16))
    assert x.shape == (2, channels, size, size) and x.abs().max() <= 1
    for sn in (False, True):
        assert discriminator_class("dcgan")(channels=channels, image_size=size, width=8, spectral_norm=sn)(x).shape == (2,)


def test_infogan_code_is_the_argmax_of_the_last_entries_and_uniform(tmp_path):
    torch.manual_seed(0)
    g = build("dcgan", latent_dim=20, width=8, n_codes=5).eval()
    z = torch.randn(4000, 20)
    codes = g.code(z)
    assert torch.equal(codes, z[:, 15:].argmax(1))
    counts = torch.bincount(codes, minlength=5).float() / len(z)
    assert (counts - 0.2).abs().max() < 0.03  # randn noise gives every code the same chance
    # only which entry is largest matters, not the code entries' values
    z2 = z[:8].clone()
    z2[:, 15:] = z2[:, 15:] * 0.5 + 3 * torch.nn.functional.one_hot(codes[:8], 5)
    with torch.no_grad():
        assert torch.allclose(g(z[:8]), g(z2), atol=1e-6)
        changed = z[:8].clone()
        changed[:, 15:] = torch.nn.functional.one_hot((codes[:8] + 1) % 5, 5) * 10.0
        assert not torch.allclose(g(z[:8]), g(changed), atol=1e-3)  # another code: another image
    d = discriminator_class("dcgan")(width=8, n_codes=5, spectral_norm=True)
    assert d(g(z[:3])).shape == (3,) and d.classify_last().shape == (3, 5)
    assert discriminator_class("dcgan")(width=8).classify_last() is None  # plain DCGAN: no Q head
    loaded = hub.load_folder(hub.save_generator(g, tmp_path / "info", discriminator=d))
    assert model_config(loaded.model)["n_codes"] == 5 and loaded.discriminator.q is not None
    with pytest.raises(ValueError, match="n_codes"):
        build("dcgan", latent_dim=8, n_codes=8)
    # the code as a learned embedding (as cgan's labels): still only the argmax matters, and it round-trips
    emb = build("dcgan", latent_dim=20, width=8, n_codes=5, code_dim=6).eval()
    assert emb.code_embed.weight.shape == (5, 6) and emb.project[0].in_features == 15 + 6
    with torch.no_grad():
        assert torch.allclose(emb(z[:8]), emb(z2), atol=1e-6)
        assert not torch.allclose(emb(z[:8]), emb(changed), atol=1e-3)
    back = hub.load_folder(hub.save_generator(emb, tmp_path / "info_embed"))
    with torch.no_grad():
        assert torch.equal(back.model(z[:4]), emb(z[:4]))


def test_cgan_shapes_and_aux_head():
    g = build("cgan", latent_dim=8, width=8, image_size=32, channels=3)
    y = torch.tensor([0, 9])
    x = g(torch.randn(2, 8), y)
    d = discriminator_class("cgan")(width=8, image_size=32, channels=3)
    assert d(x, y).shape == (2,) and d.classify_last().shape == (2, 10)


def test_bad_image_size():
    with pytest.raises(ValueError, match="image_size"):
        build("dcgan", image_size=30)


def test_huggan_layout_matches_manifest():
    manifest = json.loads(MANIFESTS.read_text())["huggan_dcgan_mnist_generator"]
    g = build("huggan-dcgan")
    assert {k: list(v.shape) for k, v in g.state_dict().items()} == manifest
    assert g(torch.randn(2, 100)).shape == (2, 3, 64, 64)


def test_flat_features_hands_back_the_gradient_in_the_features_layout():
    """D flattens channels-last features (the Trainer's layout on the CPU): the gradient below the flatten must
    come back channels-last too (mixed layouts made LeakyReLU's and the convolution's backward much slower),
    and be the same numbers as plain flatten's."""
    from gan.models.dcgan import flat_features
    torch.manual_seed(0)
    w = torch.randn(8 * 7 * 7)
    for layout, want_cl in ((torch.channels_last, True), (torch.contiguous_format, False)):
        x = torch.randn(4, 8, 7, 7).contiguous(memory_format=layout).requires_grad_(True)
        assert torch.equal(flat_features(x), x.flatten(1))
        g, = torch.autograd.grad((flat_features(x) @ w).sum(), x)
        plain, = torch.autograd.grad((x.flatten(1) @ w).sum(), x)
        assert torch.equal(g, plain)
        assert g.is_contiguous(memory_format=torch.channels_last) == want_cl
    x = torch.randn(2, 8, 7, 7).contiguous(memory_format=torch.channels_last)  # no gradient wanted: plain flatten
    assert torch.equal(flat_features(x), x.flatten(1))


@pytest.mark.parametrize("family", ["dcgan", "cgan"])
def test_discriminator_gradients_reach_its_layers_in_their_own_layout(family):
    """In the Trainer's channels-last layout, every layer of D gets its output's gradient in its output's layout."""
    from gan.models.cgan import CondDiscriminator
    from gan.models.dcgan import DCGANDiscriminator
    d = (CondDiscriminator(width=8, spectral_norm=True) if family == "cgan" else DCGANDiscriminator(width=8))
    d = d.to(memory_format=torch.channels_last)
    mixed = []

    def hook(mod, inp, out):
        if out.dim() == 4 and out.shape[1] > 1 and out.requires_grad:
            cl = out.is_contiguous(memory_format=torch.channels_last)
            out.register_hook(lambda g: mixed.append(type(mod).__name__)
                              if g.is_contiguous(memory_format=torch.channels_last) != cl else None)
    for m in d.features:
        m.register_forward_hook(hook)
    x = torch.randn(6, 1, 28, 28).requires_grad_(True)
    out = d(x, torch.randint(10, (6,))) if family == "cgan" else d(x)
    out.sum().backward()
    assert not mixed, mixed

import math

import pytest
import torch

from gan import losses as L


def test_closed_forms_at_half():
    # D == 1/2 everywhere <=> logits == 0
    zero = torch.zeros(16)
    assert L.d_loss("ns", zero, zero).item() == pytest.approx(2 * math.log(2))
    assert L.g_loss("ns", zero).item() == pytest.approx(math.log(2))
    assert L.g_loss("minimax", zero).item() == pytest.approx(-math.log(2))


def test_seed_losses_match_the_formulas_with_probabilities():
    torch.manual_seed(0)
    r, f = torch.randn(64), torch.randn(64)
    dr, df = torch.sigmoid(r), torch.sigmoid(f)
    want_d = -(torch.log(dr).mean() + torch.log(1 - df).mean())
    assert L.d_loss("ns", r, f).item() == pytest.approx(want_d.item(), rel=1e-5)
    assert L.g_loss("ns", f).item() == pytest.approx(-torch.log(df).mean().item(), rel=1e-5)
    assert L.g_loss("minimax", f).item() == pytest.approx(torch.log(1 - df).mean().item(), rel=1e-5)


def test_stable_for_extreme_logits():
    big = torch.full((4,), 1e4)
    for name in L.LOSSES:
        assert torch.isfinite(L.d_loss(name, big, -big))
        assert torch.isfinite(L.g_loss(name, -big))
    # a perfect discriminator has ~0 loss and the non-saturating G loss is large, not inf
    assert L.d_loss("ns", big, -big).item() == pytest.approx(0.0, abs=1e-6)
    assert L.g_loss("ns", -big).item() == pytest.approx(1e4, rel=1e-6)


def test_minimax_saturates_where_non_saturating_does_not():
    f = torch.full((1,), -6.0, requires_grad=True)  # D(G(z)) ~ 0.0025: early training
    (g_mm,) = torch.autograd.grad(L.g_loss("minimax", f), f)
    (g_ns,) = torch.autograd.grad(L.g_loss("ns", f), f)
    assert abs(g_mm.item()) < 0.01 < 0.9 < abs(g_ns.item())


def test_other_losses_known_values():
    r, f = torch.tensor([1.0, 2.0]), torch.tensor([-1.0, 0.5])
    assert L.d_loss("lsgan", r, f).item() == pytest.approx(0.5 * 0.5 + 0.5 * (1 + 0.25) / 2)
    assert L.g_loss("lsgan", f).item() == pytest.approx(0.5 * (4 + 0.25) / 2)
    assert L.d_loss("hinge", r, f).item() == pytest.approx(0.0 + (0 + 1.5) / 2)
    assert L.g_loss("hinge", f).item() == pytest.approx(0.25)
    assert L.d_loss("wgan-gp", r, f).item() == pytest.approx(-0.25 - 1.5)


def test_gradient_penalty_by_hand():
    # critic(x) = w . x has gradient w everywhere: GP = weight * (||w|| - 1)^2
    w = torch.tensor([3.0, 4.0])
    critic = lambda x: x @ w  # noqa: E731
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    gp = L.gradient_penalty(critic, real, fake, weight=10.0)
    assert gp.item() == pytest.approx(10.0 * (5.0 - 1.0) ** 2)
    unit = lambda x: x @ torch.tensor([0.6, 0.8])  # noqa: E731
    assert L.gradient_penalty(unit, real, fake).item() == pytest.approx(0.0, abs=1e-10)


def test_gradient_penalty_images_and_condition():
    critic = lambda x, y: (x.flatten(1) * 2.0).sum(1) + y.float()  # noqa: E731
    x = torch.randn(4, 1, 3, 3)
    gp = L.gradient_penalty(critic, x, torch.randn_like(x), torch.arange(4), weight=1.0)
    assert gp.item() == pytest.approx((2.0 * 3 - 1) ** 2)  # ||grad|| = 2 * sqrt(9) = 6


def test_unknown_loss_lists_valid_names():
    with pytest.raises(ValueError, match="hinge"):
        L.d_loss("nope", torch.zeros(1), torch.zeros(1))

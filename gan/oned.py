"""A tiny 1D GAN for the Principles page: watch p_g move towards p_data and D approach D*.

Everything is small enough to train on a CPU in a few milliseconds per step:
- the real data is one of a few named 1D distributions with a known density,
- the generator is an MLP from 1D Gaussian noise to x, the discriminator an MLP from x to a logit,
- :meth:`OneDGAN.step` trains with the project's own losses (:mod:`gan.losses`),
- :meth:`OneDGAN.curves` returns p_data, p_g (Gaussian kernel density estimate of generator samples),
  the trained D(x) and the optimal D*(x) = p_data / (p_data + p_g) on a grid.

Pure PyTorch and NumPy; no Streamlit.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from gan import losses

EQUILIBRIUM_D_LOSS = 2 * math.log(2)  # L_D when p_g = p_data and D = D* = 1/2 everywhere


@dataclass(frozen=True)
class Mixture1D:
    """A mixture of 1D Gaussians: weights, means and standard deviations."""
    weights: tuple[float, ...]
    means: tuple[float, ...]
    stds: tuple[float, ...]

    def pdf(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)[..., None]
        w, m, s = (np.asarray(v, dtype=float) for v in (self.weights, self.means, self.stds))
        return (w / (s * math.sqrt(2 * math.pi)) * np.exp(-0.5 * ((x - m) / s) ** 2)).sum(-1)

    def describe(self) -> str:
        """A language-neutral formula, e.g. "0.5·N(-2, 0.5²) + 0.5·N(2, 0.5²)"."""
        def num(v: float) -> str:
            return f"{v:g}".replace("-", "−")
        terms = [f"N({num(m)}, {num(s)}²)" for m, s in zip(self.means, self.stds)]
        if len(terms) == 1:
            return terms[0]
        return " + ".join(f"{num(w)}·{t}" for w, t in zip(self.weights, terms))

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        w = torch.tensor(self.weights, dtype=torch.float32)
        comp = torch.multinomial(w / w.sum(), n, replacement=True, generator=generator)
        mean = torch.tensor(self.means, dtype=torch.float32)[comp]
        std = torch.tensor(self.stds, dtype=torch.float32)[comp]
        return (mean + std * torch.randn(n, generator=generator)).unsqueeze(1)  # (n, 1)


DISTRIBUTIONS: dict[str, Mixture1D] = {
    "gaussian": Mixture1D((1.0,), (2.0,), (0.6,)),
    "bimodal": Mixture1D((0.5, 0.5), (-2.0, 2.0), (0.5, 0.5)),
    "skewed": Mixture1D((0.7, 0.3), (-1.0, 1.5), (0.5, 1.0)),
}


def distribution(name: str) -> Mixture1D:
    if name not in DISTRIBUTIONS:
        raise ValueError(f"unknown 1D distribution {name!r}; choose one of {', '.join(DISTRIBUTIONS)}")
    return DISTRIBUTIONS[name]


def _mlp(d_in: int, d_out: int, hidden: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d_in, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden),
                         nn.LeakyReLU(0.2), nn.Linear(hidden, d_out))


def kde(samples: np.ndarray, grid: np.ndarray, bandwidth: float | None = None) -> np.ndarray:
    """Gaussian kernel density estimate of 1D ``samples`` on ``grid`` (Scott's rule by default)."""
    samples = np.asarray(samples, dtype=float).ravel()
    if samples.size == 0:
        raise ValueError("kde needs at least one sample")
    if bandwidth is None:
        spread = float(samples.std()) if samples.size > 1 else 0.0
        bandwidth = max(1.06 * spread * samples.size ** (-1 / 5), 0.05)
    u = (np.asarray(grid, dtype=float)[:, None] - samples[None, :]) / bandwidth
    return np.exp(-0.5 * u * u).sum(1) / (samples.size * bandwidth * math.sqrt(2 * math.pi))


def optimal_discriminator(p_data: np.ndarray, p_g: np.ndarray, floor: float = 1e-6) -> np.ndarray:
    """D*(x) = p_data / (p_data + p_g); NaN where both densities are (numerically) zero."""
    p_data, p_g = np.asarray(p_data, dtype=float), np.asarray(p_g, dtype=float)
    total = p_data + p_g
    out = np.full_like(total, np.nan)
    ok = total > floor
    out[ok] = p_data[ok] / total[ok]
    return out


def js_divergence(p: np.ndarray, q: np.ndarray, x: np.ndarray) -> float:
    """JSD(p || q) in nats of two densities given on the grid ``x`` (each renormalised to integrate to 1).

    0 when p = q, ln 2 when they do not overlap. The best discriminator against q reaches
    L_D(D*) = 2 ln 2 - 2 JSD (Goodfellow et al. 2014, theorem 1).
    """
    x = np.asarray(x, dtype=float)
    p, q = (np.clip(np.asarray(v, dtype=float), 0.0, None) for v in (p, q))
    p, q = p / np.trapezoid(p, x), q / np.trapezoid(q, x)
    m = 0.5 * (p + q)

    def kl(a: np.ndarray) -> np.ndarray:
        out = np.zeros_like(a)
        ok = a > 0
        out[ok] = a[ok] * np.log(a[ok] / m[ok])
        return out
    return float(min(max(0.5 * np.trapezoid(kl(p), x) + 0.5 * np.trapezoid(kl(q), x), 0.0), math.log(2)))


def optimal_d_loss(jsd: float) -> float:
    """L_D of the optimal discriminator D* for a generator at divergence ``jsd``: 2 ln 2 - 2 JSD."""
    return EQUILIBRIUM_D_LOSS - 2.0 * jsd


@dataclass(frozen=True)
class StepResult:
    step: int
    d_loss: float
    g_loss: float


class OneDGAN:
    """A 1D GAN whose state lives in this object (the page keeps one in session state).

    Methods hold a lock: a web app can start a new run of a page before the previous one has
    finished (a second click while training), and two threads stepping the same optimisers would
    corrupt the autograd graph.
    """

    def __init__(self, dist: str = "bimodal", loss: str = "ns", hidden: int = 32, lr: float = 2e-3,
                 batch_size: int = 256, seed: int = 0):
        if loss not in ("ns", "minimax"):
            raise ValueError(f"the 1D example supports the 'ns' and 'minimax' losses, not {loss!r}")
        if batch_size < 2:
            raise ValueError(f"batch_size must be at least 2, got {batch_size}")
        if not lr > 0:
            raise ValueError(f"lr must be positive, got {lr}")
        self.dist_name, self.dist = dist, distribution(dist)
        self.loss, self.batch_size, self.seed = loss, batch_size, seed
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.G = _mlp(1, 1, hidden)
            self.D = _mlp(1, 1, hidden)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=lr, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=lr, betas=(0.5, 0.999))
        self.rng = torch.Generator().manual_seed(seed + 1)
        self.steps = 0
        self.history: list[StepResult] = []
        self._lock = threading.RLock()

    def _z(self, n: int) -> torch.Tensor:
        return torch.randn(n, 1, generator=self.rng)  # (n, 1)

    def step(self, n: int = 1) -> StepResult | None:
        """Train ``n`` steps (one D update, then one G update each); return the last step's losses."""
        if n < 0:
            raise ValueError(f"number of steps must be >= 0, got {n}")
        with self._lock:
            return self._train(n)

    def _train(self, n: int) -> StepResult | None:
        last = None
        for _ in range(n):
            real = self.dist.sample(self.batch_size, self.rng)      # (B, 1)
            with torch.no_grad():
                fake = self.G(self._z(self.batch_size))            # (B, 1), a fixed input for D's update
            loss_d = losses.d_loss(self.loss, self.D(real).squeeze(1), self.D(fake).squeeze(1))
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()

            loss_g = losses.g_loss(self.loss, self.D(self.G(self._z(self.batch_size))).squeeze(1))
            self.opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            self.opt_g.step()
            self.steps += 1
            last = (loss_d.detach(), loss_g.detach())
        if last is None:
            return None
        result = StepResult(self.steps, float(last[0]), float(last[1]))
        self.history.append(result)
        return result

    @torch.no_grad()
    def generate(self, n: int = 2000, seed: int = 1234) -> np.ndarray:
        """``n`` generator samples from a fixed noise draw (so curves don't flicker between calls)."""
        z = torch.randn(n, 1, generator=torch.Generator().manual_seed(seed))
        with self._lock:
            return self.G(z).squeeze(1).numpy()

    def grid(self, n: int = 300) -> np.ndarray:
        m, s = np.asarray(self.dist.means), np.asarray(self.dist.stds)
        lo, hi = float((m - 4 * s).min()), float((m + 4 * s).max())
        samples = self.generate()
        lo, hi = min(lo, float(np.quantile(samples, 0.005))), max(hi, float(np.quantile(samples, 0.995)))
        return np.linspace(lo, hi, n)

    @torch.no_grad()
    def curves(self, n: int = 300) -> dict[str, np.ndarray]:
        """x grid, p_data (exact), p_g (KDE), D(x) (the trained discriminator) and D*(x)."""
        with self._lock:
            x = self.grid(n)
            p_data = self.dist.pdf(x)
            p_g = kde(self.generate(), x)
            d = torch.sigmoid(self.D(torch.as_tensor(x, dtype=torch.float32).unsqueeze(1))).squeeze(1).numpy()
        return {"x": x, "p_data": p_data, "p_g": p_g, "d": d, "d_star": optimal_discriminator(p_data, p_g)}

    def divergence(self, curves: dict[str, np.ndarray] | None = None) -> dict[str, float]:
        """JSD(p_data || p_g) on the curves' grid and the optimal D's loss L_D(D*) = 2 ln 2 - 2 JSD."""
        c = curves if curves is not None else self.curves()
        jsd = js_divergence(c["p_data"], c["p_g"], c["x"])
        return {"jsd": jsd, "d_loss_star": optimal_d_loss(jsd)}

    def smaller_mode_share(self) -> float:
        """Share of G's samples on the side of x = 0 that gets fewer (0: all on one side). For the bimodal
        target (modes at -2 and 2) this is the mass of the mode G neglects: near 0 means G sits on one mode."""
        x = self.generate()
        return float(min((x < 0).mean(), (x >= 0).mean()))

    @torch.no_grad()
    def evaluate(self, n: int = 4096, seed: int = 99) -> StepResult:
        """L_D and L_G (this model's loss) on a fresh, fixed batch, without training."""
        g = torch.Generator().manual_seed(seed)
        real = self.dist.sample(n, g)
        z = torch.randn(n, 1, generator=g)
        with self._lock:
            fake_logits = self.D(self.G(z)).squeeze(1)
            real_logits = self.D(real).squeeze(1)
        ld = losses.d_loss(self.loss, real_logits, fake_logits)
        lg = losses.g_loss(self.loss, fake_logits)
        return StepResult(self.steps, float(ld), float(lg))

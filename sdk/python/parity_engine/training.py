"""The clippings and schedules the package brings, PyTorch's, each replaceable by registering one of
the same kind: a clipping is `clip(grads, **options)` changing the gradients in place, a schedule is
a class built from its options whose `step(state)` moves `state["lr"]` once per epoch, and whose
optional `start(base)` gives the lr of the first epoch from the optimizer's (a warm-up's start)."""
import math

import numpy as np


def clip_norm(grads, max_norm):
    """torch.nn.utils.clip_grad_norm_: one 2-norm over all gradients."""
    total = math.sqrt(sum(float((g.astype(np.float64) ** 2).sum()) for g in grads.values()))
    factor = float(max_norm) / (total + 1e-6)
    if factor < 1:
        for g in grads.values():
            g *= g.dtype.type(factor)


def clip_value(grads, clip_value):
    """torch.nn.utils.clip_grad_value_: each element clamped."""
    for g in grads.values():
        np.clip(g, -float(clip_value), float(clip_value), out=g)


class StepLR:
    def __init__(self, step_size, gamma):
        self.step_size, self.gamma, self.epoch = step_size, float(gamma), 0

    def step(self, state):
        self.epoch += 1
        if self.epoch % self.step_size == 0:
            state["lr"] *= self.gamma


class ExponentialLR:
    def __init__(self, gamma):
        self.gamma = float(gamma)

    def step(self, state):
        state["lr"] *= self.gamma


class CosineAnnealingLR:
    """PyTorch's recursive form, restarts and all, as torch.optim.lr_scheduler computes it."""

    def __init__(self, T_max, eta_min=0.0):
        self.t_max, self.eta_min, self.epoch, self.base = T_max, float(eta_min), 0, None

    def start(self, base):
        self.base, self.epoch = base, 0
        return self.eta_min + (base - self.eta_min) * (1 + math.cos(0)) / 2

    def step(self, state):
        if self.base is None:
            self.start(state["lr"])
        self.epoch += 1
        e, t, lr = self.epoch, self.t_max, state["lr"]
        if (e - 1 - t) % (2 * t) == 0:
            state["lr"] = lr + (self.base - self.eta_min) * (1 - math.cos(math.pi / t)) / 2
        else:
            state["lr"] = (1 + math.cos(math.pi * e / t)) / (1 + math.cos(math.pi * (e - 1) / t)) * (lr - self.eta_min) + self.eta_min


class LinearLR:
    """From start_factor to end_factor of the lr over total_iters epochs, in PyTorch's recursive form."""

    def __init__(self, start_factor, end_factor, total_iters):
        self.start_factor, self.end_factor, self.total, self.epoch = float(start_factor), float(end_factor), total_iters, 0

    def start(self, base):
        self.epoch = 0
        return base * self.start_factor

    def step(self, state):
        self.epoch += 1
        if self.epoch <= self.total:
            change = self.end_factor - self.start_factor
            state["lr"] *= 1 + change / (self.total * self.start_factor + (self.epoch - 1) * change)


def first_lr(schedule, base):
    return schedule.start(base) if hasattr(schedule, "start") else base


class SequentialLR:
    """One schedule, then the next from the optimizer's lr at the milestone (a warm-up, then a cosine)."""

    def __init__(self, schedulers, milestones):
        (first, then), (self.milestone,) = [SCHEDULES[s["kind"]](**{k: v for k, v in s.items() if k != "kind"}) for s in schedulers], milestones
        self.first, self.then, self.epoch, self.base = first, then, 0, None

    def start(self, base):
        self.base, self.epoch = base, 0
        return first_lr(self.first, base)

    def step(self, state):
        self.epoch += 1
        if self.epoch < self.milestone:
            self.first.step(state)
        elif self.epoch == self.milestone:
            state["lr"] = first_lr(self.then, self.base)
        else:
            self.then.step(state)


CLIPS = {"norm": clip_norm, "value": clip_value}
SCHEDULES = {"step": StepLR, "exponential": ExponentialLR, "cosine": CosineAnnealingLR, "linear": LinearLR, "sequential": SequentialLR}

"""The clippings and schedules the package brings, PyTorch's, each replaceable by registering one of
the same kind: a clipping is `clip(grads, **options)` changing the gradients in place, a schedule is
a class built from its options whose `step(state)` moves `state["lr"]` once per epoch."""
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


CLIPS = {"norm": clip_norm, "value": clip_value}
SCHEDULES = {"step": StepLR, "exponential": ExponentialLR}

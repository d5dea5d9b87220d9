#!/usr/bin/env python3
"""A small neural-network engine with hand-written backpropagation in numpy: the maths alone, the protocol
spoken by the parity_engine package (sdk/python), so that `parity check` can compare it with PyTorch.

    parity check parity-tests/specs/xor-tanh-bce.yaml --engine "exec:python3 examples/numpy-engine/engine.py"

Options:
    --bug bias-grad-mean   plant a realistic bug: the bias gradient is averaged over the batch's rows,
                           although the loss's mean has already divided by the batch size.
"""
import argparse
import os
import sys

import numpy as np

try:
    import parity_engine
except ImportError:  # run from a clone without PYTHONPATH: the package beside it in the repository
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk", "python"))
    import parity_engine
from parity_engine import Layer, LayeredEngine

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--bug", choices=["bias-grad-mean"], help="plant a realistic bug")
BUG = parser.parse_args().bug
engine = LayeredEngine("numpy-engine" + (f" --bug {BUG}" if BUG else ""), np.__version__)


# ---------------------------------------------------------------- layers

@engine.layer("linear")
class Linear(Layer):
    def __init__(self, in_features, out_features, bias):
        self.bias = bias

    def forward(self, x):
        self.x = x
        y = x @ self.params["weight"].T
        return y + self.params["bias"] if self.bias else y

    def backward(self, dy):
        self.grads["weight"] = dy.T @ self.x
        if self.bias:
            # BUG when planted: the loss's mean already divided by the batch size.
            self.grads["bias"] = dy.mean(axis=0) if BUG == "bias-grad-mean" else dy.sum(axis=0)
        return dy @ self.params["weight"]


@engine.layer("leaky-relu")
class LeakyReLU(Layer):
    def __init__(self, negative_slope):
        self.slope = negative_slope

    def forward(self, x):
        self.mask = x > 0  # the derivative at 0 is the slope's, as PyTorch's
        return np.where(self.mask, x, self.slope * x).astype(x.dtype)

    def backward(self, dy):
        return np.where(self.mask, dy, self.slope * dy).astype(dy.dtype)


@engine.layer("relu")
class ReLU(LeakyReLU):
    def __init__(self):
        super().__init__(0)


@engine.layer("tanh")
class Tanh(Layer):
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, dy):
        return dy * (1 - self.y * self.y)


def sigmoid(x):
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


@engine.layer("sigmoid")
class Sigmoid(Layer):
    def forward(self, x):
        self.y = sigmoid(x)
        return self.y

    def backward(self, dy):
        return dy * self.y * (1 - self.y)


@engine.layer("softmax")
class Softmax(Layer):
    def __init__(self, dim):
        if dim != 1:
            raise NotImplementedError(f"softmax over dim {dim}: this engine has dim 1 alone")

    def forward(self, x):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        return self.y

    def backward(self, dy):
        return self.y * (dy - (dy * self.y).sum(axis=1, keepdims=True))


@engine.layer("identity")
class Identity(Layer):
    def forward(self, x):
        return x

    def backward(self, dy):
        return dy


# ---------------------------------------------------------------- losses (PyTorch's formulas)

class Loss:
    def __init__(self, reduction):
        self.mean = reduction == "mean"

    def reduce(self, losses):
        return losses.mean() if self.mean else losses.sum()

    def scale(self, g, count):
        return g / count if self.mean else g


@engine.loss("mse")
class MSELoss(Loss):
    def forward(self, p, y):
        self.diff = p - y
        return self.reduce(self.diff * self.diff)

    def backward(self):
        return self.scale(2 * self.diff, self.diff.size)


@engine.loss("bce")
class BCELoss(Loss):
    def forward(self, p, y):
        self.p, self.y = p, y
        with np.errstate(divide="ignore"):  # log(0) is -inf, clamped at -100 as PyTorch does
            return self.reduce(-(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100)))

    def backward(self):
        return self.scale((self.p - self.y) / np.maximum((1 - self.p) * self.p, float(np.float32(1e-12))), self.p.size)  # PyTorch's EPSILON is a float


@engine.loss("bce-with-logits")
class BCEWithLogitsLoss(Loss):
    def forward(self, x, y):
        self.x, self.y = x, y
        m = np.maximum(-x, 0)
        return self.reduce((1 - y) * x + m + np.log(np.exp(-m) + np.exp(-x - m)))

    def backward(self):
        return self.scale(sigmoid(self.x) - self.y, self.x.size)


@engine.loss("cross-entropy")
class CrossEntropyLoss(Loss):
    """Logits [rows, classes] and class indices [rows]."""

    def forward(self, z, classes):
        shifted = z - z.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.p, self.rows = np.exp(log_p), np.arange(len(classes))
        self.classes = classes
        return self.reduce(-log_p[self.rows, classes])

    def backward(self):
        g = self.p.copy()
        g[self.rows, self.classes] -= 1
        return self.scale(g, len(self.classes))


# ---------------------------------------------------------------- the optimizer

@engine.optimizer("sgd")
class SGD:
    """torch.optim.SGD: weight decay, momentum with dampening, Nesterov."""

    def __init__(self, lr, momentum, dampening, weight_decay, nesterov):
        self.momentum, self.dampening, self.weight_decay, self.nesterov = momentum, dampening, weight_decay, nesterov

    def state_keys(self):
        return ["momentum_buffer"] if self.momentum != 0 else []

    def step(self, params, grads, state):
        for name, p in params.items():
            g = grads[name] + self.weight_decay * p if self.weight_decay != 0 else grads[name]
            if self.momentum != 0:
                b = state.get(f"{name}.momentum_buffer")
                b = g.copy() if b is None else self.momentum * b + (1 - self.dampening) * g
                state[f"{name}.momentum_buffer"] = b
                g = g + self.momentum * b if self.nesterov else b
            params[name] = p - (state["lr"] * g).astype(p.dtype)


if __name__ == "__main__":
    engine.serve()

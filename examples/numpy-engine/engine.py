#!/usr/bin/env python3
"""A small neural-network engine with hand-written backpropagation in numpy: the maths alone, the protocol
spoken by the parity_engine package (sdk/python), so that `parity check` can compare it with PyTorch.

    parity check parity-tests/specs/xor-tanh-bce.yaml --engine "exec:python3 examples/numpy-engine/engine.py"

It has the layers of a small GPT too (minGPT's: token and position embeddings, layer norm, causal
self-attention, residual blocks run by the package), each over [rows, T, C] sequences.

Options:
    --bug bias-grad-mean   plant a realistic bug: the bias gradient is averaged over the batch's rows,
                           although the loss's mean has already divided by the batch size.
"""
import argparse
import math
import os
import sys

import numpy as np

try:
    import parity_engine
except ImportError:  # run from a clone without PYTHONPATH: the package beside it in the repository
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk", "python"))
    import parity_engine
from parity_engine import Layer, LayeredEngine

# Set from the command line when run; None when the SDK's tests import the layers to check them against PyTorch.
BUG = None
engine = LayeredEngine("numpy-engine", np.__version__)


# ---------------------------------------------------------------- layers

def rows_of(a):
    """[rows, …, features] as [rows·…, features]: a layer on a sequence acts on each position's last dim."""
    return a.reshape(-1, a.shape[-1])


@engine.layer("linear")
class Linear(Layer):
    def __init__(self, in_features, out_features, bias):
        self.bias = bias

    def forward(self, x):
        self.x = x
        y = x @ self.params["weight"].T
        return y + self.params["bias"] if self.bias else y

    def backward(self, dy):
        self.grads["weight"] = rows_of(dy).T @ rows_of(self.x)
        if self.bias:
            # BUG when planted: the loss's mean already divided by the batch size.
            self.grads["bias"] = rows_of(dy).mean(axis=0) if BUG == "bias-grad-mean" else rows_of(dy).sum(axis=0)
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


@engine.layer("gelu")
class GELU(Layer):
    """x·Φ(x), or PyTorch's tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))."""

    def __init__(self, approximate):
        self.tanh = approximate == "tanh"

    def forward(self, x):
        self.x = x
        if self.tanh:
            self.t = np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))
            return 0.5 * x * (1 + self.t)
        # numpy has no erf: math.erf element by element, in float64, cast back
        self.cdf = (0.5 * (1 + np.vectorize(math.erf, otypes=[np.float64])(x / math.sqrt(2)))).astype(x.dtype)
        return x * self.cdf

    def backward(self, dy):
        x = self.x
        if self.tanh:
            return dy * (0.5 * (1 + self.t) + 0.5 * x * (1 - self.t ** 2) * math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * x ** 2))
        return dy * (self.cdf + x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi))  # Φ(x) + x·φ(x)


# ---------------------------------------------------------------- a GPT's layers, on [rows, T, C]

@engine.layer("embedding")
class Embedding(Layer):
    """Token ids [rows, T] (int64) -> their rows of weight [V, C]."""

    def __init__(self, num_embeddings, embedding_dim):
        pass

    def forward(self, ids):
        self.ids = ids
        return self.params["weight"][ids]

    def backward(self, dy):
        g = np.zeros_like(self.params["weight"])
        np.add.at(g, self.ids, dy)  # not g[ids] = dy: a token that repeats gathers every position's gradient
        self.grads["weight"] = g
        return np.zeros(self.ids.shape, dy.dtype)  # ids have no gradient: Parity expects zeros [rows, T]


@engine.layer("position-embedding")
class PositionEmbedding(Layer):
    """minGPT's wpe, added: y = x + weight[:T]."""

    def __init__(self, block_size, embedding_dim):
        pass

    def forward(self, x):
        return x + self.params["weight"][:x.shape[1]]

    def backward(self, dy):
        g = np.zeros_like(self.params["weight"])
        g[:dy.shape[1]] = dy.sum(axis=0)  # every row adds the same table: summed over the batch
        self.grads["weight"] = g
        return dy


@engine.layer("layer-norm")
class LayerNorm(Layer):
    """F.layer_norm over the last dim: x̂ = (x − mean)/√(var + eps), biased variance; y = x̂·weight + bias."""

    def __init__(self, normalized_shape, eps, elementwise_affine):
        self.eps, self.affine = eps, elementwise_affine

    def forward(self, x):
        mean = x.mean(axis=-1, keepdims=True)
        self.rstd = 1 / np.sqrt(((x - mean) ** 2).mean(axis=-1, keepdims=True) + self.eps)
        self.xhat = (x - mean) * self.rstd
        return self.xhat * self.params["weight"] + self.params["bias"] if self.affine else self.xhat

    def backward(self, dy):
        dxhat = dy
        if self.affine:
            self.grads["weight"] = rows_of(dy * self.xhat).sum(axis=0)
            self.grads["bias"] = rows_of(dy).sum(axis=0)
            dxhat = dy * self.params["weight"]
        # dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(var + eps): the mean and the variance depend on every x
        return self.rstd * (dxhat - dxhat.mean(axis=-1, keepdims=True) - self.xhat * (dxhat * self.xhat).mean(axis=-1, keepdims=True))


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@engine.layer("causal-self-attention")
class CausalSelfAttention(Layer):
    """minGPT's CausalSelfAttention: q, k, v from one linear c_attn, H heads of d = C/H, each position
    attending to itself and the positions before it, attention dropout with Parity's mask, c_proj."""

    def __init__(self, embed_dim, num_heads, dropout):
        self.heads, self.p = num_heads, dropout

    def forward(self, x):
        rows, T, C = x.shape
        H, d = self.heads, C // self.heads
        self.x = x
        qkv = x @ self.params["c_attn.weight"].T + self.params["c_attn.bias"]
        # [rows, T, 3C] -> q, k, v [rows, H, T, d]: head h holds columns h·d … h·d+d−1 of each third
        self.q, self.k, self.v = qkv.reshape(rows, T, 3, H, d).transpose(2, 0, 3, 1, 4)
        scores = self.q @ self.k.swapaxes(-1, -2) / math.sqrt(d)
        self.att = softmax(np.where(np.triu(np.ones((T, T), bool), 1), -np.inf, scores))  # j > i masked
        self.keep = self.mask / (1 - self.p) if self.training and self.p > 0 else None
        self.dropped = self.att if self.keep is None else self.att * self.keep
        self.y = (self.dropped @ self.v).transpose(0, 2, 1, 3).reshape(rows, T, C)  # heads joined
        return self.y @ self.params["c_proj.weight"].T + self.params["c_proj.bias"]

    def backward(self, dout):
        rows, T, C = dout.shape
        H, d = self.heads, C // self.heads
        self.grads["c_proj.weight"] = rows_of(dout).T @ rows_of(self.y)
        self.grads["c_proj.bias"] = rows_of(dout).sum(axis=0)
        dy = (dout @ self.params["c_proj.weight"]).reshape(rows, T, H, d).transpose(0, 2, 1, 3)
        dv = self.dropped.swapaxes(-1, -2) @ dy
        datt = dy @ self.v.swapaxes(-1, -2)
        if self.keep is not None:
            datt = datt * self.keep
        # softmax: ds = att·(datt − Σ_j att·datt); a masked entry has att 0, so no gradient reaches the future
        dscores = self.att * (datt - (datt * self.att).sum(axis=-1, keepdims=True)) / math.sqrt(d)
        dq, dk = dscores @ self.k, dscores.swapaxes(-1, -2) @ self.q
        dqkv = np.stack([dq, dk, dv]).transpose(1, 3, 0, 2, 4).reshape(rows, T, 3 * C)  # forward's split, undone
        self.grads["c_attn.weight"] = rows_of(dqkv).T @ rows_of(self.x)
        self.grads["c_attn.bias"] = rows_of(dqkv).sum(axis=0)
        return dqkv @ self.params["c_attn.weight"]


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
    """Logits [rows, classes] and class indices [rows], or over a sequence logits [rows, T, classes] and
    indices [rows, T], as PyTorch's cross_entropy(z.view(-1, V), classes.view(-1)); positions whose class
    is -100 (ignore_index) are left out, and the mean is over the others."""

    def forward(self, z, classes):
        self.shape = z.shape
        z, classes = rows_of(z), classes.reshape(-1)
        shifted = z - z.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.p, self.scored = np.exp(log_p), classes != -100
        self.rows, self.classes = np.flatnonzero(self.scored), classes[self.scored]
        return self.reduce(-log_p[self.rows, self.classes])

    def backward(self):
        g = self.p * self.scored[:, None]
        g[self.rows, self.classes] -= 1
        return self.scale(g, len(self.classes)).reshape(self.shape)


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


@engine.optimizer("adam")
class Adam:
    """torch.optim.Adam; AdamW below decays the weights apart from the gradient (decoupled)."""

    decoupled = False

    def __init__(self, lr, betas, eps, weight_decay, amsgrad):
        (self.beta1, self.beta2), self.eps, self.weight_decay, self.amsgrad = betas, eps, weight_decay, amsgrad

    def state_keys(self):
        return ["step", "exp_avg", "exp_avg_sq"] + (["max_exp_avg_sq"] if self.amsgrad else [])

    def step(self, params, grads, state):
        lr = state["lr"]
        for name, p in params.items():
            g = grads[name]
            if self.decoupled:
                p = p * (1 - lr * self.weight_decay)
            elif self.weight_decay != 0:
                g = g + self.weight_decay * p
            # a number, not an array in the model's dtype: the bias corrections are in float64, as PyTorch's
            step = state[f"{name}.step"] = int(state.get(f"{name}.step", 0)) + 1
            m = state[f"{name}.exp_avg"] = self.beta1 * state.get(f"{name}.exp_avg", 0) + (1 - self.beta1) * g
            v = state[f"{name}.exp_avg_sq"] = self.beta2 * state.get(f"{name}.exp_avg_sq", 0) + (1 - self.beta2) * g * g
            if self.amsgrad:
                v = state[f"{name}.max_exp_avg_sq"] = np.maximum(state.get(f"{name}.max_exp_avg_sq", 0), v)
            denom = np.sqrt(v) / math.sqrt(1 - self.beta2 ** step) + self.eps
            params[name] = (p - lr / (1 - self.beta1 ** step) * m / denom).astype(p.dtype)


@engine.optimizer("adamw")
class AdamW(Adam):
    decoupled = True


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bug", choices=["bias-grad-mean"], help="plant a realistic bug")
    BUG = parser.parse_args().bug
    if BUG:
        engine.name += f" --bug {BUG}"
    engine.serve()

"""The numpy example's transformer ops (examples/numpy-engine/engine.py) against PyTorch's autograd in
float64, to 1e-10: each op alone on a random upstream gradient, then a small GPT with nested residual
blocks through the package's requests, which checks the package's post-order residual bookkeeping too.
Needs Debian's python3-torch, which the test project installs."""
import importlib.util
import math
import os
import unittest

import numpy as np
import torch
import torch.nn.functional as F

from tests.test_requests import exchange, request

EXAMPLE_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "examples", "numpy-engine", "engine.py")
_spec = importlib.util.spec_from_file_location("numpy_engine_example", EXAMPLE_PATH)
EXAMPLE = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(EXAMPLE)

TOLERANCE = 1e-10
ROWS, T, C, H, V = 3, 5, 8, 2, 4


def close(expected, actual, what):
    np.testing.assert_allclose(actual, expected.detach().numpy() if torch.is_tensor(expected) else expected, rtol=0, atol=TOLERANCE, err_msg=what)


def random(rng, *shape):
    return rng.standard_normal(shape)


# ---- PyTorch's side: each kind as minGPT and the README's module compute it, f(x, params by name after the path, mask)

def attention(x, p, heads, dropout, mask):
    rows, T, C = x.shape
    q, k, v = F.linear(x, p["c_attn.weight"], p["c_attn.bias"]).split(C, dim=2)
    q, k, v = (t.view(rows, T, heads, C // heads).transpose(1, 2) for t in (q, k, v))
    att = (q @ k.transpose(-2, -1)) / math.sqrt(k.size(-1))
    att = att.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf")).softmax(-1)
    if mask is not None:
        att = att * mask / (1 - dropout)
    return F.linear((att @ v).transpose(1, 2).contiguous().view(rows, T, C), p["c_proj.weight"], p["c_proj.bias"])


TORCH = {
    "embedding": lambda x, p, o, mask: F.embedding(x, p["weight"]),
    "position-embedding": lambda x, p, o, mask: x + p["weight"][:x.size(1)],
    "layer-norm": lambda x, p, o, mask: F.layer_norm(x, o["normalized_shape"], p.get("weight"), p.get("bias"), o["eps"]),
    "causal-self-attention": lambda x, p, o, mask: attention(x, p, o["num_heads"], o["dropout"], mask),
    "linear": lambda x, p, o, mask: F.linear(x, p["weight"], p.get("bias")),
    "gelu": lambda x, p, o, mask: F.gelu(x, approximate=o["approximate"]),
}


class Ops(unittest.TestCase):
    """Each op's output, dL/dx and parameter gradients for L = Σ output·dy, dy random, as the example and PyTorch compute them."""

    def check(self, kind, options, params, x, mask=None):
        rng = np.random.default_rng(7)
        leaves = {name: torch.tensor(value, requires_grad=True) for name, value in params.items()}
        tx = torch.tensor(x, requires_grad=x.dtype.kind == "f")
        y = TORCH[kind](tx, leaves, options, None if mask is None else torch.tensor(mask))
        dy = random(rng, *y.shape)
        y.backward(torch.tensor(dy))

        layer = EXAMPLE.engine.kinds["layers"][kind](**options)
        layer.params, layer.buffers, layer.grads, layer.training, layer.mask = params, {}, {}, True, mask
        close(y, layer.forward(x), f"{kind} output")
        dx = layer.backward(dy)
        close(tx.grad if tx.requires_grad else np.zeros(x.shape), dx, f"{kind} input gradient")
        self.assertEqual(sorted(params), sorted(layer.grads), f"{kind}: the parameters with a gradient")
        for name, leaf in leaves.items():
            close(leaf.grad, layer.grads[name], f"{kind} {name} gradient")

    def test_embedding_accumulates_the_gradient_of_a_token_that_repeats(self):
        ids = np.array([[1, 3, 1, 1, 0], [3, 3, 2, 1, 0], [0, 0, 0, 2, 1]], dtype=np.int64)
        self.check("embedding", {"num_embeddings": V, "embedding_dim": C}, {"weight": random(np.random.default_rng(1), V, C)}, ids)

    def test_position_embedding_sums_over_rows_and_leaves_positions_past_T_at_zero(self):
        rng = np.random.default_rng(2)
        self.check("position-embedding", {"block_size": T + 2, "embedding_dim": C}, {"weight": random(rng, T + 2, C)}, random(rng, ROWS, T, C))

    def test_layer_norm_with_and_without_affine(self):
        rng = np.random.default_rng(3)
        x = 3 * random(rng, ROWS, T, C) + 1
        self.check("layer-norm", {"normalized_shape": [C], "eps": 1e-5, "elementwise_affine": True}, {"weight": random(rng, C), "bias": random(rng, C)}, x)
        self.check("layer-norm", {"normalized_shape": [C], "eps": 1e-5, "elementwise_affine": False}, {}, x)

    def attention_parameters(self, rng):
        return {"c_attn.weight": random(rng, 3 * C, C) / 2, "c_attn.bias": random(rng, 3 * C), "c_proj.weight": random(rng, C, C), "c_proj.bias": random(rng, C)}

    def test_causal_self_attention(self):
        rng = np.random.default_rng(4)
        self.check("causal-self-attention", {"embed_dim": C, "num_heads": H, "dropout": 0.0}, self.attention_parameters(rng), random(rng, ROWS, T, C))

    def test_causal_self_attention_with_the_batch_s_dropout_mask(self):
        rng = np.random.default_rng(5)
        mask = (rng.random((ROWS, H, T, T)) > 0.3).astype(np.float64)
        self.check("causal-self-attention", {"embed_dim": C, "num_heads": H, "dropout": 0.3}, self.attention_parameters(rng), random(rng, ROWS, T, C), mask)

    def test_linear_on_a_sequence_acts_on_the_last_dim(self):
        rng = np.random.default_rng(6)
        self.check("linear", {"in_features": C, "out_features": 3, "bias": True}, {"weight": random(rng, 3, C), "bias": random(rng, 3)}, random(rng, ROWS, T, C))

    def test_gelu_exact_and_tanh(self):
        x = random(np.random.default_rng(8), ROWS, T, C) * 2
        for approximate in ("none", "tanh"):
            self.check("gelu", {"approximate": approximate}, {}, x)

    def test_cross_entropy_over_a_sequence_leaves_ignored_positions_out(self):
        rng = np.random.default_rng(9)
        z = random(rng, ROWS, T, V)
        classes = rng.integers(0, V, (ROWS, T))
        classes[:, :2] = -100
        for reduction in ("mean", "sum"):
            tz = torch.tensor(z, requires_grad=True)
            loss = F.cross_entropy(tz.view(-1, V), torch.tensor(classes).view(-1), ignore_index=-100, reduction=reduction)
            loss.backward()
            numpy_loss = EXAMPLE.CrossEntropyLoss(reduction)
            close(loss, numpy_loss.forward(z, classes), f"{reduction} loss")
            close(tz.grad, numpy_loss.backward(), f"{reduction} loss's gradient")

    def test_adam_and_adamw_steps(self):
        rng = np.random.default_rng(10)
        start, grads = random(rng, 3, 2), [random(rng, 3, 2) for _ in range(3)]
        for kind, made in (("adam", torch.optim.Adam), ("adamw", torch.optim.AdamW)):
            for amsgrad in (False, True):
                options = {"lr": 0.1, "betas": [0.9, 0.95], "eps": 1e-8, "weight_decay": 0.1, "amsgrad": amsgrad}
                leaf = torch.tensor(start, requires_grad=True)
                reference = made([leaf], **options)
                optimizer, params, state = EXAMPLE.engine.kinds["optimizers"][kind](**options), {"w": start}, {"lr": options["lr"]}
                for g in grads:
                    leaf.grad = torch.tensor(g)
                    reference.step()
                    optimizer.step(params, {"w": g}, state)
                close(leaf, params["w"], f"{kind} amsgrad={amsgrad}")


# ---- a small GPT with nested residual blocks, through the package's requests

def layer(index, path, kind, options, input_shape, output_shape, span=0):
    return {"index": index, "path": path, "span": span, "kind": kind, "options": options, "input_shape": input_shape, "output_shape": output_shape}


DROPOUT = 0.25
LN = {"normalized_shape": [C], "eps": 1e-5, "elementwise_affine": True}
# The flat post-order list of
#   Sequential(Embedding, PositionEmbedding, Residual(LayerNorm, CausalSelfAttention),
#              Residual(LayerNorm, Linear(C, 2C), GELU, Linear(2C, C), Residual(Linear(C, C))), LayerNorm, Linear(C, V, bias=False))
GPT_LAYERS = [
    layer(0, "0", "embedding", {"num_embeddings": V, "embedding_dim": C}, [T], [T, C]),
    layer(1, "1", "position-embedding", {"block_size": T + 1, "embedding_dim": C}, [T, C], [T, C]),
    layer(2, "2.0", "layer-norm", LN, [T, C], [T, C]),
    layer(3, "2.1", "causal-self-attention", {"embed_dim": C, "num_heads": H, "dropout": DROPOUT}, [T, C], [T, C]),
    layer(4, "2", "residual", {}, [T, C], [T, C], span=2),
    layer(5, "3.0", "layer-norm", LN, [T, C], [T, C]),
    layer(6, "3.1", "linear", {"in_features": C, "out_features": 2 * C, "bias": True}, [T, C], [T, 2 * C]),
    layer(7, "3.2", "gelu", {"approximate": "none"}, [T, 2 * C], [T, 2 * C]),
    layer(8, "3.3", "linear", {"in_features": 2 * C, "out_features": C, "bias": True}, [T, 2 * C], [T, C]),
    layer(9, "3.4.0", "linear", {"in_features": C, "out_features": C, "bias": True}, [T, C], [T, C]),
    layer(10, "3.4", "residual", {}, [T, C], [T, C], span=1),
    layer(11, "3", "residual", {}, [T, C], [T, C], span=6),
    layer(12, "4", "layer-norm", LN, [T, C], [T, C]),
    layer(13, "5", "linear", {"in_features": C, "out_features": V, "bias": False}, [T, C], [T, V]),
]
SHAPES = {"0.weight": ([V, C], 0), "1.weight": ([T + 1, C], 1), "2.0.weight": ([C], 2), "2.0.bias": ([C], 2),
          "2.1.c_attn.weight": ([3 * C, C], 3), "2.1.c_attn.bias": ([3 * C], 3), "2.1.c_proj.weight": ([C, C], 3), "2.1.c_proj.bias": ([C], 3),
          "3.0.weight": ([C], 5), "3.0.bias": ([C], 5), "3.1.weight": ([2 * C, C], 6), "3.1.bias": ([2 * C], 6),
          "3.3.weight": ([C, 2 * C], 8), "3.3.bias": ([C], 8), "3.4.0.weight": ([C, C], 9), "3.4.0.bias": ([C], 9),
          "4.weight": ([C], 12), "4.bias": ([C], 12), "5.weight": ([V, C], 13)}
GPT = {"name": "small-gpt", "dtype": "float64", "input_shape": [T], "input_dtype": "int64", "layers": GPT_LAYERS,
       "parameters": [{"name": name, "shape": shape, "layer": index} for name, (shape, index) in SHAPES.items()],
       "loss": {"kind": "cross-entropy", "options": {"reduction": "mean"}},
       "optimizer": {"kind": "adamw", "options": {"lr": 1e-3, "betas": [0.9, 0.95], "eps": 1e-8, "weight_decay": 0.1, "amsgrad": False}},
       "schedule": None, "clip": None, "seed": 1}


def gpt_torch(x, p, mask):
    """The README's PyTorch module written out: every flat entry's output, in post-order."""
    def run(path, kind, h):
        options = next(entry["options"] for entry in GPT_LAYERS if entry["path"] == path)
        return TORCH[kind](h, {name[len(path) + 1:]: leaf for name, leaf in p.items() if name.startswith(path + ".")}, options, mask)

    o = [run("0", "embedding", x)]
    o.append(run("1", "position-embedding", o[0]))
    o.append(run("2.0", "layer-norm", o[1]))
    o.append(run("2.1", "causal-self-attention", o[2]))
    o.append(o[1] + o[3])
    o.append(run("3.0", "layer-norm", o[4]))
    o.append(run("3.1", "linear", o[5]))
    o.append(run("3.2", "gelu", o[6]))
    o.append(run("3.3", "linear", o[7]))
    o.append(run("3.4.0", "linear", o[8]))
    o.append(o[8] + o[9])
    o.append(o[4] + o[10])
    o.append(run("4", "layer-norm", o[11]))
    o.append(run("5", "linear", o[12]))
    return o


class SmallGpt(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(11)
        self.parameters = {name: random(rng, *shape) / 2 for name, (shape, _) in SHAPES.items()}
        self.ids = np.array([[1, 3, 1, 1, 0], [3, 3, 2, 1, 0], [0, 0, 0, 2, 1]], dtype=np.int64)
        self.classes = rng.integers(0, V, (ROWS, T))
        self.classes[:, :2] = -100
        self.mask = (rng.random((ROWS, H, T, T)) > DROPOUT).astype(np.float64)
        self.leaves = {name: torch.tensor(value, requires_grad=True) for name, value in self.parameters.items()}
        self.outputs = gpt_torch(torch.tensor(self.ids), self.leaves, torch.tensor(self.mask))
        for o in self.outputs:
            o.retain_grad()
        self.loss = F.cross_entropy(self.outputs[-1].view(-1, V), torch.tensor(self.classes).view(-1), ignore_index=-100)
        self.loss.backward()

    def answer(self, method, params, tensors):
        (build, r), _ = exchange(EXAMPLE.engine, request("build", {"model": GPT}, self.parameters), request(method, params, tensors, id=2))
        self.assertEqual({"id": 1, "result": {}}, build)
        self.assertIn("result", r, r.get("error"))
        return r["result"], r["tensors"]

    def test_gradients_of_every_parameter_and_every_entry_s_output(self):
        result, t = self.answer("gradients", None, {"x": self.ids, "classes": self.classes, "2.1.mask": self.mask})
        close(self.loss, result["loss"], "loss")
        for name, leaf in self.leaves.items():
            close(leaf.grad, t[name], f"{name} gradient")
        for i, o in enumerate(self.outputs):
            close(o.grad, t[f"output.{i}"], f"output.{i} ({GPT_LAYERS[i]['path']})")
        close(np.zeros((ROWS, T)), t["input"], "input (token ids have no gradient)")

    def test_forward_gives_every_entry_s_output(self):
        _, t = self.answer("forward", None, {"x": self.ids, "2.1.mask": self.mask})
        self.assertEqual([str(i) for i in range(len(GPT_LAYERS))], list(t))
        for i, o in enumerate(self.outputs):
            close(o, t[str(i)], f"output {i}")

    def test_run_layer_of_a_residual_block_runs_its_layers_and_the_skip(self):
        _, t = self.answer("run_layer", {"layer": 11}, {"x": self.outputs[4].detach().numpy(), "grad_output": self.outputs[11].grad.numpy()})
        inside = [name for name, (_, index) in SHAPES.items() if 5 <= index <= 10]
        self.assertEqual(["output", "grad_input"] + inside, list(t))
        close(self.outputs[11], t["output"], "output")
        close(self.outputs[4].grad, t["grad_input"], "grad_input")
        for name in inside:
            close(self.leaves[name].grad, t[name], f"{name} gradient")

    def test_run_layer_of_the_embedding_takes_ids_and_gives_a_zero_input_gradient(self):
        _, t = self.answer("run_layer", {"layer": 0}, {"x": self.ids, "grad_output": self.outputs[0].grad.numpy()})
        close(self.outputs[0], t["output"], "output")
        close(np.zeros((ROWS, T)), t["grad_input"], "grad_input")
        close(self.leaves["0.weight"].grad, t["0.weight"], "0.weight gradient")


if __name__ == "__main__":
    unittest.main()

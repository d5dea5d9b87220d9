#!/usr/bin/env python3
"""The README's transformer as a PyTorch module, and PyTorch's own results on it for one batch, in float64
(or --dtype float32), which the TorchSharp reference's tests compare against:

    python3 transformer_module.py DIR [--seed S] [--rows N] [--steps T] [--attention-dropout P] [--mlp-dropout P] [--dtype D]

writes DIR/model.pt (torch.save of the state_dict) and DIR/model.safetensors (the same values),
DIR/initial.safetensors (what the constructors drew after torch.manual_seed(S), in float32), and
DIR/results.safetensors: the batch ("input" ids [N, T], "targets" [N·T] with some positions -100, the
dropout masks "mask/{path}" as Parity names them "{path}.mask"), the loss, every parameter's gradient
("grad/{name}") and every entry of the model's flat post-order list (the modules at the top level and
inside Residual blocks, each block after its layers) with its output ("output/{i}") and the loss's
gradient with respect to it ("output_grad/{i}"), and the evaluation loss ("eval_loss", dropout off).
DIR/entries.txt lists the entries' paths in that order. The default arguments make the README's model.

The parameters are PyTorch's default initialisation moved by noise in the dtype, so that no layer norm starts
at exactly 1 and 0 (a swapped weight and bias would go unseen). Dropout is Parity's: each nn.Dropout runs
x·(mask/(1 − p)) with the mask saved here, as every engine receives it.
"""
import argparse
import math
import os

import torch
import torch.nn as nn

from save_state_dict import save_safetensors


# The module as the README shows it: these names are the parameters' names every engine uses.
class Residual(nn.Sequential):
    def forward(self, x): return x + super().forward(x)


class PositionEmbedding(nn.Module):
    def __init__(self, block_size, dim): super().__init__(); self.weight = nn.Parameter(torch.randn(block_size, dim) * 0.02)
    def forward(self, x): return x + self.weight[: x.size(1)]


class CausalSelfAttention(nn.Module):
    def __init__(self, dim, heads, dropout=0.0):
        super().__init__(); self.heads = heads; self.c_attn = nn.Linear(dim, 3 * dim); self.c_proj = nn.Linear(dim, dim); self.drop = nn.Dropout(dropout)

    def forward(self, x):
        B, T, C = x.shape; q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(k.size(-1))
        att = att.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf")).softmax(-1)
        y = (self.drop(att) @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


def readme_model(vocab=3, block_size=11, dim=48, heads=3, attention_dropout=0.0, mlp_dropout=None):
    """The README's model; with mlp_dropout, an nn.Dropout closes the MLP block (entry "3.4"). Its modules are
    made in the README's order, the order in which their constructors draw from the seeded generator."""
    return nn.Sequential(nn.Embedding(vocab, dim), PositionEmbedding(block_size, dim),
                         Residual(nn.LayerNorm(dim), CausalSelfAttention(dim, heads, attention_dropout)),
                         Residual(nn.LayerNorm(dim), nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim),
                                  *([] if mlp_dropout is None else [nn.Dropout(mlp_dropout)])),
                         nn.LayerNorm(dim), nn.Linear(dim, vocab, bias=False))


def entries(module, prefix=""):
    """The flat post-order list: (path, module) for every layer at the top level and inside Residual blocks, each block after its layers."""
    for name, child in module.named_children():
        path = prefix + name
        if isinstance(child, Residual):
            yield from entries(child, path + ".")
        yield path, child


class MaskedDropout(nn.Module):
    """F.dropout's computation with a given mask (1 kept, 0 dropped), as Parity's engines apply it; nothing in evaluation,
    nor with p = 0, for which Parity draws no mask (mask None)."""
    def __init__(self, mask, p): super().__init__(); self.mask, self.p = mask, p
    def forward(self, x): return x * (self.mask / (1 - self.p)) if self.training and self.p > 0 else x


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--rows", type=int, default=4)
    parser.add_argument("--steps", type=int, default=7)
    parser.add_argument("--attention-dropout", type=float, default=0.0)
    parser.add_argument("--mlp-dropout", type=float, default=None)
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    model = readme_model(attention_dropout=args.attention_dropout, mlp_dropout=args.mlp_dropout)
    # What the constructors drew from the seed, in float32, for `init: torch`.
    initial = {name: tensor.clone() for name, tensor in model.state_dict().items()}
    dtype = getattr(torch, args.dtype)
    model = model.to(dtype)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.1)
    state = {name: tensor.clone() for name, tensor in model.state_dict().items()}
    vocab, rows, steps = model[0].num_embeddings, args.rows, args.steps
    ids = torch.randint(vocab, (rows, steps))
    targets = torch.randint(vocab, (rows * steps,))
    targets[torch.rand(rows * steps) < 0.3] = -100

    results = {"input": ids, "targets": targets}
    # Each nn.Dropout gets a mask of its input's shape, kept with probability 1 − p, under its layer's path:
    # an attention's own dropout ("2.1.drop") under the attention's ("2.1").
    # p = 0 (the README's attention) is nn.Dropout's identity, left as it is, with no mask.
    for name, dropout in [(n, m) for n, m in model.named_modules() if isinstance(m, nn.Dropout) and m.p > 0]:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        attention = isinstance(parent, CausalSelfAttention)
        shape = (rows, parent.heads, steps, steps) if attention else (rows, steps, model[0].embedding_dim)
        mask = (torch.rand(shape) >= dropout.p).to(dtype)
        results["mask/" + (parent_name if attention else name)] = mask
        setattr(parent, child, MaskedDropout(mask, dropout.p))

    flat = list(entries(model))
    outputs = [None] * len(flat)

    def keep(i):
        def hook(_, __, output):
            output.retain_grad()
            outputs[i] = output
        return hook
    hooks = [module.register_forward_hook(keep(i)) for i, (_, module) in enumerate(flat)]
    loss = nn.functional.cross_entropy(model(ids).view(-1, vocab), targets)
    loss.backward()
    results["loss"] = loss.detach().reshape(1)
    for name, parameter in model.named_parameters():
        results["grad/" + name] = parameter.grad
    for i, output in enumerate(outputs):
        results[f"output/{i}"] = output.detach()
        results[f"output_grad/{i}"] = output.grad
    for hook in hooks:
        hook.remove()
    model.eval()
    with torch.no_grad():
        results["eval_loss"] = nn.functional.cross_entropy(model(ids).view(-1, vocab), targets).reshape(1)

    os.makedirs(args.folder, exist_ok=True)
    torch.save(state, os.path.join(args.folder, "model.pt"))
    save_safetensors(state, os.path.join(args.folder, "model.safetensors"))
    save_safetensors(initial, os.path.join(args.folder, "initial.safetensors"))
    save_safetensors({name: tensor.detach().contiguous() for name, tensor in results.items()}, os.path.join(args.folder, "results.safetensors"))
    with open(os.path.join(args.folder, "entries.txt"), "w") as f:
        f.write("\n".join(path for path, _ in flat) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Recomputes, with PyTorch, the loss and gradients that `parity check --dump DIR` wrote, and
compares them with the engine's and the twin's. Reads only the dump (safetensors files; the model
is described in params.safetensors' metadata "model", as an engine's build request describes it).
Exit 0 when both agree with PyTorch, 1 otherwise.

    python3 recompute_from_dump.py DIR [--rtol R --atol A]
"""
import argparse
import json
import struct
import sys

import torch

from transformer_module import CausalSelfAttention, MaskedDropout, PositionEmbedding, Residual

DTYPES = {"F64": torch.float64, "F32": torch.float32, "I64": torch.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[start:end]), dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return tensors, metadata


class Functional(torch.nn.Module):
    """A parameter-free layer as its torch.nn.functional call (kind with '-' as '_') and its options."""

    def __init__(self, function, options):
        super().__init__()
        self.function, self.options = function, options

    def forward(self, x):
        return self.function(x, **self.options)


def layer_module(kind, options, mask):
    """One layer from its kind and options under PyTorch's argument names; mask is batch.safetensors' "PATH.mask"
    for the layer, the dropout mask Parity drew (an attention's applies to its attention weights)."""
    if kind == "linear":
        return torch.nn.Linear(options["in_features"], options["out_features"], bias=options["bias"])
    if kind == "identity":
        return torch.nn.Identity()
    if kind == "conv2d":
        return torch.nn.Conv2d(options["in_channels"], options["out_channels"], options["kernel_size"], options["stride"],
                               options["padding"], options["dilation"], bias=options["bias"])
    if kind == "flatten":
        return torch.nn.Flatten(options["start_dim"], options["end_dim"])
    if kind == "unflatten":
        return torch.nn.Unflatten(options["dim"], options["unflattened_size"])
    if kind == "dropout":
        return MaskedDropout(mask, options["p"])
    if kind == "embedding":
        return torch.nn.Embedding(options["num_embeddings"], options["embedding_dim"])
    if kind == "position-embedding":
        return PositionEmbedding(options["block_size"], options["embedding_dim"])
    if kind == "layer-norm":
        return torch.nn.LayerNorm(options["normalized_shape"], options["eps"], options["elementwise_affine"])
    if kind == "causal-self-attention":
        attention = CausalSelfAttention(options["embed_dim"], options["num_heads"])
        attention.drop = MaskedDropout(mask, options["dropout"])
        return attention
    if kind in ("batch-norm1d", "batch-norm2d"):
        norm = torch.nn.BatchNorm1d if kind == "batch-norm1d" else torch.nn.BatchNorm2d
        return norm(options["num_features"], options["eps"], options["momentum"], options["affine"])
    return Functional(getattr(torch.nn.functional, kind.replace("-", "_")), options)


def build_model(layers, dtype, batch):
    """The model as nn.Sequential from the dump's flat post-order list of layers: a residual block comes after
    its layers, and each layer's path ("3.1") places it under its parent ("3"), as the README's module nests them."""
    built = {}
    for layer in layers:
        path = layer["path"]
        built[path] = (Residual(*children(built, path)) if layer["kind"] == "residual"
                       else layer_module(layer["kind"], layer["options"], batch.get(path + ".mask")))
    return torch.nn.Sequential(*children(built, "")).to(dtype)


def children(built, parent):
    """The modules built so far whose parent is the path `parent` ("" for the top level), in order."""
    return [module for path, module in built.items() if path.rpartition(".")[0] == parent]


def loss_function(loss):
    return {"mse": torch.nn.MSELoss, "bce": torch.nn.BCELoss, "bce-with-logits": torch.nn.BCEWithLogitsLoss,
            "cross-entropy": torch.nn.CrossEntropyLoss, "nll": torch.nn.NLLLoss, "l1": torch.nn.L1Loss,
            "smooth-l1": torch.nn.SmoothL1Loss, "huber": torch.nn.HuberLoss}[loss["kind"]](**loss["options"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dump")
    parser.add_argument("--rtol", type=float, default=None)
    parser.add_argument("--atol", type=float, default=None)
    args = parser.parse_args()

    params, meta = read_safetensors(f"{args.dump}/params.safetensors")
    batch, _ = read_safetensors(f"{args.dump}/batch.safetensors")
    description = json.loads(meta["model"])
    dtype = getattr(torch, description["dtype"])
    rtol = args.rtol if args.rtol is not None else (1e-4 if dtype == torch.float32 else 1e-9)
    atol = args.atol if args.atol is not None else (1e-6 if dtype == torch.float32 else 1e-12)

    model = build_model(description["layers"], dtype, batch)
    # num_batches_tracked, dumped as a float, goes back into its int64 buffer
    model.load_state_dict(params)
    output, target = model(batch["x"]), batch["y"]
    if target.dtype == torch.int64 and target.dim() == 2:
        # Class indices [N, T] for logits [N, T, V]: cross-entropy in PyTorch's view(-1, V) form, ignoring -100.
        output, target = output.reshape(-1, output.size(-1)), target.reshape(-1)
    loss = loss_function(description["loss"])(output, target)
    loss.backward()
    reference = {name: p.grad for name, p in model.named_parameters()}
    reference["loss"] = loss.detach().reshape(1)

    ok = True
    for side in ("engine", "twin"):
        computed, _ = read_safetensors(f"{args.dump}/{side}.safetensors")
        for name, expected in reference.items():
            got = computed[name]
            close = torch.allclose(got, expected, rtol=rtol, atol=atol)
            worst = (got - expected).abs().max().item()
            print(f"{description['name']} {side} {name}: max abs diff {worst:.3g} {'ok' if close else 'DIFFERS'}")
            ok &= close
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Recomputes, with PyTorch, the loss and gradients that `parity check --dump DIR` wrote, and
compares them with the engine's and the twin's. Reads only the dump (safetensors files; the model
is described in params.safetensors' metadata). Exit 0 when both agree with PyTorch, 1 otherwise.

    python3 recompute_from_dump.py DIR [--rtol R --atol A]
"""
import argparse
import json
import struct
import sys

import torch

from transformer_module import CausalSelfAttention, PositionEmbedding

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


def option_value(text):
    """An option as the dump writes it: a JSON value (a number, true/false, a list such as [3,3]), or a bare word."""
    try:
        return json.loads(text)
    except ValueError:
        return text


class Dropout(torch.nn.Module):
    """Dropout with the mask Parity drew for this layer and step (batch.safetensors' "INDEX.mask"): x·mask/(1 − p), F.dropout's computation."""

    def __init__(self, mask, p):
        super().__init__()
        self.mask, self.p = mask, p

    def forward(self, x):
        return x * (self.mask.to(x.dtype) / (1 - self.p))


def build_model(layers, dtype, batch):
    modules = []
    for index, layer in enumerate(layers.split(";")):
        kind, *args = layer.split(" ")
        if kind == "linear":
            modules.append(torch.nn.Linear(int(args[0]), int(args[1]), bias=args[2] == "bias"))
            continue
        options = {name: option_value(value) for name, value in (arg.split("=", 1) for arg in args)}
        if kind == "identity":
            modules.append(torch.nn.Identity())
        elif kind == "conv2d":
            modules.append(torch.nn.Conv2d(options["in_channels"], options["out_channels"], options["kernel_size"], options["stride"],
                                           options["padding"], options["dilation"], bias=options["bias"]))
        elif kind == "flatten":
            modules.append(torch.nn.Flatten(options["start_dim"], options["end_dim"]))
        elif kind == "unflatten":
            modules.append(torch.nn.Unflatten(options["dim"], options["unflattened_size"]))
        elif kind == "dropout":
            modules.append(Dropout(batch[f"{index}.mask"], options["p"]))
        elif kind == "layer-norm":
            modules.append(torch.nn.LayerNorm(options["normalized_shape"], options["eps"], options["elementwise_affine"]))
        elif kind == "position-embedding":
            modules.append(PositionEmbedding(options["block_size"], options["embedding_dim"]))
        elif kind == "causal-self-attention":
            modules.append(CausalSelfAttention(options["embed_dim"], options["num_heads"]))
        elif kind in ("batch-norm1d", "batch-norm2d"):
            norm = torch.nn.BatchNorm1d if kind == "batch-norm1d" else torch.nn.BatchNorm2d
            modules.append(norm(options["num_features"], options["eps"], options["momentum"], options["affine"]))
        else:
            modules.append(Functional(getattr(torch.nn.functional, kind.replace("-", "_")), options))
    return torch.nn.Sequential(*modules).to(dtype)


def loss_function(kind, reduction, options):
    return {"mse": torch.nn.MSELoss, "bce": torch.nn.BCELoss, "bce-with-logits": torch.nn.BCEWithLogitsLoss,
            "cross-entropy": torch.nn.CrossEntropyLoss, "nll": torch.nn.NLLLoss, "l1": torch.nn.L1Loss,
            "smooth-l1": torch.nn.SmoothL1Loss, "huber": torch.nn.HuberLoss}[kind](reduction=reduction, **options)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dump")
    parser.add_argument("--rtol", type=float, default=None)
    parser.add_argument("--atol", type=float, default=None)
    args = parser.parse_args()

    params, meta = read_safetensors(f"{args.dump}/params.safetensors")
    batch, _ = read_safetensors(f"{args.dump}/batch.safetensors")
    dtype = torch.float32 if meta["dtype"] == "float32" else torch.float64
    rtol = args.rtol if args.rtol is not None else (1e-4 if dtype == torch.float32 else 1e-9)
    atol = args.atol if args.atol is not None else (1e-6 if dtype == torch.float32 else 1e-12)

    model = build_model(meta["layers"], dtype, batch)
    # num_batches_tracked, dumped as a float, goes back into its int64 buffer
    model.load_state_dict(params)
    loss = loss_function(meta["loss"], meta["reduction"], json.loads(meta.get("loss_options", "{}")))(model(batch["x"]), batch["y"])
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
            print(f"{meta['spec']} {side} {name}: max abs diff {worst:.3g} {'ok' if close else 'DIFFERS'}")
            ok &= close
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Saves the state_dict of a small PyTorch model the way a user would, for `init: {from: PATH}`:
torch.save to model.pt, and safetensors (written by hand: Debian has no safetensors package) to
model.safetensors; values.json holds every tensor's values as PyTorch has them.

    python3 save_state_dict.py DIR --layers 2,4,1 [--dtype float64|float32] [--seed S]

The model is nn.Sequential(Linear(2, 4), Tanh(), Linear(4, 1), Sigmoid()) for --layers 2,4,1, which
the xor-tanh-bce spec describes.
"""
import argparse
import json
import os
import struct

import torch

SAFETENSORS_DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.int64: "I64"}


def save_safetensors(tensors, path):
    header, chunks, offset = {}, [], 0
    for name, tensor in tensors.items():
        raw = tensor.contiguous().numpy().tobytes()
        header[name] = {"dtype": SAFETENSORS_DTYPES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--layers", default="2,4,1")
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    widths = [int(w) for w in args.layers.split(",")]
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(widths, widths[1:])):
        layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.Tanh() if i < len(widths) - 2 else torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers).to(getattr(torch, args.dtype))
    state = model.state_dict()
    os.makedirs(args.folder, exist_ok=True)
    torch.save(state, os.path.join(args.folder, "model.pt"))
    save_safetensors(state, os.path.join(args.folder, "model.safetensors"))
    with open(os.path.join(args.folder, "values.json"), "w") as f:
        json.dump({name: {"shape": list(t.shape), "values": t.flatten().tolist()} for name, t in state.items()}, f)


if __name__ == "__main__":
    main()

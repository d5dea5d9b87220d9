"""The safetensors codec, as the protocol carries it: one base64 string holding an 8-byte little-endian
header length, a JSON header, then the tensors' little-endian, row-major data."""
import base64
import json
import struct

import numpy as np

# Every dtype a safetensors file may hold that numpy has (BF16 has no numpy dtype); the protocol itself uses F32, F64 and I64.
DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32,
          "I16": np.int16, "I8": np.int8, "U64": np.uint64, "U32": np.uint32, "U16": np.uint16, "U8": np.uint8, "BOOL": np.bool_}
NAMES = {np.dtype(dtype): name for name, dtype in DTYPES.items()}


class CodecError(ValueError):
    """Tensors that are not a safetensors file: the request is malformed."""


def decode(text):
    """A base64 safetensors blob -> {name: array}, in the header's order."""
    try:
        blob = base64.b64decode(text, validate=True)
    except ValueError as e:
        raise CodecError(f"the tensors are not base64: {e}") from None
    if len(blob) < 8:
        raise CodecError(f"the tensors are {len(blob)} bytes, shorter than safetensors' 8-byte header length")
    (length,) = struct.unpack("<Q", blob[:8])
    if 8 + length > len(blob):
        raise CodecError(f"the safetensors header claims {length} bytes, and the blob holds {len(blob) - 8}")
    try:
        header = json.loads(blob[8:8 + length])
    except ValueError as e:
        raise CodecError(f"the safetensors header is not JSON: {e}") from None
    data = blob[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry.get("dtype") not in DTYPES:
            raise CodecError(f"tensor '{name}' has dtype {entry.get('dtype')!r}; this codec reads {', '.join(DTYPES)}")
        dtype = np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<")
        shape = entry["shape"]
        begin, end = entry["data_offsets"]
        if not 0 <= begin <= end <= len(data) or end - begin != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
            raise CodecError(f"tensor '{name}' ({entry['dtype']} {shape}) has data offsets [{begin}, {end}], which do not fit its size or the {len(data)} bytes of data")
        tensors[name] = np.frombuffer(data[begin:end], dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
    return tensors


def encode(tensors):
    """{name: array or number} -> a base64 safetensors blob, the header padded with spaces to 8 bytes."""
    header, chunks, offset = {}, [], 0
    for name, value in tensors.items():
        # Not ascontiguousarray: it makes a 0-d array (the optimizer state's lr) one-dimensional.
        array = np.asarray(value, order="C")
        if array.dtype.newbyteorder("=") not in NAMES:
            raise TypeError(f"tensor '{name}' is {array.dtype}, which safetensors cannot carry; use one of {', '.join(str(np.dtype(d)) for d in DTYPES.values())}")
        raw = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": NAMES[array.dtype.newbyteorder("=")], "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return base64.b64encode(struct.pack("<Q", len(text)) + text + b"".join(chunks)).decode("ascii")

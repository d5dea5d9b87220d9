"""A protocol-correct engine that computes nothing: every answer has the right tensor names, shapes
and dtype, filled with zeros. Plain Python, no numpy. Each fault engine beside it changes one answer;
the stub alone serves `parity bench`'s fallback (it declines time_phases). It prints its process id
on stderr first, so that a test can check that no engine outlives Parity's use of it."""
import base64
import json
import os
import struct
import sys


class Stub:
    name = "stub"
    protocol = 1

    def hello(self, params, tensors):
        return {"protocol": self.protocol, "engine": self.name, "version": "0"}, {}

    def build(self, params, tensors):
        self.model = params["model"]
        self.dtype = "F32" if self.model["dtype"] == "float32" else "F64"
        return {}, {}

    def get_parameters(self, params, tensors):
        return {}, {p["name"]: (self.dtype, p["shape"]) for p in self.model["parameters"]}

    def set_parameters(self, params, tensors):
        return {}, {}

    def forward(self, params, tensors):
        rows = tensors["x"][0]
        return {}, {str(layer["index"]): (self.dtype, [rows] + layer["output_shape"]) for layer in self.model["layers"]}

    def gradients(self, params, tensors):
        rows = tensors["x"][0]
        # a buffer (batch norm's running statistics) has no gradient
        out = {p["name"]: (self.dtype, p["shape"]) for p in self.model["parameters"] if not p.get("buffer")}
        for layer in self.model["layers"]:
            out[f"output.{layer['index']}"] = (self.dtype, [rows] + layer["output_shape"])
        out["input"] = (self.dtype, [rows] + self.model["input_shape"])
        return {"loss": 0.0}, out

    def step(self, params, tensors):
        return {}, {}

    def train_step(self, params, tensors):
        return {"loss": 0.0}, {}

    def evaluate(self, params, tensors):
        rows = tensors["x"][0]
        return {"loss": 0.0}, {"output": (self.dtype, [rows] + self.model["layers"][-1]["output_shape"])}

    def end_epoch(self, params, tensors):
        return {}, {}

    def shutdown(self, params, tensors):
        return {}, {}

    def answer_id(self, request):
        return request["id"]

    def raw_line(self, request):
        """A line to write instead of the response, or None."""
        return None


def shapes(text):
    """The shape of each tensor of a base64 safetensors blob: the header is all a stub needs."""
    blob = base64.b64decode(text)
    (length,) = struct.unpack("<Q", blob[:8])
    return {name: entry["shape"] for name, entry in json.loads(blob[8:8 + length]).items() if name != "__metadata__"}


def zeros(tensors):
    """{name: (dtype, shape)} -> a base64 safetensors blob of zeros."""
    header, offset = {}, 0
    for name, (dtype, shape) in tensors.items():
        count = 1
        for n in shape:
            count *= n
        size = count * (4 if dtype == "F32" else 8)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header).encode()
    return base64.b64encode(struct.pack("<Q", len(text)) + text + bytes(offset)).decode("ascii")


def respond(response):
    sys.stdout.write(json.dumps(response) + "\n")
    sys.stdout.flush()


def serve(engine):
    print(f"pid {os.getpid()}", file=sys.stderr, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        raw = engine.raw_line(request)
        if raw is not None:
            sys.stdout.write(raw + "\n")
            sys.stdout.flush()
            continue
        method = getattr(engine, request["method"], None)
        if method is None:
            respond({"id": request["id"], "error": {"code": "not-implemented", "message": f"no {request['method']} in this engine"}})
            continue
        try:
            result, tensors = method(request.get("params", {}), shapes(request["tensors"]) if "tensors" in request else {})
        except Exception as e:
            respond({"id": request["id"], "error": {"code": "failed", "message": f"{type(e).__name__}: {e}"}})
            continue
        response = {"id": engine.answer_id(request), "result": result}
        if tensors:
            response["tensors"] = zeros(tensors)
        respond(response)
        if request["method"] == "shutdown":
            return


if __name__ == "__main__":
    serve(Stub())

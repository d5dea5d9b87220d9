"""The line loop: one JSON request per line on stdin, one response per line on stdout, each request
dispatched to a handler, and every failure answered with the protocol's error codes."""
import json
import math
import sys
import traceback

from . import safetensors

PROTOCOL = 1


class BadRequest(ValueError):
    """A request Parity should not have sent (a tensor missing, a layer out of range): answered "failed"."""


def need(tensors, name, method):
    """The request's tensor `name`, or a BadRequest naming it: Parity sends every tensor a request needs."""
    if name not in tensors:
        raise BadRequest(f"'{method}' came without tensor '{name}' (it has {', '.join(tensors) or 'none'})")
    return tensors[name]


def number(x):
    """JSON has no NaN or infinity: the protocol writes them as strings."""
    x = float(x)
    return x if math.isfinite(x) else {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[str(x)]


def serve(session, stdin=None, stdout=None, stderr=None):
    """Answers requests until shutdown or the end of stdin. `session` has `hello()` -> result and
    `handle(method, params, tensors)` -> (result, tensors); it raises NotImplementedError for what it does not do."""
    # Binary lines: a batch is a megabyte of base64, which text-mode decoding reads several times slower.
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    stderr = stderr or sys.stderr
    for line in stdin:
        request_id, method = None, None
        try:
            request = parse(line)
            if not isinstance(request, dict) or not isinstance(request.get("method"), str):
                raise BadRequest(f"the line is not a request with a \"method\": {line[:200]!r}")
            request_id, method = request.get("id"), request["method"]
            tensors = safetensors.decode(request["tensors"]) if "tensors" in request else {}
            if method == "hello":
                result, out = session.hello(), {}
            elif method == "shutdown":
                result, out = {}, {}
            else:
                result, out = session.handle(method, request.get("params") or {}, tensors)
            response = {"id": request_id, "result": result}
            if out:
                response["tensors"] = safetensors.encode(out)
        except NotImplementedError as e:
            response = {"id": request_id, "error": {"code": "not-implemented", "message": str(e) or f"no {method}"}}
        except (BadRequest, safetensors.CodecError) as e:
            response = {"id": request_id, "error": {"code": "failed", "message": str(e)}}
        except Exception as e:
            report(e, method, stderr)
            response = {"id": request_id, "error": {"code": "failed", "message": f"{type(e).__name__}: {e}"}}
        stdout.write(json.dumps(response).encode() + b"\n")
        stdout.flush()
        if method == "shutdown":
            break


def parse(line):
    try:
        return json.loads(line)
    except ValueError:
        raise BadRequest(f"the line is not JSON: {line[:200]!r}") from None


def report(error, method, stderr):
    """The traceback on stderr (Parity passes it on, prefixed with the engine's name), then one line
    naming where in the user's code it was raised: the innermost frame outside this package."""
    traceback.print_exception(type(error), error, error.__traceback__, file=stderr)
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "parity_engine" not in f.filename.replace("\\", "/").split("/")[-2:-1]]
    where = f" in {frames[-1].name} ({frames[-1].filename}, line {frames[-1].lineno})" if frames else ""
    print(f"parity_engine: your code raised {type(error).__name__}{where} while answering '{method}': {error}", file=stderr)
    stderr.flush()

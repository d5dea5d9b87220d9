"""The package answering requests, as Parity sends them: every error path with its code, and the
per-layer level's answers on a small model."""
import io
import json
import unittest

import numpy as np

from parity_engine import Layer, LayeredEngine, Model, safetensors

MODEL = {"name": "tiny", "dtype": "float64", "input_shape": [2],
         "layers": [{"index": 0, "kind": "linear", "options": {"in_features": 2, "out_features": 1, "bias": True}, "input_shape": [2], "output_shape": [1]},
                    {"index": 1, "kind": "dropout", "options": {"p": 0.5}, "input_shape": [1], "output_shape": [1]}],
         "parameters": [{"name": "0.weight", "shape": [1, 2], "layer": 0}, {"name": "0.bias", "shape": [1], "layer": 0}],
         "loss": {"kind": "mse", "options": {"reduction": "sum"}},
         "optimizer": {"kind": "sgd", "options": {"lr": 0.5, "momentum": 0.9}},
         "schedule": {"kind": "exponential", "options": {"gamma": 0.5}}, "clip": None, "seed": 1}
PARAMETERS = {"0.weight": np.array([[1.0, 2.0]]), "0.bias": np.array([0.5])}
BATCH = {"x": np.array([[1.0, 1.0], [2.0, 0.0]]), "y": np.array([[0.0], [1.0]]), "1.mask": np.array([[1.0], [0.0]])}


def tiny_engine(forward_raises=False, forgets_bias=False, returns_nothing=False):
    engine = LayeredEngine("tiny-engine", "1")

    @engine.layer("linear")
    class Linear(Layer):
        def __init__(self, in_features, out_features, bias):
            pass

        def forward(self, x):
            if forward_raises:
                raise ValueError("planted in forward")
            self.x = x
            return x @ self.params["weight"].T + self.params["bias"]

        def backward(self, dy):
            self.grads["weight"] = dy.T @ self.x
            if not forgets_bias:
                self.grads["bias"] = dy.sum(axis=0)
            return None if returns_nothing else dy @ self.params["weight"]

    @engine.loss("mse")
    class MSE:
        def __init__(self, reduction):
            pass

        def forward(self, p, y):
            self.d = p - y
            return (self.d ** 2).sum()

        def backward(self):
            return 2 * self.d

    @engine.optimizer("sgd")
    class SGD:
        def __init__(self, lr, momentum):
            pass

        def state_keys(self):
            return ["momentum_buffer"]

        def step(self, params, grads, state):
            for name in params:
                state[f"{name}.momentum_buffer"] = grads[name]
                params[name] = params[name] - state["lr"] * grads[name]

    return engine


def request(method, params=None, tensors=None, id=1):
    line = {"id": id, "method": method}
    if params is not None:
        line["params"] = params
    if tensors is not None:
        line["tensors"] = safetensors.encode(tensors)
    return json.dumps(line)


def exchange(engine, *lines):
    """The responses to the lines, in order, and what went to stderr."""
    stdout, stderr = io.BytesIO(), io.StringIO()
    engine.serve(io.BytesIO("".join(line + "\n" for line in lines).encode()), stdout, stderr)
    responses = [json.loads(line) for line in stdout.getvalue().decode().splitlines()]
    for r in responses:
        if "tensors" in r:
            r["tensors"] = safetensors.decode(r["tensors"])
    return responses, stderr.getvalue()


BUILD = request("build", {"model": MODEL}, PARAMETERS)


class ErrorPaths(unittest.TestCase):
    def error(self, response):
        self.assertNotIn("result", response)
        return response["error"]["code"], response["error"]["message"]

    def test_an_unknown_method_is_not_implemented(self):
        (r,), _ = exchange(tiny_engine(), request("sing"))
        self.assertEqual(("not-implemented", "this engine has no request 'sing'"), self.error(r))

    def test_a_line_that_is_not_json_fails_and_the_next_is_answered(self):
        (bad, good), _ = exchange(tiny_engine(), "{oops", request("hello", {"protocol": 1}, id=2))
        self.assertEqual("failed", self.error(bad)[0])
        self.assertIn("not JSON", self.error(bad)[1])
        self.assertEqual(2, good["id"])

    def test_tensors_that_are_not_safetensors_fail(self):
        (r,), _ = exchange(tiny_engine(), json.dumps({"id": 1, "method": "build", "params": {"model": MODEL}, "tensors": "###"}))
        self.assertEqual("failed", self.error(r)[0])
        self.assertIn("not base64", self.error(r)[1])

    def test_a_request_before_build_fails(self):
        (r,), _ = exchange(tiny_engine(), request("gradients", tensors=BATCH))
        self.assertEqual(("failed", "'gradients' before 'build': Parity builds the model first"), self.error(r))

    def test_a_kind_not_registered_is_not_implemented_at_build(self):
        model = dict(MODEL, optimizer={"kind": "adam", "options": {"lr": 0.1}})
        (r,), _ = exchange(tiny_engine(), request("build", {"model": model}, PARAMETERS))
        self.assertEqual(("not-implemented", "this engine has no optimizer 'adam' (it has sgd)"), self.error(r))

    def test_a_build_without_a_parameter_fails_naming_it(self):
        (r,), _ = exchange(tiny_engine(), request("build", {"model": MODEL}, {"0.weight": PARAMETERS["0.weight"]}))
        self.assertEqual(("failed", "'build' came without tensor '0.bias' (it has 0.weight)"), self.error(r))

    def test_a_batch_without_x_fails_naming_it(self):
        (_, r), _ = exchange(tiny_engine(), BUILD, request("gradients", tensors={"y": BATCH["y"]}, id=2))
        self.assertEqual("failed", self.error(r)[0])
        self.assertIn("without tensor 'x'", self.error(r)[1])

    def test_the_users_exception_fails_and_stderr_names_where_it_was_raised(self):
        (_, r), stderr = exchange(tiny_engine(forward_raises=True), BUILD, request("gradients", tensors=BATCH, id=2))
        self.assertEqual(("failed", "ValueError: planted in forward"), self.error(r))
        self.assertIn("Traceback", stderr)
        self.assertRegex(stderr, r"parity_engine: your code raised ValueError in forward \(.*test_requests\.py, line \d+\) while answering 'gradients': planted in forward")

    def test_a_backward_that_leaves_a_gradient_out_fails_naming_it(self):
        (_, r), _ = exchange(tiny_engine(forgets_bias=True), BUILD, request("gradients", tensors=BATCH, id=2))
        self.assertEqual(("failed", "Linear.backward (layer 0) left no gradient for 'bias' in self.grads"), self.error(r))

    def test_a_backward_that_returns_nothing_fails_naming_it(self):
        (_, r), _ = exchange(tiny_engine(returns_nothing=True), BUILD, request("gradients", tensors=BATCH, id=2))
        self.assertEqual(("failed", "Linear.backward (layer 0) returned no gradient of its input: return dL/dx (zeros shaped as the ids, for token ids)"), self.error(r))

    def test_run_layer_out_of_range_fails(self):
        (_, r), _ = exchange(tiny_engine(), BUILD, request("run_layer", {"layer": 5}, {"x": BATCH["x"]}, id=2))
        self.assertEqual(("failed", "run_layer's layer 5 is not one of the model's 2 layers"), self.error(r))

    def test_a_foreign_or_misshapen_optimizer_state_entry_fails_naming_it(self):
        (_, foreign, misshapen), _ = exchange(tiny_engine(), BUILD,
                                              request("set_optimizer_state", tensors={"0.weight.exp_avg": np.zeros((1, 2))}, id=2),
                                              request("set_optimizer_state", tensors={"0.bias.momentum_buffer": np.zeros(3)}, id=3))
        self.assertEqual(("failed", "optimizer state entry 0.weight.exp_avg is not one this optimizer's options use"), self.error(foreign))
        self.assertEqual(("failed", "optimizer state entry 0.bias.momentum_buffer has shape [3], expected [1]"), self.error(misshapen))

    def test_a_whole_model_request_without_its_tensor_fails_naming_it(self):
        class Held(Model):
            def build(self, model, tensors):
                self.held = {name: value.copy() for name, value in tensors.items()}

            def parameters(self):
                return self.held
        (_, r), _ = exchange(Held(), BUILD, request("set_parameters", tensors={"0.weight": PARAMETERS["0.weight"]}, id=2))
        self.assertEqual(("failed", "'set_parameters' came without tensor '0.bias' (it has 0.weight)"), self.error(r))

    def test_a_whole_model_without_optimizer_state_answers_not_implemented(self):
        class Bare(Model):
            def build(self, model, tensors):
                pass
        (_, r), _ = exchange(Bare(), BUILD, request("get_optimizer_state", id=2))
        self.assertEqual("not-implemented", self.error(r)[0])


class Answers(unittest.TestCase):
    def test_hello_gives_the_protocol_and_what_the_engine_covers(self):
        (r,), _ = exchange(tiny_engine(), request("hello", {"protocol": 1}))
        self.assertEqual(1, r["result"]["protocol"])
        self.assertEqual("tiny-engine", r["result"]["engine"])
        self.assertEqual(["dropout", "linear", "residual"], r["result"]["covers"]["layers"])
        self.assertEqual(["sgd"], r["result"]["covers"]["optimizers"])

    def test_shutdown_is_answered_and_nothing_after_it_is_read(self):
        responses, _ = exchange(tiny_engine(), request("shutdown"), request("hello", {"protocol": 1}, id=2))
        self.assertEqual([{"id": 1, "result": {}}], responses)

    def test_gradients_with_the_dropout_mask_and_the_parameters_named(self):
        (_, r), _ = exchange(tiny_engine(), BUILD, request("gradients", tensors=BATCH, id=2))
        # Outputs 3.5 and 2.5, the second dropped: dropout gives [7, 0]; loss (7 - 0)² + (0 - 1)².
        self.assertEqual(50.0, r["result"]["loss"])
        t = r["tensors"]
        self.assertEqual(["0.weight", "0.bias", "output.0", "output.1", "input"], list(t))
        np.testing.assert_array_equal([[14.0], [-2.0]], t["output.1"])
        np.testing.assert_array_equal([[28.0], [0.0]], t["output.0"])
        np.testing.assert_array_equal([[28.0, 28.0]], t["0.weight"])

    def test_dropout_with_p_0_trains_without_a_mask(self):
        # Parity sends no mask for p = 0: the layer passes its input through, in training too.
        model = dict(MODEL, layers=[MODEL["layers"][0], dict(MODEL["layers"][1], options={"p": 0.0})])
        batch = {name: value for name, value in BATCH.items() if name != "1.mask"}
        (_, r), _ = exchange(tiny_engine(), request("build", {"model": model}, PARAMETERS), request("gradients", tensors=batch, id=2))
        # Outputs 3.5 and 2.5, none dropped: loss 3.5² + 1.5².
        self.assertEqual(14.5, r["result"]["loss"])
        np.testing.assert_array_equal(r["tensors"]["output.0"], r["tensors"]["output.1"])

    def test_a_nan_loss_is_written_as_a_string(self):
        batch = dict(BATCH, y=np.array([[np.nan], [1.0]]))
        (_, r), _ = exchange(tiny_engine(), BUILD, request("gradients", tensors=batch, id=2))
        self.assertEqual("NaN", r["result"]["loss"])

    def test_step_state_and_schedule(self):
        (_, _, _, _, state), _ = exchange(tiny_engine(), BUILD, request("gradients", tensors=BATCH, id=2), request("step", id=3),
                                          request("end_epoch", id=4), request("get_optimizer_state", id=5))
        t = state["tensors"]
        self.assertEqual(0.25, float(t["lr"]))
        self.assertEqual((), t["lr"].shape)
        np.testing.assert_array_equal([[28.0, 28.0]], t["0.weight.momentum_buffer"])

    def test_time_phases_times_each_repetition(self):
        (_, r), _ = exchange(tiny_engine(), BUILD, request("time_phases", {"repetitions": 3}, BATCH, id=2))
        self.assertEqual({"forward", "backward", "step"}, set(r["result"]))
        self.assertTrue(all(len(v) == 3 and all(s >= 0 for s in v) for v in r["result"].values()))


if __name__ == "__main__":
    unittest.main()

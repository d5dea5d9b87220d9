"""The codec's round trips, for every dtype and the shape edges, and its refusals of a malformed blob."""
import base64
import struct
import unittest

import numpy as np

from parity_engine import safetensors


class RoundTrips(unittest.TestCase):
    def round_trip(self, tensors):
        back = safetensors.decode(safetensors.encode(tensors))
        self.assertEqual(list(tensors), list(back))
        for name, array in tensors.items():
            self.assertEqual(np.asarray(array).dtype, back[name].dtype, name)
            self.assertEqual(np.asarray(array).shape, back[name].shape, name)
            np.testing.assert_array_equal(array, back[name], name)

    def test_every_dtype(self):
        for name, dtype in safetensors.DTYPES.items():
            with self.subTest(dtype=name):
                self.round_trip({"t": (np.arange(6) % 2 == 1 if dtype is np.bool_ else np.arange(6)).astype(dtype).reshape(2, 3)})

    def test_special_floats_cross_as_they_are(self):
        self.round_trip({"f64": np.array([np.nan, np.inf, -np.inf, -0.0, 5e-324]), "f32": np.array([np.nan, -np.inf, 1e-45], np.float32)})

    def test_a_0d_tensor_stays_0d(self):
        self.round_trip({"lr": np.array(0.5, np.float32), "step": np.array(3.0)})
        self.assertEqual((), safetensors.decode(safetensors.encode({"lr": 0.5}))["lr"].shape)

    def test_empty_tensors(self):
        self.round_trip({"none": np.zeros((0,)), "rows": np.zeros((0, 4), np.float32), "classes": np.zeros((0,), np.int64)})
        self.assertEqual({}, safetensors.decode(safetensors.encode({})))

    def test_a_large_tensor(self):
        self.round_trip({"x": np.random.default_rng(1).standard_normal((1000, 784)).astype(np.float32)})

    def test_a_big_endian_or_non_contiguous_array_is_written_little_endian_in_c_order(self):
        array = np.arange(12, dtype=">f8").reshape(3, 4).T
        back = safetensors.decode(safetensors.encode({"t": array}))["t"]
        np.testing.assert_array_equal(array, back)
        self.assertEqual(np.dtype(np.float64), back.dtype)

    def test_the_header_is_padded_to_8_bytes_and_metadata_is_ignored(self):
        blob = base64.b64decode(safetensors.encode({"x": np.ones(3)}))
        self.assertEqual(0, struct.unpack("<Q", blob[:8])[0] % 8)
        header = b'{"__metadata__": {"by": "me"}, "x": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}'
        text = base64.b64encode(struct.pack("<Q", len(header)) + header + struct.pack("<q", -7)).decode()
        self.assertEqual({"x": -7}, {k: int(v[0]) for k, v in safetensors.decode(text).items()})


class Refusals(unittest.TestCase):
    def refused(self, text, words):
        with self.assertRaises(safetensors.CodecError) as caught:
            safetensors.decode(text)
        self.assertIn(words, str(caught.exception))

    def blob(self, header, data=b""):
        return base64.b64encode(struct.pack("<Q", len(header)) + header + data).decode()

    def test_not_base64(self):
        self.refused("not base64!", "not base64")

    def test_too_short(self):
        self.refused(base64.b64encode(b"abc").decode(), "shorter than")

    def test_a_header_longer_than_the_blob(self):
        self.refused(base64.b64encode(struct.pack("<Q", 100) + b"{}").decode(), "header claims 100 bytes")

    def test_a_header_that_is_not_json(self):
        self.refused(self.blob(b"{oops"), "not JSON")

    def test_an_unknown_dtype(self):
        self.refused(self.blob(b'{"x": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}}', b"\0\0"), "dtype 'BF16'")

    def test_offsets_that_do_not_fit_the_shape(self):
        self.refused(self.blob(b'{"x": {"dtype": "F64", "shape": [2], "data_offsets": [0, 8]}}', bytes(8)), "do not fit")

    def test_a_dtype_safetensors_cannot_carry_is_refused_when_writing(self):
        with self.assertRaises(TypeError) as caught:
            safetensors.encode({"c": np.ones(2, np.complex64)})
        self.assertIn("tensor 'c' is complex64", str(caught.exception))


if __name__ == "__main__":
    unittest.main()

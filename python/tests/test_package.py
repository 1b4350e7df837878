"""Package-level checks: the page's standalone loader is the package's, and bad input is named."""
import contextlib
import io
import os
import tempfile
import unittest

import torch

from sift_playground.dst import drop_and_grow, top_k
from sift_playground.errors import SiftError
from sift_playground.safetensors import write_safetensors
from sift_playground.sift_load import LoadError, load_export, read_safetensors
from sift_playground.train import main

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


class Package(unittest.TestCase):
    def test_public_loader_is_the_package_loader(self):
        with open(os.path.join(ROOT, "public", "sift_load.py"), "rb") as a:
            with open(os.path.join(ROOT, "python", "sift_playground", "sift_load.py"), "rb") as b:
                self.assertEqual(a.read(), b.read(), "copy python/sift_playground/sift_load.py to public/sift_load.py")

    def test_safetensors_round_trip_and_order(self):
        tensors = {"b_mask": torch.tensor([1, 0, 1], dtype=torch.uint8), "a": torch.tensor([1.5, -2.0]), "s": torch.tensor(3.0)}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.safetensors")
            write_safetensors(path, tensors, {"k": "v"})
            back, meta = read_safetensors(path)
            self.assertEqual(meta, {"k": "v"})
            self.assertEqual(list(back.keys()), ["a", "s", "b_mask"])  # F32 first, then U8, by name
            for k, v in tensors.items():
                self.assertTrue(torch.equal(back[k], v))
            with open(path, "rb") as f:
                n = int.from_bytes(f.read(8), "little")
            self.assertEqual(n % 8, 0)

    def test_exact_counts_over_many_updates(self):
        torch.manual_seed(0)
        w = torch.randn(37, 53)
        mask = (torch.rand(37, 53) < 0.2).float()
        w *= mask
        active = int(mask.sum())
        for step in range(1, 30):
            drop_and_grow(w, mask, 0.3 * (1 - step / 30), ("gradient", torch.randn(37, 53)), [])
            self.assertEqual(int(mask.sum()), active)
            self.assertTrue(bool((w[mask == 0] == 0).all()))
            w += torch.randn(37, 53) * mask

    def test_top_k_refuses_too_few_candidates(self):
        with self.assertRaises(RuntimeError):
            top_k(torch.tensor([0, 3, 0]), 2)

    def test_named_errors(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.safetensors")
            write_safetensors(path, {"a": torch.zeros(2)}, {})
            with self.assertRaises(LoadError):
                load_export(path)
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                self.assertEqual(main(["--from", d, "--steps", "1"]), 1)
                with self.assertRaises(SystemExit):
                    main(["--from", d, "--steps", "0"])
            self.assertIn("sift-train: ", err.getvalue())
            self.assertIn("--steps must be >= 1", err.getvalue())
        self.assertEqual(SiftError("DATASET_MISSING", "x").code, "DATASET_MISSING")


if __name__ == "__main__":
    unittest.main()

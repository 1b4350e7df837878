"""The values src/io/python-parity.test.ts pins for our engine, reproduced here bit for bit."""
import json
import os
import unittest

import torch

from sift_playground.data import NORMALIZATION, ImageSet, ImageSource, TextSource
from sift_playground.dst import DstSchedule, drop_and_grow, set_seed
from sift_playground.rng import random_u32, random_u32_tensor
from sift_playground.schedule import make_schedule

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "fixtures", "parity.json")) as f:
    FIXTURE = json.load(f)
DEFAULT_RUN = {"lr": 0.05, "warmupSteps": 0, "steps": 300, "schedule": "cosine"}


class Parity(unittest.TestCase):
    def test_random_u32_and_set_seeds(self):
        for seed, index, value in FIXTURE["randomU32"]:
            self.assertEqual(random_u32(seed, index), value)
            self.assertEqual(int(random_u32_tensor(seed, torch.tensor([index]))[0]), value)
        for run, layer, step, value in FIXTURE["setSeed"]:
            self.assertEqual(set_seed(run, layer, step), value)

    def test_drop_and_grow(self):
        for c in FIXTURE["regrow"]:
            weight = torch.tensor(c["weight"], dtype=torch.float32)
            mask = torch.tensor(c["mask"], dtype=torch.float32)
            state = torch.tensor(c["state"], dtype=torch.float32)
            g = c["grow"]
            grow = ("gradient", torch.tensor(g["grad"])) if g["kind"] == "gradient" else ("random", g["seed"])
            drop_and_grow(weight, mask, c["fraction"], grow, [state])
            self.assertEqual(mask.tolist(), c["expect"]["mask"])
            self.assertEqual(weight.tolist(), torch.tensor(c["expect"]["weight"], dtype=torch.float32).tolist())
            self.assertEqual(state.tolist(), torch.tensor(c["expect"]["state"], dtype=torch.float32).tolist())
            self.assertEqual(int(mask.sum()), sum(c["mask"]))

    def test_schedules(self):
        d = FIXTURE["dst"]
        s = DstSchedule(d["steps"], d["interval"], 0.3, d["end"])
        updates = [t for t in range(d["steps"] + 1) if s.is_update_step(t)]
        self.assertEqual(updates, d["updates"])
        # cos may differ from V8's Math.cos in the last bit; dropCount's epsilon absorbs that.
        for t, want in zip(updates, d["fractions"]):
            self.assertAlmostEqual(s.drop_fraction(t), want, delta=1e-15)
        for case in FIXTURE["lr"]:
            lr = make_schedule(dict(DEFAULT_RUN, **case["config"]))
            for t, want in zip(case["at"], case["values"]):
                self.assertAlmostEqual(lr(t), want, delta=1e-15 * abs(want))

    def test_image_batches_and_text_windows(self):
        f = FIXTURE["images"]
        per = 3 * 6 * 6
        pixels = torch.tensor([(k * 37 + 11) % 256 for k in range(40 * per)], dtype=torch.uint8).reshape(40, 3, 6, 6)
        labels = torch.tensor([i % 10 for i in range(40)])
        ds = ImageSet(pixels, labels, 3, 6, 6, 10)
        source = ImageSource(ds, ds, f["seed"], 8, NORMALIZATION["cifar10"], True, 8)
        x, y = source.batch_at(f["step"])
        self.assertEqual(y.tolist(), f["labels"])
        checksum = 0.0
        for k, v in enumerate(x.reshape(-1).tolist()):
            checksum += v * ((k % 97) + 1)
        self.assertEqual(checksum, f["checksum"])
        t = FIXTURE["text"]
        text = TextSource.__new__(TextSource)
        text.train = torch.tensor([(i * 7) % 13 for i in range(t["length"])])
        text.seed, text.batch_size, text.block_size = t["seed"], 2, 5
        inputs, targets = text.batch_at(t["step"])
        self.assertEqual(inputs.reshape(-1).tolist(), t["inputs"])
        self.assertEqual(targets.tolist(), t["targets"])


if __name__ == "__main__":
    unittest.main()

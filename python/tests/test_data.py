"""Data files as the page reads them: CIFAR archives and .bin batches, text files."""
import io
import os
import tarfile
import tempfile
import unittest

import torch

from sift_playground.data import TextSource, load_cifar, read_text
from sift_playground.errors import SiftError


def cifar_records(labels, label_bytes, first_pixel):
    out = b""
    for i, label in enumerate(labels):
        head = bytes([label % 20, label]) if label_bytes == 2 else bytes([label])
        out += head + bytes([(first_pixel + i) % 256]) * 3072
    return out


class Cifar(unittest.TestCase):
    def test_cifar10_archive_batches_in_numeric_order(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "cifar-10-binary.tar.gz")
            with tarfile.open(path, "w:gz") as tar:
                # Stored out of order: batch 2 before batch 1, and batch 10 after 2 by name.
                for name, labels, first in [("data_batch_2.bin", [3, 4], 20), ("data_batch_1.bin", [1, 2], 10), ("test_batch.bin", [9], 90)]:
                    data = cifar_records(labels, 1, first)
                    info = tarfile.TarInfo(f"cifar-10-batches-bin/{name}")
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
            train, test = load_cifar([path], "cifar10")
        self.assertEqual(train.labels.tolist(), [1, 2, 3, 4])
        self.assertEqual(train.images[:, 0, 0, 0].tolist(), [10, 11, 20, 21])
        self.assertEqual((test.count, test.classes, tuple(test.images.shape[1:])), (1, 10, (3, 32, 32)))

    def test_cifar100_bin_files_fine_labels(self):
        with tempfile.TemporaryDirectory() as d:
            for name, labels in [("train.bin", [57, 99, 0]), ("test.bin", [42])]:
                with open(os.path.join(d, name), "wb") as f:
                    f.write(cifar_records(labels, 2, 0))
            train, test = load_cifar([os.path.join(d, "train.bin"), os.path.join(d, "test.bin")], "cifar100")
        self.assertEqual(train.labels.tolist(), [57, 99, 0])
        self.assertEqual(test.labels.tolist(), [42])

    def test_missing_and_damaged_files_are_named(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "test_batch.bin"), "wb") as f:
                f.write(cifar_records([1], 1, 0))
            with self.assertRaises(SiftError) as e:
                load_cifar([d], "cifar10")
            self.assertEqual(e.exception.code, "DATASET_MISSING")
            with open(os.path.join(d, "data_batch_1.bin"), "wb") as f:
                f.write(b"\x01" * 100)
            with self.assertRaises(SiftError) as e:
                load_cifar([d], "cifar10")
            self.assertEqual(e.exception.code, "CIFAR_BAD_LENGTH")


class Text(unittest.TestCase):
    def test_split_vocabulary_and_eval_windows(self):
        text = "".join(chr(97 + (i * 5) % 7) for i in range(200))
        src = TextSource(text, None, 3, 2, 8, 4)
        self.assertEqual(src.vocabulary, sorted(set(text)))
        self.assertEqual((len(src.train), len(src.val)), (180, 20))
        batches = src.eval_batches()
        self.assertEqual([tuple(x.shape) for x, _ in batches], [(2, 8)])
        x, y = batches[0]
        self.assertEqual(x[1, 0].item(), src.val[8].item())
        self.assertEqual(y.tolist()[:8], src.val[1:9].tolist())
        with self.assertRaises(SiftError) as e:
            TextSource(text + "z", "".join(sorted(set(text))), 3, 2, 8, 4)
        self.assertEqual(e.exception.code, "DATASET_MISMATCH")

    def test_bad_utf8_is_named(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "t.txt")
            with open(path, "wb") as f:
                f.write(b"ok \xff no")
            with self.assertRaises(SiftError) as e:
                read_text(path)
            self.assertEqual(e.exception.code, "TEXT_BAD_UTF8")


if __name__ == "__main__":
    unittest.main()

"""The playground's data, batch for batch: built-in digits and text, CIFAR-10/100, any UTF-8 text.
Training batch k is the same pure function of (seed, k) as src/train/data-source.ts, so a run
continued here sees exactly the batches our trainer would have shown it (same shuffle, crop,
flip, normalisation and text windows)."""
import gzip
import io
import math
import os
import re
import struct
import tarfile

import torch

from .errors import SiftError
from .rng import M32, Rng, random_u32, random_u32_tensor

SHUFFLE_STREAM = 0x243F6A88
AUGMENT_STREAM = 0x13198A2E
NORMALIZATION = {
    "builtin-images": ((0.1307,), (0.3081,)),
    "cifar10": ((0.4914, 0.4822, 0.4465), (0.247, 0.2435, 0.2616)),
    "cifar100": ((0.5071, 0.4865, 0.4409), (0.2673, 0.2564, 0.2762)),
}
BUILTIN_FILES = {"imagesTrain": "mnist-train.bin.gz", "imagesTest": "mnist-test.bin.gz", "text": "text.txt"}


class ImageSet:
    def __init__(self, images, labels, channels, height, width, classes):
        self.images = images  # uint8 (N, C, H, W)
        self.labels = labels  # int64 (N)
        self.count = images.shape[0]
        self.channels, self.height, self.width, self.classes = channels, height, width, classes


def parse_image_set(data, name):
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if len(data) < 32 or data[:8] != b"SIFTIMG1":
        raise SiftError("DATASET_BAD_FORMAT", f"{name}: expected a SIFTIMG1 image set (run `npm run prepare-data`)")
    count, h, w, c, classes, _ = struct.unpack("<6I", data[8:32])
    n = count * c * h * w
    if len(data) != 32 + n + count:
        raise SiftError("DATASET_BAD_FORMAT", f"{name}: expected {32 + n + count} bytes, found {len(data)}")
    images = torch.frombuffer(bytearray(data[32 : 32 + n]), dtype=torch.uint8).reshape(count, c, h, w)
    labels = torch.frombuffer(bytearray(data[32 + n :]), dtype=torch.uint8).to(torch.int64)
    return ImageSet(images, labels, c, h, w, classes)


def _cifar_members(paths):
    """(name, bytes) of every CIFAR batch file in the given archives / .bin files."""
    out = []
    for path in paths:
        if os.path.isdir(path):
            out += _cifar_members([os.path.join(path, f) for f in sorted(os.listdir(path))])
        elif tarfile.is_tarfile(path):
            with tarfile.open(path) as tar:
                for m in tar.getmembers():
                    if m.isfile() and m.name.endswith(".bin"):
                        out.append((os.path.basename(m.name), tar.extractfile(m).read()))
        elif path.endswith(".bin"):
            with open(path, "rb") as f:
                out.append((os.path.basename(path), f.read()))
    return out


def load_cifar(paths, variant):
    """Train and test splits as src/data/cifar.ts assembles them (batches in numeric order)."""
    label_bytes, classes = (1, 10) if variant == "cifar10" else (2, 100)
    train_re = r"^data_batch_(\d+)\.bin$" if variant == "cifar10" else r"^train\.bin$"
    test_name = "test_batch.bin" if variant == "cifar10" else "test.bin"
    members = _cifar_members(paths)
    train = [(m, b) for m, b in members if re.match(train_re, m)]
    train.sort(key=lambda mb: int(re.search(r"(\d+)\.bin$", mb[0]).group(1)) if re.search(r"(\d+)\.bin$", mb[0]) else 0)
    test = [(m, b) for m, b in members if m == test_name]
    if not train or not test:
        raise SiftError("DATASET_MISSING", f"{variant}: expected its train and test batch files in {paths}")

    def parse(files):
        record = label_bytes + 3072
        blob = b"".join(b for _, b in files)
        if len(blob) % record:
            raise SiftError("CIFAR_BAD_LENGTH", f"{variant}: {len(blob)} bytes is not a whole number of {record}-byte records")
        rows = torch.frombuffer(bytearray(blob), dtype=torch.uint8).reshape(-1, record)
        labels = rows[:, label_bytes - 1].to(torch.int64)
        if (labels >= classes).any():
            raise SiftError("CIFAR_BAD_LABEL", f"{variant}: a label is outside 0..{classes - 1}")
        return ImageSet(rows[:, label_bytes:].reshape(-1, 3, 32, 32).clone(), labels, 3, 32, 32, classes)

    return parse(train), parse(test)


def normalize(pixels, mean, std):
    """(x / 255 - mean) / std in float64, rounded once to float32, as augment.ts's normalize."""
    x = pixels.to(torch.float64) * (1 / 255)
    m = torch.tensor(mean, dtype=torch.float64).view(1, -1, 1, 1)
    inv = torch.tensor([1 / s for s in std], dtype=torch.float64).view(1, -1, 1, 1)
    return ((x - m) * inv).to(torch.float32)


def crop_with_padding(x, pad, offsets):
    N, C, H, W = x.shape
    padded = torch.zeros(N, C, H + 2 * pad, W + 2 * pad, dtype=x.dtype)
    padded[:, :, pad : pad + H, pad : pad + W] = x
    out = torch.empty_like(x)
    for n in range(N):
        dy, dx = int(offsets[2 * n]), int(offsets[2 * n + 1])
        out[n] = padded[n, :, dy : dy + H, dx : dx + W]
    return out


class ImageSource:
    """ImageSource + ImageBatchLoader of src/train/data-source.ts and src/data/loader.ts."""

    def __init__(self, train, test, seed, batch_size, normalization, augment, eval_samples):
        self.train, self.test = train, test
        self.seed, self.batch_size = seed, batch_size
        self.mean, self.std = normalization
        self.augment = augment
        self.eval_samples = eval_samples
        self.batches_per_epoch = train.count // batch_size
        if self.batches_per_epoch == 0:
            raise SiftError("INVALID_ARGUMENT", f"{train.count} training images, fewer than one batch of {batch_size}")
        self._epoch, self._order = -1, None

    def order(self, epoch):
        if epoch != self._epoch:
            n = self.train.count
            rng = Rng(random_u32((self.seed ^ SHUFFLE_STREAM) & M32, epoch))
            u = rng.uniforms(max(n - 1, 0)).tolist()
            order = list(range(n))
            for k, i in enumerate(range(n - 1, 0, -1)):
                j = int(u[k] * (i + 1))
                order[i], order[j] = order[j], order[i]
            self._epoch, self._order = epoch, torch.tensor(order, dtype=torch.int64)
        return self._order

    def batch_at(self, step):
        epoch, index = divmod(step, self.batches_per_epoch)
        rows = self.order(epoch)[index * self.batch_size : (index + 1) * self.batch_size]
        pixels = self.train.images[rows]
        if self.augment:
            rng = Rng(random_u32((self.seed ^ AUGMENT_STREAM) & M32, step))
            N = pixels.shape[0]
            offsets = (rng.uniforms(2 * N) * 9).floor().to(torch.int64)  # rng.int(2 * 4 + 1)
            pixels = crop_with_padding(pixels, 4, offsets)
            flips = rng.uniforms(N) < 0.5
            pixels = torch.where(flips.view(-1, 1, 1, 1), pixels.flip(3), pixels)
        return normalize(pixels, self.mean, self.std), self.train.labels[rows]

    def eval_batches(self):
        out, seen = [], 0
        total = min(self.eval_samples, self.test.count)
        while seen < total:
            take = min(self.batch_size, total - seen)
            out.append((normalize(self.test.images[seen : seen + take], self.mean, self.std), self.test.labels[seen : seen + take]))
            seen += take
        return out


class CharTokenizer:
    def __init__(self, chars):
        self.chars = list(chars)
        self.ids = {c: i for i, c in enumerate(self.chars)}

    @staticmethod
    def from_text(text):
        return CharTokenizer(sorted(set(text)))

    def encode(self, text, source):
        try:
            return torch.tensor([self.ids[c] for c in text], dtype=torch.int64)
        except KeyError as e:
            raise SiftError("INVALID_ARGUMENT", f"{source}: character {e.args[0]!r} is not in the run's vocabulary") from None


class TextSource:
    """TextSource of src/train/data-source.ts: random windows for training, sequential for eval."""

    def __init__(self, text, vocabulary, seed, batch_size, block_size, eval_samples, source="text"):
        tokenizer = CharTokenizer(vocabulary) if vocabulary else CharTokenizer.from_text(text)
        if vocabulary and CharTokenizer.from_text(text).chars != tokenizer.chars:
            raise SiftError("DATASET_MISMATCH", f"{source}: this text's characters differ from the run's vocabulary")
        ids = tokenizer.encode(text, source)
        val_count = math.floor(len(ids) * 0.1)
        self.train, self.val = ids[: len(ids) - val_count], ids[len(ids) - val_count :]
        if val_count < block_size + 1 or len(self.train) < block_size + 1:
            raise SiftError("TEXT_TOO_SHORT", f"{source}: {len(ids)} characters is too short for block size {block_size}")
        self.vocabulary = tokenizer.chars
        self.seed, self.batch_size, self.block_size = seed, batch_size, block_size
        self.eval_samples = eval_samples

    def _windows(self, ids, starts):
        idx = starts.view(-1, 1) + torch.arange(self.block_size + 1).view(1, -1)
        w = ids[idx]
        return w[:, :-1].contiguous(), w[:, 1:].reshape(-1).contiguous()

    def batch_at(self, step):
        B, T = self.batch_size, self.block_size
        positions = len(self.train) - T
        u = random_u32_tensor(self.seed, torch.arange(step * B, step * B + B, dtype=torch.int64))
        starts = (u.to(torch.float64) / 4294967296 * positions).floor().to(torch.int64)
        return self._windows(self.train, starts)

    def eval_batches(self):
        B, T = self.batch_size, self.block_size
        windows = (len(self.val) - 1) // T
        max_batches = max(1, math.ceil(self.eval_samples / B))
        out = []
        for w in range(0, windows, B):
            if len(out) >= max_batches:
                break
            starts = torch.arange(w, min(w + B, windows), dtype=torch.int64) * T
            out.append(self._windows(self.val, starts))
        return out


def read_text(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SiftError("TEXT_BAD_UTF8", f"{path}: expected UTF-8 text, found an invalid byte at {e.start}") from None
    return text[1:] if text.startswith("\ufeff") else text


def find_builtin(name, search):
    for d in search:
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    raise SiftError("DATASET_MISSING", f"{name} not found in {', '.join(search)}: pass --data-dir (the page's public/data/) or export with the data")


def make_source(config, run_dir, data_dir=None, data_files=(), eval_samples=None, fallback_dir=None):
    """The batch source of the exported run. Built-in files are looked for in `data_dir`, then
    beside the export (`<run>/data/`, as our CLI exports them), then in `fallback_dir`."""
    run = config["run"]
    search = [d for d in (data_dir, os.path.join(run_dir, "data"), run_dir, fallback_dir) if d]
    evals = eval_samples or run["evalSamples"]
    dataset = run["dataset"]
    if dataset in ("builtin-images", "cifar10", "cifar100"):
        if dataset == "builtin-images":
            with open(find_builtin(BUILTIN_FILES["imagesTrain"], search), "rb") as f:
                train = parse_image_set(f.read(), "digits (train)")
            with open(find_builtin(BUILTIN_FILES["imagesTest"], search), "rb") as f:
                test = parse_image_set(f.read(), "digits (test)")
        else:
            if not data_files:
                raise SiftError("DATASET_MISSING", f"{dataset} needs its files: pass --data-file <the .tar.gz or .bin batches>")
            train, test = load_cifar(list(data_files), dataset)
        augment = train.channels == 3
        return ImageSource(train, test, run["seed"], run["batchSize"], NORMALIZATION[dataset], augment, evals)
    if dataset == "builtin-text":
        path = find_builtin(BUILTIN_FILES["text"], search)
        source = "State of the Union"
    else:
        if not data_files:
            raise SiftError("DATASET_MISSING", "text-file runs need the text: pass --data-file <file.txt>")
        path = data_files[0]
        source = os.path.basename(path)
    block = config["arch"]["contextLength"]
    return TextSource(read_text(path), config.get("vocabulary"), run["seed"], run["batchSize"], block, evals, source)

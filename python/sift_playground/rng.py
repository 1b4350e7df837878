"""Counter-based random numbers, bit-identical to src/common/rng.ts and shaders/lib-random.wgsl:
value i of stream `seed` is a pure function of (seed, i) ("lowbias32" applied twice)."""
import torch

M32 = 0xFFFFFFFF


def hash_u32(x):
    x &= M32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    x ^= x >> 16
    return x


def random_u32(seed, index):
    return hash_u32(hash_u32(index & M32) ^ hash_u32((seed & M32) ^ 0x9E3779B9))


def random_uniform(seed, index):
    """Uniform in [0, 1) with 24 bits, as randomUniform."""
    return (random_u32(seed, index) >> 8) / 16777216


def _mul_u32(x, c):
    # (x * c) mod 2^32 for int64 tensors x < 2^32, in two 16-bit halves so nothing overflows int64.
    lo = x * (c & 0xFFFF)
    hi = ((x * (c >> 16)) & 0xFFFF) << 16
    return (lo + hi) & M32


def hash_u32_tensor(x):
    x = x & M32
    x = x ^ (x >> 16)
    x = _mul_u32(x, 0x7FEB352D)
    x = x ^ (x >> 15)
    x = _mul_u32(x, 0x846CA68B)
    return x ^ (x >> 16)


def random_u32_tensor(seed, indices):
    """random_u32(seed, i) for an int64 tensor of indices, vectorised."""
    return hash_u32_tensor(hash_u32_tensor(indices) ^ hash_u32((seed & M32) ^ 0x9E3779B9))


def uniform_tensor(seed, start, count):
    """randomUniform(seed, start + k) for k < count, as float64."""
    idx = torch.arange(start, start + count, dtype=torch.int64)
    return (random_u32_tensor(seed, idx) >> 8).to(torch.float64) / 16777216


class Rng:
    """The sequential generator of rng.ts (shuffles, augmentation)."""

    def __init__(self, seed):
        self.seed = seed & M32
        self.counter = 0

    def next(self):
        v = random_uniform(self.seed, self.counter)
        self.counter += 1
        return v

    def int(self, n):
        return int(self.next() * n)

    def uniforms(self, count):
        """The next `count` values of next(), vectorised."""
        v = uniform_tensor(self.seed, self.counter, count)
        self.counter += count
        return v

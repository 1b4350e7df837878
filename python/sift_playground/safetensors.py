"""Writing the safetensors layout our page reads (reading lives in sift_load.py)."""
import ctypes
import json
import struct

import torch

DTYPE_NAMES = {torch.float32: "F32", torch.uint8: "U8", torch.int32: "I32"}


def tensor_bytes(t):
    """Raw little-endian bytes of a contiguous CPU tensor, without numpy (torch does not require it)."""
    return ctypes.string_at(t.data_ptr(), t.numel() * t.element_size()) if t.numel() else b""


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    # The reference order (and src/io/safetensors.ts's): alignment descending, then name, so every
    # F32 tensor starts 4-byte aligned.
    ordered = sorted(tensors.items(), key=lambda kv: (-kv[1].element_size(), kv[0].encode("utf-8")))
    for name, t in ordered:
        t = t.detach().to("cpu").contiguous()
        data = tensor_bytes(t)
        header[name] = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the format's 8-byte alignment of the data
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)

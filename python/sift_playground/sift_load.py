#!/usr/bin/env python3
"""Load a SIFT Playground export into PyTorch.

    python3 sift_load.py model.safetensors [--config config.json] [--input x.f32 --shape N,C,H,W]
                                            [--output logits.f32]

Builds the same module tree the playground trained (ResNet or GPT, with the Sparse Wide /
Parallel / Factorized / Doped pieces under the same names), loads every weight and buffer, and
registers each mask as a `<param>_mask` buffer (torch.nn.utils.prune's convention), checking that
masked-out weights are exactly zero. Needs only torch (no safetensors package).

This file is the single source of the model rebuild: the sift_playground package (python/) imports
it, and public/sift_load.py is a byte-identical copy that the page offers as one download (a test
keeps the two equal).
"""
import argparse
import ctypes
import json
import math
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F32": (torch.float32, 4), "U8": (torch.uint8, 1), "I32": (torch.int32, 4)}
MASK_SUFFIX = "_mask"
OPTIMIZER_PREFIX = "optimizer."


class LoadError(Exception):
    """The file is not a SIFT Playground export this code can rebuild (message says why)."""


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise LoadError(f"{path}: too short to be a safetensors file ({len(data)} bytes)")
    (n,) = struct.unpack("<Q", data[:8])
    try:
        header = json.loads(data[8 : 8 + n])
    except ValueError as e:
        raise LoadError(f"{path}: the safetensors header is not JSON ({e})") from None
    meta = header.pop("__metadata__", {})
    body = data[8 + n :]
    tensors = {}
    for name, info in header.items():
        if info["dtype"] not in DTYPES:
            raise LoadError(f"{path}: tensor {name} has dtype {info['dtype']}; expected F32, U8 or I32")
        dtype, size = DTYPES[info["dtype"]]
        start, end = info["data_offsets"]
        count = (end - start) // size
        t = torch.frombuffer(bytearray(body[start:end]), dtype=dtype, count=count) if count else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"])
    return tensors, meta


class Unit(nn.Module):
    """What one base layer became; mirrors src/models/units.ts."""

    def __init__(self, name, pieces, state):
        super().__init__()
        by_suffix = {}
        for p in pieces:
            suffix = "" if p["name"] == name else p["name"][len(name) + 1 :]
            by_suffix[suffix] = p
        self.kind = "single"
        if "branches.0" in by_suffix:
            self.kind = "parallel"
            self.branches = nn.ModuleList()
            self.norms = nn.ModuleList()
            j = 0
            while f"branches.{j}" in by_suffix:
                self.branches.append(make_layer(by_suffix[f"branches.{j}"], state))
                norm = by_suffix.get(f"norms.{j}")
                self.norms.append(make_norm(norm) if norm else nn.Identity())
                j += 1
        elif "u" in by_suffix:
            self.kind = "lowrank"
            self.main = make_layer(by_suffix[""], state) if "" in by_suffix else None
            self.u = make_layer(by_suffix["u"], state)
            self.norm = make_norm(by_suffix["norm"]) if "norm" in by_suffix else None
            self.v = make_layer(by_suffix["v"], state)
        else:
            self.layer = make_layer(by_suffix[""], state)

    def forward(self, x):
        if self.kind == "parallel":
            return sum(norm(branch(x)) for branch, norm in zip(self.branches, self.norms))
        if self.kind == "lowrank":
            h = self.u(x)
            if self.norm is not None:
                h = F.relu(self.norm(h))
            low = self.v(h)
            return low if self.main is None else self.main(x) + low
        return self.layer(x)


def make_layer(piece, state):
    has_bias = piece["name"] + ".bias" in state
    shape = piece["shape"]
    if piece["kind"] == "conv2d":
        return nn.Conv2d(shape[1], shape[0], shape[2], stride=piece["stride"], padding=piece["padding"], bias=has_bias)
    return nn.Linear(shape[1], shape[0], bias=has_bias)


def make_norm(piece):
    if piece["kind"] == "batchnorm2d":
        return nn.BatchNorm2d(piece["features"])
    return nn.LayerNorm(piece["features"])


def optional_bn(name, state):
    return nn.BatchNorm2d(state[name + ".weight"].shape[0]) if name + ".weight" in state else nn.Identity()


class BasicBlock(nn.Module):
    def __init__(self, prefix, units, state):
        super().__init__()
        self.conv1 = units[f"{prefix}.conv1"]
        self.bn1 = optional_bn(f"{prefix}.bn1", state)
        self.conv2 = units[f"{prefix}.conv2"]
        self.bn2 = optional_bn(f"{prefix}.bn2", state)
        self.shortcut = nn.Sequential()
        if f"{prefix}.shortcut.0" in units:
            self.shortcut = nn.Sequential(units[f"{prefix}.shortcut.0"], optional_bn(f"{prefix}.shortcut.1", state))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, arch, units, state):
        super().__init__()
        self.conv1 = units["conv1"]
        self.bn1 = optional_bn("bn1", state)
        for s, count in enumerate(arch["blocksPerStage"]):
            blocks = [BasicBlock(f"layer{s + 1}.{b}", units, state) for b in range(count)]
            setattr(self, f"layer{s + 1}", nn.Sequential(*blocks))
        self.n_stages = len(arch["blocksPerStage"])
        self.fc = units["fc"]

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        for s in range(self.n_stages):
            out = getattr(self, f"layer{s + 1}")(out)
        out = out.mean(dim=(2, 3))
        return self.fc(out)


class Block(nn.Module):
    def __init__(self, prefix, arch, units):
        super().__init__()
        d = arch["dModel"]
        self.n_head = arch["nHead"]
        self.ln_1 = nn.LayerNorm(d)
        self.attn = nn.Module()
        self.attn.c_attn = units[f"{prefix}.attn.c_attn"]
        self.attn.c_proj = units[f"{prefix}.attn.c_proj"]
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = nn.Module()
        self.mlp.c_fc = units[f"{prefix}.mlp.c_fc"]
        self.mlp.c_proj = units[f"{prefix}.mlp.c_proj"]

    def attention(self, x):
        B, T, C = x.shape
        q, k, v = self.attn.c_attn(x).split(C, dim=2)
        hd = C // self.n_head
        q, k, v = (t.view(B, T, self.n_head, hd).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool, device=x.device))
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.attn.c_proj(y)

    def forward(self, x):
        x = x + self.attention(self.ln_1(x))
        return x + self.mlp.c_proj(F.gelu(self.mlp.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, arch, units):
        super().__init__()
        d = arch["dModel"]
        self.transformer = nn.Module()
        self.transformer.wte = nn.Embedding(arch["vocabSize"], d)
        self.transformer.wpe = nn.Embedding(arch["contextLength"], d)
        self.transformer.h = nn.ModuleList([Block(f"transformer.h.{i}", arch, units) for i in range(arch["nLayer"])])
        self.transformer.ln_f = nn.LayerNorm(d)

    def forward(self, idx):
        B, T = idx.shape
        x = self.transformer.wte(idx) + self.transformer.wpe(torch.arange(T, device=idx.device))
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x)
        return (x @ self.transformer.wte.weight.t()).reshape(B * T, -1)  # tied LM head


def build(config, state):
    units = {layer["name"]: Unit(layer["name"], layer["pieces"], state) for layer in config["layers"]}
    arch = config["arch"]
    return ResNet(arch, units, state) if arch["kind"] == "resnet" else GPT(arch, units)


def our_name(torch_name):
    """Our state-dict names omit the `.layer` / `.main` level PyTorch adds inside a Unit."""
    ours = torch_name.replace(".layer.", ".").replace(".main.", ".")
    if ours.startswith("layer.") or ours.startswith("main."):
        ours = ours.split(".", 1)[1]
    return ours


class Export:
    """An export rebuilt in PyTorch: the model (masks registered), its config, every file tensor,
    and the map from our names to PyTorch's."""

    def __init__(self, model, config, tensors, ours_to_torch):
        self.model = model
        self.config = config
        self.tensors = tensors
        self.ours_to_torch = ours_to_torch

    def masks(self):
        """{our weight name: U8 mask}, in file order."""
        return {k[: -len(MASK_SUFFIX)]: v for k, v in self.tensors.items() if k.endswith(MASK_SUFFIX)}


def load_export(path, config_path=None):
    tensors, meta = read_safetensors(path)
    if config_path:
        with open(config_path) as f:
            config = json.load(f)
    elif "config" in meta:
        config = json.loads(meta["config"])
    else:
        raise LoadError(f"{path} has no SIFT Playground config in its metadata; pass --config config.json")
    state = {k: v for k, v in tensors.items() if not k.endswith(MASK_SUFFIX) and not k.startswith(OPTIMIZER_PREFIX)}
    model = build(config, state)
    ours_to_torch = {our_name(t): t for t in model.state_dict().keys()}
    remapped = {}
    for name, value in state.items():
        if name not in ours_to_torch:
            raise LoadError(f"export has {name}, which the PyTorch model does not")
        remapped[ours_to_torch[name]] = value
    missing = [k for k in model.state_dict() if k not in remapped and not k.endswith("num_batches_tracked")]
    if missing:
        raise LoadError(f"export lacks {missing[:5]}")
    model.load_state_dict(remapped, strict=False)
    params = dict(model.named_parameters())
    export = Export(model, config, tensors, ours_to_torch)
    for name, mask in export.masks().items():
        if name not in ours_to_torch:
            raise LoadError(f"mask {name}_mask belongs to no weight of the model")
        param = params[ours_to_torch[name]]
        if mask.shape != param.shape:
            raise LoadError(f"mask {name} has shape {tuple(mask.shape)}, weight {tuple(param.shape)}")
        if (param.detach()[mask == 0] != 0).any():
            raise LoadError(f"{name} has non-zero weights outside its mask")
        owner_name, _, leaf = ours_to_torch[name].rpartition(".")
        model.get_submodule(owner_name).register_buffer(leaf + MASK_SUFFIX, mask.to(torch.float32))
    return export


def load(path, config_path=None):
    export = load_export(path, config_path)
    return export.model.eval(), export.config


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("safetensors")
    ap.add_argument("--config")
    ap.add_argument("--input", help="raw little-endian float32 input (images NCHW or token ids)")
    ap.add_argument("--shape", help="input shape, e.g. 4,1,28,28 or 2,64")
    ap.add_argument("--output", help="write logits as raw float32 here")
    args = ap.parse_args()
    try:
        model, config = load(args.safetensors, args.config)
    except (LoadError, OSError) as e:
        raise SystemExit(f"sift_load: {e}") from None
    n_params = sum(p.numel() for p in model.parameters())
    print(f"loaded {config['run']['model']} ({config['transform']}, s={config['sparsity']}): {n_params} parameters", file=sys.stderr)
    if args.input:
        shape = [int(s) for s in args.shape.split(",")]
        with open(args.input, "rb") as f:
            x = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(shape)
        if config["arch"]["kind"] == "gpt":
            x = x.long()
        with torch.no_grad():
            logits = model(x).to(torch.float32).contiguous()
        if args.output:
            with open(args.output, "wb") as f:
                f.write(ctypes.string_at(logits.data_ptr(), logits.numel() * 4))
        else:
            print(logits)


if __name__ == "__main__":
    main()

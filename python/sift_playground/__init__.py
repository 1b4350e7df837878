"""Continue SIFT Playground runs in PyTorch: rebuild an export (model, masks, optimiser state,
run config) and train on with the same recipe and dynamic sparse training (sift-train)."""
from .sift_load import Export, LoadError, load, load_export, read_safetensors

__all__ = ["Export", "LoadError", "load", "load_export", "read_safetensors"]

"""Batch norm over the global batch of a DDP run, on any backend (gloo included): PyTorch's own
SyncBatchNorm needs CUDA in torch 1.13. With it, K processes on B/K rows each normalise exactly as
one process on B rows does, so a continued ResNet's losses match the single-process run."""
import torch
import torch.distributed as dist
import torch.distributed.nn.functional as dist_nn
import torch.nn as nn


class GlobalBatchNorm2d(nn.BatchNorm2d):
    def forward(self, x):
        if not self.training or not dist.is_initialized() or dist.get_world_size() == 1:
            return super().forward(x)
        C = x.shape[1]
        count = torch.tensor([x.numel() // C], dtype=x.dtype, device=x.device)
        # Two passes, as our batchnorm shader: the mean first, then squared deviations from it.
        sums = dist_nn.all_reduce(torch.cat([x.sum(dim=(0, 2, 3)), count]))
        n = sums[C]
        mean = sums[:C] / n
        centered = x - mean.view(1, C, 1, 1)
        var = dist_nn.all_reduce((centered * centered).sum(dim=(0, 2, 3))) / n
        with torch.no_grad():
            m = self.momentum
            self.running_mean.mul_(1 - m).add_(mean.detach(), alpha=m)
            self.running_var.mul_(1 - m).add_(var.detach() * (n / (n - 1)), alpha=m)
            self.num_batches_tracked.add_(1)
        y = centered * torch.rsqrt(var + self.eps).view(1, C, 1, 1)
        return y * self.weight.view(1, C, 1, 1) + self.bias.view(1, C, 1, 1)


def convert(module):
    """Every BatchNorm2d of `module` made a GlobalBatchNorm2d in place: the same parameter and
    buffer objects, so an optimiser built before keeps updating them."""
    for m in module.modules():
        if type(m) is nn.BatchNorm2d:
            m.__class__ = GlobalBatchNorm2d
    return module

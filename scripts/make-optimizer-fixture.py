#!/usr/bin/env python3
"""Writes Tests/Fixtures/optimizers/bertadam-joint-clip.json: one CLIP4Clip training step in float32
PyTorch, as main_task_retrieval.py's train_epoch and modules/optimization.py's BertAdam take it:
torch.nn.utils.clip_grad_norm_ over all parameters to 1.0, then BertAdam.step, which clips each
tensor to max_grad_norm 1.0 and updates with next_m, next_v (no bias correction) and weight decay
added to the update. BertAdam's step is re-written here from that file's formulas.

    pip install torch && python3 scripts/make-optimizer-fixture.py
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "Fixtures", "optimizers",
                   "bertadam-joint-clip.json")


def main():
    generator = torch.Generator().manual_seed(11)
    shapes = {"weight": [2, 3], "bias": [4], "scale": [1]}
    decay = {"weight": 0.2, "bias": 0.0, "scale": 0.0}
    grad_scale = {"weight": 2.0, "bias": 0.3, "scale": 1.5}   # joint norm well above 1, two tensors above 1 alone
    params = {name: torch.randn(shape, generator=generator) for name, shape in shapes.items()}
    grads = {name: torch.randn(shape, generator=generator) * grad_scale[name] for name, shape in shapes.items()}
    start = {name: value.clone() for name, value in params.items()}
    tensors = {}
    for name in shapes:
        tensors[name] = params[name].clone().requires_grad_(True)
        tensors[name].grad = grads[name].clone()
    joint_norm = float(torch.norm(torch.stack([torch.norm(g) for g in grads.values()])))
    torch.nn.utils.clip_grad_norm_(list(tensors.values()), 1.0)
    lr, b1, b2, e = 1e-3, 0.9, 0.98, 1e-6
    result = {}
    for name, p in tensors.items():
        torch.nn.utils.clip_grad_norm_(p, 1.0)          # BertAdam's max_grad_norm, per tensor
        grad = p.grad.data
        m = torch.zeros_like(p.data).mul_(b1).add_(grad, alpha=1 - b1)
        v = torch.zeros_like(p.data).mul_(b2).addcmul_(grad, grad, value=1 - b2)
        update = m / (v.sqrt() + e)
        if decay[name] > 0:
            update += decay[name] * p.data
        p.data.add_(-(lr * update))
        result[name] = {"shape": shapes[name], "weight_decay": decay[name], "start": start[name].flatten().tolist(),
                        "grad": grads[name].flatten().tolist(), "clipped_grad": grad.flatten().tolist(),
                        "next_m": m.flatten().tolist(), "next_v": v.flatten().tolist(), "after": p.data.flatten().tolist()}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as handle:
        json.dump({"made_by": "scripts/make-optimizer-fixture.py", "torch": torch.__version__, "learning_rate": lr,
                   "beta1": b1, "beta2": b2, "eps": e, "clip": 1.0, "joint_grad_norm_before": joint_norm,
                   "parameters": result}, handle, indent=1)
    print(f"wrote {OUT} (joint gradient norm {joint_norm:.3f})")


if __name__ == "__main__":
    main()


def half_precision_fixture():
    """Tests/Fixtures/optimizers/bertadam-fp16-storage.json: three steps of the float16 weight
    precision as the zoo defines it (fp32 arithmetic, fp16 storage): converted weights start
    rounded to fp16 (convert_weights), and after every BertAdam step (joint clip, then per-tensor
    clip, as one CLIP4Clip step) the converted weights and their next_m/next_v are rounded to fp16
    again; an unconverted weight (a layer norm's) stays fp32. The loss is 0.5·Σ c·(p − t)², whose
    gradient c·(p − t) is computed from the stored values."""
    generator = torch.Generator().manual_seed(5)
    shapes = {"clip.linear.weight": [3, 4], "clip.ln.weight": [4], "head.weight": [2, 3]}
    converted = {"clip.linear.weight"}
    decay = {"clip.linear.weight": 0.2, "clip.ln.weight": 0.0, "head.weight": 0.2}
    scale = {"clip.linear.weight": 3.0, "clip.ln.weight": 0.5, "head.weight": 2.0}
    start = {name: torch.randn(shape, generator=generator) for name, shape in shapes.items()}
    target = {name: torch.randn(shape, generator=generator) for name, shape in shapes.items()}
    half = lambda x: x.half().float()
    params = {name: (half(value) if name in converted else value.clone()) for name, value in start.items()}
    m = {name: torch.zeros(shape) for name, shape in shapes.items()}
    v = {name: torch.zeros(shape) for name, shape in shapes.items()}
    lr, b1, b2, e = 1e-2, 0.9, 0.98, 1e-6
    for _ in range(3):
        grads = {name: scale[name] * (params[name] - target[name]) for name in shapes}
        total = torch.norm(torch.stack([torch.norm(g) for g in grads.values()]))
        coefficient = min(1.0, float(1.0 / (total + 1e-6)))
        grads = {name: g * coefficient for name, g in grads.items()}
        for name in shapes:
            g = grads[name]
            norm = float(torch.norm(g))
            if 1.0 / (norm + 1e-6) < 1:
                g = g * (1.0 / (norm + 1e-6))
            m[name] = m[name] * b1 + g * (1 - b1)
            v[name] = v[name] * b2 + g * g * (1 - b2)
            update = m[name] / (v[name].sqrt() + e) + decay[name] * params[name]
            params[name] = params[name] - lr * update
            if name in converted:
                params[name], m[name], v[name] = half(params[name]), half(m[name]), half(v[name])
    out = OUT.replace("bertadam-joint-clip.json", "bertadam-fp16-storage.json")
    with open(out, "w") as handle:
        json.dump({"made_by": "scripts/make-optimizer-fixture.py", "torch": torch.__version__, "learning_rate": lr,
                   "steps": 3, "converted": sorted(converted),
                   "parameters": {name: {"shape": shapes[name], "weight_decay": decay[name], "scale": scale[name],
                                         "start": start[name].flatten().tolist(), "target": target[name].flatten().tolist(),
                                         "after": params[name].flatten().tolist(), "next_m": m[name].flatten().tolist(),
                                         "next_v": v[name].flatten().tolist()} for name in shapes}}, handle, indent=1)
    print(f"wrote {out}")


if __name__ == "__main__":
    half_precision_fixture()

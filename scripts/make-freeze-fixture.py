#!/usr/bin/env python3
"""Writes Tests/Fixtures/clip/freeze-layers.json: the CLIP parameters that CLIP4Clip's
`--freeze_layer_num` leaves trainable, for -1, 0 and 3, on a CLIP with the tiny CLIP fixture's
layout (2 blocks per tower), by the official code's behaviour: the model is OpenAI's `CLIP` class
(clip/model.py of openai/CLIP, loaded from a checkout given on the command line, not copied here),
and the rule is main_task_retrieval.py's "freeze testing" loop (a name trains when it starts with
ln_final., text_projection, logit_scale, visual.ln_post. or visual.proj, or names a residual block
numbered N or more; with N = -1 nothing is frozen).

    python3 scripts/make-freeze-fixture.py PATH/TO/openai-CLIP/clip/model.py
"""
import importlib.util
import json
import os
import sys

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "Fixtures", "clip", "freeze-layers.json")


def trains(name, freeze_layers):
    if freeze_layers <= -1:
        return True
    for prefix in ("ln_final.", "text_projection", "logit_scale", "visual.ln_post.", "visual.proj"):
        if name.startswith(prefix):
            return True
    if name.startswith("visual.transformer.resblocks.") or name.startswith("transformer.resblocks."):
        return int(name.split(".resblocks.")[1].split(".")[0]) >= freeze_layers
    return False


def main():
    spec = importlib.util.spec_from_file_location("openai_clip_model", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.CLIP(embed_dim=32, image_resolution=32, vision_layers=2, vision_width=64, vision_patch_size=16,
                        context_length=77, vocab_size=49408, transformer_width=64, transformer_heads=4, transformer_layers=2)
    names = [name for name, _ in model.named_parameters()]
    result = {str(n): sorted(name for name in names if trains(name, n)) for n in (-1, 0, 3)}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as handle:
        json.dump({"made_by": "scripts/make-freeze-fixture.py", "all_parameters": sorted(names), "trainable": result}, handle, indent=1)
    print(f"wrote {OUT}: {len(names)} parameters; trainable " + ", ".join(f"{n}: {len(v)}" for n, v in result.items()))


if __name__ == "__main__":
    main()

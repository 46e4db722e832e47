#!/usr/bin/env python3
"""Writes the seed corpora of Fuzz/corpus/<target>/ (committed; rerun after changing this file).

Each seed is a small valid input of its parser, plus a few near-misses, so that libFuzzer starts
from the formats' real structure. Standard library only.
"""
import json
import os
import struct
import shutil

ROOT = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(ROOT, "corpus")


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as handle:
        handle.write(data)


def safetensors(tensors, metadata=None):
    """tensors: list of (name, dtype, shape, raw bytes)."""
    header, offset, blob = {}, 0, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blob += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + blob


def floats(count, scale=0.01):
    return struct.pack("<%df" % count, *[(i % 7 - 3) * scale for i in range(count)])


def clip_state(width=1, vision_width=4, vocab=49408, context=8, patch=4, grid=2, embed=2, mlp=4, layers=1):
    """Narrow (the fuzz target assumes one head each, which such a file does not store), but with
    the full 49,408-row token table the CLIP tokenizer needs, stored as BOOL to keep it small."""
    tensors = [
        ("visual.conv1.weight", "F32", [vision_width, 3, patch, patch], floats(vision_width * 3 * patch * patch)),
        ("visual.class_embedding", "F32", [vision_width], floats(vision_width)),
        ("visual.positional_embedding", "F32", [grid * grid + 1, vision_width], floats((grid * grid + 1) * vision_width)),
        ("visual.proj", "F32", [vision_width, embed], floats(vision_width * embed)),
        ("token_embedding.weight", "BOOL", [vocab, width], bytes(vocab * width)),
        ("positional_embedding", "F32", [context, width], floats(context * width)),
        ("text_projection", "F32", [width, embed], floats(width * embed)),
        ("logit_scale", "F32", [], struct.pack("<f", 2.6592)),
    ]
    for layer in range(layers):
        tensors.append((f"visual.transformer.resblocks.{layer}.mlp.c_fc.weight", "F32", [mlp, vision_width], floats(mlp * vision_width)))
        tensors.append((f"transformer.resblocks.{layer}.mlp.c_fc.weight", "F32", [mlp, width], floats(mlp * width)))
    return safetensors(tensors)


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)

    # safetensors: every dtype, metadata, an empty file, a scalar.
    write("safetensors", "f32-i64-metadata", safetensors(
        [("weight", "F32", [2, 3], floats(6)), ("ids", "I64", [4], struct.pack("<4q", 0, 1, -2, 49407))],
        metadata={"format": "pt"}))
    write("safetensors", "half-types", safetensors(
        [("h", "F16", [2], struct.pack("<2H", 0x3C00, 0xC000)), ("b", "BF16", [2], struct.pack("<2H", 0x3F80, 0x7F80)),
         ("d", "F64", [1], struct.pack("<d", 0.5))]))
    write("safetensors", "small-integers", safetensors(
        [("mask", "BOOL", [3], bytes([1, 0, 1])), ("u", "U8", [2], bytes([7, 255])), ("i8", "I8", [2], bytes([0x80, 1])),
         ("i16", "I16", [1], struct.pack("<h", -3)), ("i32", "I32", [2], struct.pack("<2i", 5, -5))]))
    write("safetensors", "empty-header", safetensors([]))
    write("safetensors", "scalar", safetensors([("logit_scale", "F32", [], struct.pack("<f", 4.6052))]))
    write("safetensors", "zero-size", safetensors([("empty", "F32", [0, 4], b"")]))

    # clip-state: OpenAI-layout CLIP files whose sizes the zoo infers from tensor shapes.
    write("clip-state", "tiny", clip_state())
    write("clip-state", "two-layers", clip_state(layers=2, grid=3, patch=2))
    write("clip-state", "small-vocabulary", clip_state(vocab=10))
    write("clip-state", "reshaped-token-embedding", safetensors(
        [(name, dtype, [shape[0] * shape[1]] if name == "token_embedding.weight" else shape, raw)
         for name, dtype, shape, raw in json_free_tensors()]))

    # clip-config: Hugging Face CLIPModel config.json files.
    vision = {"hidden_act": "quick_gelu", "hidden_size": 64, "image_size": 32, "intermediate_size": 128,
              "num_attention_heads": 4, "num_hidden_layers": 2, "patch_size": 16, "layer_norm_eps": 1e-5}
    text = {"hidden_act": "quick_gelu", "hidden_size": 64, "intermediate_size": 128, "num_attention_heads": 4,
            "num_hidden_layers": 2, "max_position_embeddings": 77, "vocab_size": 49408, "layer_norm_eps": 1e-5}
    config = {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 32, "logit_scale_init_value": 2.6592,
              "text_config": text, "vision_config": vision}
    write("clip-config", "tiny.json", json.dumps(config, indent=2))
    write("clip-config", "defaults.json", json.dumps({"projection_dim": 512, "text_config": {k: v for k, v in text.items()
                                                       if k not in ("max_position_embeddings", "vocab_size")},
                                                       "vision_config": vision}))
    write("clip-config", "gelu.json", json.dumps({**config, "text_config": {**text, "hidden_act": "gelu"}}))
    write("clip-config", "string-size.json", json.dumps({**config, "vision_config": {**vision, "patch_size": "16"}}))

    # json: the reader behind zoo.json and model configs.
    write("json", "object.json", '{"a": [1, -2.5e3, true, false, null], "b": {"c": "d\\u00e9\\n\\"", "e": []}}')
    write("json", "surrogates.json", '["\\ud83d\\ude00", "\\u0000", "tab\\there", "é😀"]')
    write("json", "numbers.json", "[0, -0, 1e308, 1E-308, 123456789012345678901234567890, 0.1]")
    write("json", "nested.json", "[" * 40 + "]" * 40)
    write("json", "scalar.json", '"just a string"')

    # manifest: the repository's zoo.json and a one-entry manifest.
    with open(os.path.join(ROOT, "..", "zoo.json"), "rb") as handle:
        write("manifest", "zoo.json", handle.read())
    with open(os.path.join(ROOT, "..", "zoo.json")) as handle:
        manifest = json.load(handle)
    write("manifest", "one-entry.json", json.dumps({**manifest, "entries": manifest["entries"][:1]}, indent=2))
    write("manifest", "no-version.json", '{"entries": []}')

    # experiment: runs as values (a recorded run, then variants of it).
    # What `zoo train clip4clip-meanp` records in experiment.json (its weights path left out).
    recorded = json.loads(RECORDED_EXPERIMENT)
    write("experiment", "recorded-run.json", json.dumps(recorded, indent=2))
    distillation = {**recorded, "teachers": [{"name": "clip4clip-seqtransf"}],
                    "losses": [{"name": "kd", "weight": 1, "settings": {"temperature": "4"}}]}
    write("experiment", "distillation.json", json.dumps(distillation, indent=2))
    write("experiment", "missing-fields.json", json.dumps({"student": {"name": "mlp-student"}, "data": {"dataset": "digits"}, "seed": 3}))

    # tokenizer: captions as users write them.
    for index, caption in enumerate([
        "a man is playing a guitar on stage",
        "A WOMAN'S dog doesn't like   the rain!!",
        "cooking &amp; eating &lt;pasta&gt; &#39;al dente&#39;",
        "émigré café naïve — 東京 の 夜景 😀👍🏽",
        "numbers 123 4.5 and under_scores-and-dashes",
        " ".join(["word"] * 100),
        "",
    ]):
        write("tokenizer", f"caption-{index}.txt", caption)

    # pnm: every netpbm kind the reader takes.
    write("pnm", "p6-2x2.ppm", b"P6\n2 2\n255\n" + bytes(range(12)))
    write("pnm", "p5-16bit.pgm", b"P5\n3 1\n65535\n" + struct.pack(">3H", 0, 32768, 65535))
    write("pnm", "p3-comment.ppm", b"P3\n# a comment\n2 1\n15\n0 5 10  15 15 0\n")
    write("pnm", "p2.pgm", b"P2 2 2 3 0 1 2 3\n")
    write("pnm", "p6-maxval-1.ppm", b"P6 1 1 1\n\x01\x00\x01")

    # csv: MSR-VTT's split lists.
    write("csv", "jsfusion-test.csv", 'key,vid_key,video_id,sentence\nret0,msr7020,video7020,"a woman, singing"\n'
                                     'ret1,msr7021,video7021,a ""quoted"" word\n')
    write("csv", "train-9k.csv", "video_id\nvideo0\nvideo1\r\nvideo2\n")
    write("csv", "multiline.csv", 'a,b\n"line one\nline two",2\n')

    # msrvtt-json: MSRVTT_data.json.
    write("msrvtt-json", "sentences.json", json.dumps({
        "info": {"year": 2016}, "videos": [{"video_id": "video0", "split": "train"}],
        "sentences": [{"caption": "a man is talking", "video_id": "video0", "sen_id": 0},
                      {"caption": "someone speaks", "video_id": "video1", "sen_id": 1}]}))
    write("msrvtt-json", "wrong-type.json", '{"sentences": [{"caption": 3, "video_id": "video0"}]}')
    write("msrvtt-json", "empty.json", '{"sentences": []}')

    # pickle: MSVD's raw-captions.pkl ({video_id: [[token, ...], ...]}) at protocols 2 to 5, a
    # Python 2 style one (str as SHORT_BINSTRING), and near-misses the reader must refuse.
    import pickle
    captions = {"-4wsuPCjDBc_5_15": [["a", "squirrel", "is", "eating"], ["a", "squirrel", "eats"]],
                "zv2RIbUsnSw_159_165": [["a", "man", "plays", "a", "guitar"]]}
    for protocol in (2, 3, 4, 5):
        write("pickle", "captions-p%d.pkl" % protocol, pickle.dumps(captions, protocol=protocol))
    write("pickle", "python2-str.pkl", b"\x80\x02}q\x00(U\x03vid]q\x01(](U\x01aU\x03dogeeu.")
    write("pickle", "shared-references.pkl", pickle.dumps([captions, captions, (1, -70000, 2 ** 40, None, True)], protocol=4))
    # Never loaded: GLOBAL + REDUCE, as `pickle.dumps` writes for an object whose __reduce__ is os.system.
    write("pickle", "global-reduce.pkl", b"\x80\x02cposix\nsystem\nq\x00X\n\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.")


RECORDED_EXPERIMENT = """{"backbone": {"name": "clip-tiny", "settings": {}}, "data": {"dataset": "synthvtt",
 "freezeImageEncoder": true, "paths": {}}, "losses": [], "recipe": {"backboneLearningRateMultiplier": 0.1,
 "batchSize": 32, "beta1": 0.9, "beta2": 0.98, "contextLength": 32, "epochs": 1, "eps": 1e-06, "evaluateEvery": 0,
 "gradientClip": 1, "learningRate": 0.001, "momentum": 0.9, "optimizer": "bertAdam",
 "parameterRules": [{"pattern": "*bias*", "weightDecay": 0}], "schedule": {"warmupCosine": {"warmup": 0.1}},
 "weightDecay": 0.2}, "seed": 0, "student": {"name": "clip4clip-meanp", "settings": {}}, "taskWeight": 1, "teachers": []}"""


def json_free_tensors():
    """The tensors of the tiny OpenAI-layout seed, for variants that change one shape."""
    data = clip_state()
    length = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + length])
    blob = data[8 + length:]
    return [(name, spec["dtype"], spec["shape"], blob[spec["data_offsets"][0]:spec["data_offsets"][1]])
            for name, spec in header.items()]


if __name__ == "__main__":
    main()

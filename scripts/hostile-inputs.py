#!/usr/bin/env python3
"""Drives the `zoo` program through thousands of hostile inputs and counts what went wrong.

    python3 scripts/hostile-inputs.py --zoo .build/release/zoo [--work DIR] [--family NAME ...] [--seed S]

Families (issue #19): mutated safetensors weights and inputs, Hugging Face config.json edits, `--set`
values, captions, MSR-VTT folders, features folders, images, CLI misuse, outputs aimed at inputs,
SIGKILL during training, and a full disk (a 256 KiB tmpfs, when this user may mount one); issue #21
adds the official dataset layouts with broken annotation files and hostile caption pickles.

Every case runs the real program with a time limit and is judged:
  crash    killed by a signal, a Swift "Fatal error", or an exit status other than 0, 1, 2 or 130;
  hang     still running after the limit (60 s);
  silent   a case that must be refused (a broken file, a flag with no effect) exited 0;
  loss     a file the case reads, or a checkpoint it must keep, changed or no longer opens;
  contract --json output that is not JSON (bare nan, a half-written line).
Refusals with a message (exit 1 or 2) are the expected answer to bad input. The summary prints the
counts per family, and every case goes to WORK/cases.jsonl. Python's standard library only.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")
TINY_CLIP = os.path.join(FIXTURES, "tiny-clip")
MEANP = os.path.join(FIXTURES, "parity", "clip4clip-meanp")
LIMIT = 60


class Campaign:
    def __init__(self, zoo, work, seed):
        self.zoo, self.work = os.path.abspath(zoo), os.path.abspath(work)
        self.random = random.Random(seed)
        self.counts = {}
        self.findings = []
        os.makedirs(self.work, exist_ok=True)
        self.log = open(os.path.join(self.work, "cases.jsonl"), "w")

    def run(self, family, arguments, must_refuse=False, protect=(), json_output=False, limit=LIMIT, env=None):
        """Runs zoo ARGUMENTS; judges the outcome; returns (status, stdout, stderr)."""
        before = {path: digest(path) for path in protect}
        started = time.time()
        try:
            result = subprocess.run([self.zoo] + arguments, capture_output=True, timeout=limit, cwd=self.work,
                                    env={**os.environ, "SWIFT_BACKTRACE": "enable=no", **(env or {})})
            status, out, err = result.returncode, result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as timeout:
            status, out, err = None, "", (timeout.stderr or b"").decode("utf-8", "replace")
        verdicts = []
        if status is None:
            verdicts.append("hang")
        elif status < 0 or status not in (0, 1, 2, 130) or "Fatal error" in err or "Segmentation fault" in err:
            verdicts.append("crash")
        if status == 0 and must_refuse:
            verdicts.append("silent")
        for path, digest_before in before.items():
            if digest(path) != digest_before:
                verdicts.append("loss")
        if status == 0 and json_output:
            try:
                json.loads(out)
            except ValueError:
                verdicts.append("contract")
        self.record(family, arguments, status, verdicts, err, time.time() - started)
        return status, out, err

    def record(self, family, arguments, status, verdicts, err="", seconds=0.0):
        counts = self.counts.setdefault(family, {"cases": 0, "refused": 0, "accepted": 0, "crash": 0, "hang": 0,
                                                 "silent": 0, "loss": 0, "contract": 0})
        counts["cases"] += 1
        counts["accepted" if status == 0 else "refused"] += 1
        for verdict in verdicts:
            counts[verdict] += 1
        entry = {"family": family, "arguments": arguments, "status": status, "verdicts": verdicts,
                 "seconds": round(seconds, 2), "stderr": err[-400:]}
        if verdicts:
            self.findings.append(entry)
        self.log.write(json.dumps(entry) + "\n")
        self.log.flush()

    def path(self, *parts):
        return os.path.join(self.work, *parts)


def digest(path):
    if not os.path.exists(path):
        return None
    if os.path.isdir(path):
        return tuple(sorted((name, digest(os.path.join(path, name))) for name in os.listdir(path)))
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data.encode() if isinstance(data, str) else data)


def read(path):
    with open(path, "rb") as handle:
        return handle.read()


HOSTILE_NUMBERS = ["0", "-1", "-64", "1e12", "1000000000000", "9223372036854775807", "nan", "inf", "-inf", "1.5",
                   "3.4e38", "\"8\"", "true", "null", "[]", "{}", "", "0x10", "1e-45", "99999999999999999999999"]


def mutate_bytes(rng, data, header_length=None):
    """One of: flip bits, overwrite a run, truncate, extend, splice a number into the header."""
    data = bytearray(data)
    choice = rng.randrange(6)
    limit = header_length or len(data)
    if choice == 0 and data:
        for _ in range(rng.randint(1, 8)):
            index = rng.randrange(min(limit, len(data)))
            data[index] ^= 1 << rng.randrange(8)
    elif choice == 1 and data:
        start = rng.randrange(min(limit, len(data)))
        data[start:start + rng.randint(1, 16)] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    elif choice == 2:
        data = data[:rng.randrange(len(data) + 1)]
    elif choice == 3:
        data += bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    elif choice == 4 and len(data) >= 8:
        data[0:8] = struct.pack("<Q", rng.choice([0, 1, 7, len(data), len(data) - 8, 2 ** 32, 2 ** 63 - 1, 2 ** 64 - 1]))
    else:
        digits = [index for index in range(min(limit, len(data))) if chr(data[index]).isdigit()]
        if digits:
            index = rng.choice(digits)
            data[index:index + 1] = rng.choice(["0", "-1", "99999999999999999999", "1e12", "18446744073709551616"]).encode()
    return bytes(data)


def safetensors_edit(rng, data):
    """Edits the header JSON of a safetensors file as a person might: dtype, shape, offsets."""
    length = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + length])
    names = [name for name in header if name != "__metadata__"]
    if not names:
        return data
    name = rng.choice(names)
    field = rng.choice(["dtype", "shape", "data_offsets", "delete", "rename", "duplicate-offsets"])
    if field == "dtype":
        header[name]["dtype"] = rng.choice(["F16", "BF16", "F64", "I64", "I8", "BOOL", "U8", "F8_E4M3", "X", 3])
    elif field == "shape":
        header[name]["shape"] = rng.choice([[], [0], [-1], [2 ** 40], [1, 2 ** 62], ["4"], [1.5], None,
                                            list(reversed(header[name]["shape"]))])
    elif field == "data_offsets":
        begin, end = header[name]["data_offsets"]
        header[name]["data_offsets"] = rng.choice([[end, begin], [begin, end + 4], [-4, end], [0, 2 ** 63], [begin], "0"])
    elif field == "delete":
        del header[name]
    elif field == "rename":
        header[name + "_x"] = header.pop(name)
    else:
        other = rng.choice(names)
        header[name]["data_offsets"] = header[other]["data_offsets"]
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data[8 + length:]


# ---------------------------------------------------------------------------------------------
# Families

def safetensors_family(campaign, count):
    weights, inputs = read(os.path.join(MEANP, "weights.safetensors")), read(os.path.join(MEANP, "inputs.safetensors"))
    original_inputs = os.path.join(MEANP, "inputs.safetensors")
    rng = campaign.random
    for index in range(count):
        target_weights = index % 2 == 0
        source = weights if target_weights else inputs
        length = struct.unpack("<Q", source[:8])[0]
        mutated = safetensors_edit(rng, source) if rng.random() < 0.4 else mutate_bytes(rng, source, header_length=8 + length)
        path = campaign.path("safetensors", f"case{index}.safetensors")
        write(path, mutated)
        weights_path = path if target_weights else os.path.join(MEANP, "weights.safetensors")
        inputs_path = original_inputs if target_weights else path
        campaign.run("safetensors", ["similarity", "clip4clip-meanp", "--weights", weights_path, "--inputs", inputs_path, "--json"],
                     protect=[path, original_inputs], json_output=True)


def clip_config_family(campaign, count):
    config = json.loads(read(os.path.join(TINY_CLIP, "config.json")))
    rng = campaign.random
    fields = [("vision_config", key) for key in config["vision_config"]] + [("text_config", key) for key in config["text_config"]] \
        + [(None, key) for key in config if not isinstance(config[key], dict)]
    for index in range(count):
        edited = json.loads(json.dumps(config))
        section, key = rng.choice(fields)
        owner = edited[section] if section else edited
        action = rng.randrange(4)
        must_refuse = False
        if action == 0:
            del owner[key]
        elif action == 1:
            value = rng.choice(HOSTILE_NUMBERS)
            try:
                owner[key] = json.loads(value)
            except ValueError:
                owner[key] = value
            must_refuse = key in ("patch_size", "hidden_size", "num_attention_heads", "num_hidden_layers", "intermediate_size",
                                  "image_size", "projection_dim") and owner[key] != config.get(section, config).get(key) \
                if section else False
        elif action == 2:
            owner[key] = rng.choice(["quick_gelu", "gelu", "relu", [], {}, None])
        else:
            text = json.dumps(edited)
            cut = rng.randrange(len(text))
            folder = campaign.path("clip-config", f"case{index}")
            write(os.path.join(folder, "config.json"), text[:cut])
            link(folder)
            campaign.run("clip-config", ["embed", "clip-tiny", "--weights", folder, "--text", "a dog", "--json"],
                         must_refuse=True, protect=[os.path.join(TINY_CLIP, "model.safetensors")], json_output=True)
            continue
        folder = campaign.path("clip-config", f"case{index}")
        write(os.path.join(folder, "config.json"), json.dumps(edited))
        link(folder)
        campaign.run("clip-config", ["embed", "clip-tiny", "--weights", folder, "--text", "a dog", "--json"],
                     must_refuse=must_refuse, protect=[os.path.join(TINY_CLIP, "model.safetensors")], json_output=True)


def link(folder):
    target = os.path.join(folder, "model.safetensors")
    if not os.path.exists(target):
        os.symlink(os.path.join(TINY_CLIP, "model.safetensors"), target)


SET_KEYS = {
    "clip4clip-meanp": ["embedDim", "frames", "words", "layers", "heads", "maxPositions", "logitScaleInit", "keyMaskBias", "nope"],
    "clip4clip-seqtransf": ["embedDim", "frames", "layers", "heads", "maxPositions", "layerNormEps", "lstmLayers"],
    "clip4clip-seqlstm": ["frames", "lstmLayers", "embedDim"],
    "clip4clip-tighttransf": ["layers", "heads", "maxPositions", "frames"],
    "xclip": ["frames", "words", "pairsPerBlock", "layers", "heads"],
}


def set_family(campaign, count):
    rng = campaign.random
    inputs = os.path.join(MEANP, "inputs.safetensors")
    for index in range(count):
        kind = index % 3
        value = rng.choice(HOSTILE_NUMBERS + ["4", "8", "1"])
        if kind == 0:
            head = rng.choice(sorted(SET_KEYS))
            key = rng.choice(SET_KEYS[head])
            weights = os.path.join(FIXTURES, "parity", head, "weights.safetensors")
            campaign.run("set", ["similarity", head, "--weights", weights, "--inputs", os.path.join(FIXTURES, "parity", head, "inputs.safetensors"),
                                 "--json", "--set", f"{key}={value}"],
                         must_refuse=value in ("-1", "1e12", "nan", "\"8\"", "[]", "{}", "") or key == "nope",
                         protect=[weights, inputs], json_output=True)
        elif kind == 1:
            key = rng.choice(["imageSize", "patchSize", "visionWidth", "visionLayers", "visionHeads", "textWidth", "textLayers",
                              "textHeads", "contextLength", "vocabSize", "embedDim", "mlpRatio", "layerNormEps", "unknownKey"])
            campaign.run("set", ["embed", "clip-tiny", "--text", "a dog", "--json", "--set", f"{key}={value}",
                                 "--weights", TINY_CLIP],
                         must_refuse=key == "unknownKey" or value in ("-1", "0", "1e12", "nan", "[]", "{}", ""),
                         json_output=True)
        else:
            key = rng.choice(["hidden", "inputs", "classes", "dropout", "inputDropout", "training", "epochs", "widths"])
            setting = f"{key}=[{value}]" if key == "hidden" and rng.random() < 0.5 else f"{key}={value}"
            out = campaign.path("set", f"run{index}")
            campaign.run("set", ["train", "mlp-student", "--steps", "1", "--out", out, "--set", setting, "--json"],
                         must_refuse=key in ("training", "epochs", "widths") or value in ("-1", "1e12", "nan", "[]", "{}", ""),
                         json_output=True)
            shutil.rmtree(out, ignore_errors=True)


def caption_family(campaign, count):
    rng = campaign.random
    pieces = ["a dog", "😀" * 50, "\u0000", "\ufeff", "&amp;" * 30, "x" * 5000, " ", "\n\n", "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
              "é" * 300, "<|endoftext|>", "<|startoftext|>", "'" * 100, "東京" * 200, "\u202e rtl", "a" * 76, "word " * 80]
    for index in range(count):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))
        if "\u0000" in text:
            text = text.replace("\u0000", "")   # argv cannot hold NUL
        if index % 2 == 0:
            context = rng.choice(["77", "2", "1", "0", "-5", "4097", "1000000000", "x"])
            campaign.run("captions", ["tokenize", text, "--context", context, "--json"],
                         must_refuse=context in ("1", "0", "-5", "4097", "1000000000", "x"), json_output=True)
        else:
            campaign.run("captions", ["embed", "clip-tiny", "--weights", TINY_CLIP, "--text", text, "--json"], json_output=True)


def make_videos(folder, names):
    os.makedirs(folder, exist_ok=True)
    for index, name in enumerate(names):
        path = os.path.join(folder, name + ".mp4")
        if not os.path.exists(path):
            subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"testsrc=size=48x32:rate=4:duration={1 + index % 2}",
                            "-pix_fmt", "yuv420p", path], check=True)


def msrvtt_family(campaign, count):
    rng = campaign.random
    videos = campaign.path("msrvtt-videos")
    make_videos(videos, ["video0", "video1", "video2"])
    good = {
        "MSRVTT_data.json": json.dumps({"sentences": [{"caption": f"a clip number {i}", "video_id": f"video{i}"} for i in range(3)]}),
        "MSRVTT_train.9k.csv": "video_id\nvideo0\nvideo1\nvideo2\n",
        "MSRVTT_JSFUSION_test.csv": "key,vid_key,video_id,sentence\n" + "".join(f"ret{i},msr{i},video{i},a clip number {i}\n" for i in range(3)),
    }
    for index in range(count):
        folder = campaign.path("msrvtt", f"case{index}")
        files = dict(good)
        name = rng.choice(sorted(files))
        action = rng.randrange(5)
        must_refuse = True
        if action == 0:
            del files[name]
        elif action == 1:
            files[name] = files[name][:rng.randrange(len(files[name]))]
            must_refuse = False   # a cut after a whole row leaves a shorter, valid file
        elif action == 2:
            files[name] = bytes(rng.randrange(256) for _ in range(64))
        elif action == 3:
            files[name] = mutate_bytes(rng, files[name].encode())
            must_refuse = False   # a mutation may keep the file valid
        else:
            files["MSRVTT_train.9k.csv"] = "video_id\nvideo0\nvideo9\n"   # a training video that is not there
            name = "MSRVTT_train.9k.csv"
        for file, content in files.items():
            write(os.path.join(folder, file), content)
        os.symlink(videos, os.path.join(folder, "videos"))
        split = "train" if name in ("MSRVTT_data.json", "MSRVTT_train.9k.csv") else "test"
        protect = [os.path.join(folder, file) for file in files]
        if split == "train":
            out = campaign.path("msrvtt", f"run{index}")
            campaign.run("msrvtt", ["train", "clip-tiny", "--data", f"msrvtt:{folder}", "--frames", "2", "--steps", "1",
                                    "--batch-size", "2", "--out", out, "--json"],
                         must_refuse=must_refuse, protect=protect, json_output=True)
            shutil.rmtree(out, ignore_errors=True)
        else:
            campaign.run("msrvtt", ["eval", "clip-tiny", "--weights", TINY_CLIP, "--data", f"msrvtt:{folder}", "--frames", "2", "--json"],
                         must_refuse=must_refuse, protect=protect, json_output=True)


def dataset_family(campaign, count):
    """The official-layout fixtures (Tests/Fixtures/datasets) with one annotation file deleted, cut,
    replaced by garbage or mutated, and MSVD's pickle swapped for a hostile one; read by
    `zoo data check --json` and, every seventh case, evaluated."""
    rng = campaign.random
    layouts = ["msvd", "lsmdc", "didemo", "activitynet", "msrvtt"]
    hostile = [read(os.path.join(FIXTURES, "pickle", name)) for name in ("global-reduce.pkl", "inst.pkl", "build.pkl", "persistent-id.pkl")]
    prepared = {}
    for layout in layouts:
        source = os.path.join(FIXTURES, "datasets", layout)
        expected = json.load(open(os.path.join(source, "expected.json")))
        videos = campaign.path("datasets-videos", layout)
        for relative in expected["videos"]:
            target = os.path.join(videos, relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if not os.path.exists(target):
                subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=32x24:rate=4:duration=2",
                                "-pix_fmt", "yuv420p", "-f", "mp4", target], check=True)
        files = {name: read(os.path.join(source, name)) for name in os.listdir(source) if name != "expected.json"}
        prepared[layout] = (files, os.path.join(videos, "videos"))
    for index in range(count):
        layout = layouts[index % len(layouts)]
        files, videos = prepared[layout]
        files = dict(files)
        name = rng.choice(sorted(files))
        action = rng.randrange(6 if layout == "msvd" else 5)
        must_refuse = True
        if action == 0:
            del files[name]
        elif action == 1:
            files[name] = files[name][:rng.randrange(len(files[name]))]
            must_refuse = name.endswith(".pkl") or name.endswith(".json")   # a text file cut after a line stays valid
        elif action == 2:
            files[name] = bytes(rng.randrange(256) for _ in range(64))
        elif action == 3:
            files[name] = mutate_bytes(rng, files[name])
            must_refuse = False
        elif action == 4:
            files[name] = b""
            must_refuse = not name.endswith(".txt") and not name.endswith(".csv")
        else:
            name = "raw-captions.pkl"
            files[name] = rng.choice(hostile)
        folder = campaign.path("datasets", f"case{index}")
        for file, content in files.items():
            write(os.path.join(folder, file), content)
        os.symlink(videos, os.path.join(folder, "videos"))
        protect = [os.path.join(folder, file) for file in files]
        # A deleted file breaks only the splits that read it: check every split, which reads them all.
        campaign.run("datasets", ["data", "check", f"{layout}:{folder}", "--json", "--no-decode", "--max-missing", "100%"],
                     must_refuse=must_refuse, protect=protect, json_output=True)
        if index % 7 == 3:   # every layout in turn
            campaign.run("datasets", ["eval", "clip-tiny", "--weights", TINY_CLIP, "--data", f"{layout}:{folder}", "--frames", "2",
                                      "--max-missing", "100%", "--json"], protect=protect, json_output=True)


def features_family(campaign, count):
    rng = campaign.random
    for index in range(count):
        folder = campaign.path("features", f"case{index}")
        videos = [f"v{i}" for i in range(3)]
        tensors = []
        action = rng.randrange(7)   # 6: the intact folder, which must be read
        must_refuse = action != 6
        for i, video in enumerate(videos):
            frames, width = 2 + i, 32
            values = [0.01 * ((i * 7 + j) % 13 - 6) for j in range(frames * width)]
            if action == 0 and i == 1:
                values[3] = float(rng.choice(["nan", "inf", "-inf"]))
            if action == 1 and i == 2:
                width = rng.choice([16, 64, 1])
                values = values[:frames * width] + [0.1] * max(0, frames * width - len(values))
            shape = [frames, width]
            if action == 2 and i == 0:
                shape = rng.choice([[0, 32], [frames * width], [1, frames, width]])
                if shape == [0, 32]:
                    values = []
            tensors.append((video, "F32", shape, struct.pack(f"<{len(values)}f", *values)))
        from_seeds = safetensors_bytes(tensors)
        captions = {"test": [{"video": video, "caption": f"clip {video}"} for video in videos]}
        if action == 3:
            captions["test"].append({"video": "missing", "caption": "not there"})
        if action == 4:
            captions = rng.choice([{"test": []}, {"train": captions["test"]}, {"test": [{"video": 3, "caption": "x"}]}, [], "text"])
        if action == 5:
            from_seeds = mutate_bytes(rng, from_seeds)
            must_refuse = False
        write(os.path.join(folder, "features.safetensors"), from_seeds)
        write(os.path.join(folder, "captions.json"), json.dumps(captions))
        if action == 6:
            status, _, _ = campaign.run("features", ["eval", "clip-tiny", "--weights", TINY_CLIP, "--data", f"features:{folder}", "--json"],
                                        protect=[folder], json_output=True)
            if status != 0:
                campaign.counts["features"]["contract"] += 1   # the control case must be read
                campaign.findings.append({"family": "features", "arguments": [folder], "status": status, "verdicts": ["control refused"]})
            continue
        campaign.run("features", ["eval", "clip-tiny", "--weights", TINY_CLIP, "--data", f"features:{folder}", "--json"],
                     must_refuse=must_refuse, protect=[folder], json_output=True)


def safetensors_bytes(tensors):
    header, offset, blob = {}, 0, b""
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blob += raw
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + blob


def image_family(campaign, count):
    rng = campaign.random
    seeds = {
        "ppm": b"P6\n4 3\n255\n" + bytes(range(36)),
        "pgm": b"P5\n3 2\n65535\n" + bytes(12),
        "jpg": read(os.path.join(FIXTURES, "clip-preprocess", "franz-kafka.jpg")),
    }
    png = campaign.path("images", "seed.png")
    os.makedirs(os.path.dirname(png), exist_ok=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=20x10", "-frames:v", "1", png], check=True)
    seeds["png"] = read(png)
    headers = [b"P6\n2147483648 2\n255\n", b"P6\n0 0\n255\n", b"P6\n-3 4\n255\n", b"P5\n1 1\n0\n", b"P3\n1 1\n255\n300 0 0\n",
               b"P6\n99999999999999999999 1\n255\n", b"P6 1 1 65536\n"]
    for index in range(count):
        kind = rng.choice(sorted(seeds))
        if index % 5 == 0:
            data, kind = rng.choice(headers) + bytes(rng.randrange(256) for _ in range(rng.randint(0, 32))), "ppm"
        else:
            data = mutate_bytes(rng, seeds[kind], header_length=min(len(seeds[kind]), 64))
        path = campaign.path("images", f"case{index}.{kind}")
        write(path, data)
        campaign.run("images", ["embed", "clip-tiny", "--weights", TINY_CLIP, "--image", path, "--json"],
                     protect=[path], json_output=True)


MISUSE = [
    (["train"], True), (["train", "nope-model"], True), (["train", "mlp-student", "--lr", "-1", "--steps", "1"], True),
    (["train", "mlp-student", "--steps", "0"], True), (["train", "mlp-student", "--steps", "-3"], True),
    (["train", "mlp-student", "--batch-size", "0"], True), (["train", "mlp-student", "--batch-size", "99999999999"], True),
    (["train", "mlp-student", "--teacher", "mlp-teacher", "--steps", "1"], True),
    (["train", "mlp-student", "--distill", "hinton-kd", "--steps", "1"], True),
    (["train", "mlp-student", "--set", "training=5", "--steps", "1"], True), (["train", "mlp-student", "--frames", "4", "--steps", "1"], True),
    (["train", "mlp-student", "--data", "msrvtt:/nonexistent", "--steps", "1"], True), (["train", "mlp-student", "--data", "???"], True),
    (["train", "mlp-student", "--seed", "-1"], True), (["train", "mlp-student", "--seed", "1e3"], True),
    (["train", "mlp-student", "--epochs", "nan"], True), (["train", "mlp-student", "--lr", "inf", "--steps", "1"], True),
    (["train", "mlp-student", "--optimizer", "lion", "--steps", "1"], True), (["train", "mlp-student", "--resume"], True),
    (["train", "--experiment", "/nonexistent.json"], True), (["eval", "clip-tiny"], True),
    (["eval", "clip-tiny", "--weights", TINY_CLIP, "--split", "dev"], True), (["eval", "clip-tiny", "--weights", TINY_CLIP, "--frames", "0"], True),
    (["eval", "clip-tiny", "--weights", TINY_CLIP, "--frames", "1000000"], True), (["eval", "clip-tiny", "--weights", "/dev/null"], True),
    (["eval", "clip-tiny", "--weights", "/"], True), (["compare"], True), (["compare", "mlp-student", "--seeds", ""], True),
    (["compare", "mlp-student", "--seeds", "0,0"], True), (["compare", "mlp-student", "--seeds", "a"], True),
    (["compare", "mlp-student", "--seeds", ",".join(str(i) for i in range(20000))], True),
    (["similarity", "clip4clip-meanp"], True), (["similarity", "clip-tiny", "--weights", "x", "--inputs", "y", "--json"], True),
    (["tokenize"], False), (["tokenize", "a", "--context", "1000000000"], True), (["info", "nope"], True), (["list", "--kind", "nope"], True),
    (["embed", "clip-tiny", "--weights", TINY_CLIP], True), (["embed", "clip-tiny", "--weights", TINY_CLIP, "--image", "/nonexistent.png", "--json"], True),
    (["--version"], False), (["help", "nope"], True), (["nope"], True), (["-x"], True), (["train", "--", "--steps"], True),
    (["data", "synthvtt", "--frames", "1000000"], True), (["data", "synthvtt", "--count", "-1"], True),
]


def misuse_family(campaign, count):
    rng = campaign.random
    for index in range(count):
        if index < len(MISUSE):
            arguments, must_refuse = MISUSE[index]
        else:
            base, _ = rng.choice(MISUSE)
            arguments = list(base)
            for _ in range(rng.randint(1, 3)):
                arguments.insert(rng.randint(1, len(arguments)) if arguments else 0,
                                 rng.choice(["--steps", "--json", "--set", "x=1", "-1", "--out", "--force", "--", "", "--frames", "7",
                                             "--data", "digits", "--seeds", "--weights", "\u00e9", "--resume", "--help"]))
            must_refuse = False
        out = campaign.path("misuse", f"run{index}")
        if arguments and arguments[0] in ("train", "compare") and "--out" not in arguments:
            arguments = arguments + ["--out", out]
        campaign.run("cli-misuse", arguments, must_refuse=must_refuse, limit=LIMIT)
        shutil.rmtree(out, ignore_errors=True)


def overwrite_family(campaign, count):
    weights = campaign.path("overwrite", "weights.safetensors")
    inputs = campaign.path("overwrite", "inputs.safetensors")
    for index in range(count):
        write(weights, read(os.path.join(MEANP, "weights.safetensors")))
        write(inputs, read(os.path.join(MEANP, "inputs.safetensors")))
        target = [weights, inputs, weights.replace("weights", "./weights"), campaign.path("overwrite", "..", "overwrite", "inputs.safetensors")][index % 4]
        force = index % 8 >= 4
        campaign.run("overwrite", ["similarity", "clip4clip-meanp", "--weights", weights, "--inputs", inputs, "--out", target]
                     + (["--force"] if force else []), must_refuse=True, protect=[weights, inputs])


def kill_family(campaign, count):
    """SIGKILL at a random moment of `zoo train`, then --resume: the run must continue and finish."""
    rng = campaign.random
    for index in range(count):
        out = campaign.path("kill", f"run{index}")
        shutil.rmtree(out, ignore_errors=True)
        arguments = ["train", "mlp-student", "--steps", "60", "--out", out]
        process = subprocess.Popen([campaign.zoo] + arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=campaign.work)
        time.sleep(rng.uniform(0.05, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        checkpoint = os.path.join(out, "last.safetensors")
        if not os.path.exists(checkpoint):
            campaign.record("sigkill", arguments + ["(killed before the first checkpoint)"], 1, [])
            continue
        status, out_text, err = campaign.run("sigkill", arguments + ["--resume", "--json"], json_output=True)
        if status != 0:
            campaign.findings.append({"family": "sigkill", "arguments": arguments, "status": status, "verdicts": ["loss"], "stderr": err[-400:]})
            campaign.counts["sigkill"]["loss"] += 1
        shutil.rmtree(out, ignore_errors=True)


def full_disk_family(campaign, count):
    mount = campaign.path("full-disk")
    os.makedirs(mount, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount], capture_output=True).returncode == 0
    if not mounted:
        print("full-disk: cannot mount a tmpfs here (needs root); family skipped", file=sys.stderr)
        return
    try:
        for index in range(count):
            for name in os.listdir(mount):
                path = os.path.join(mount, name)
                shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
            filler = os.path.join(mount, "filler")
            write(filler, b"\0" * (256 * 1024 - 4096 * (index % 20)))   # leave 0…76 KiB free
            out = os.path.join(mount, "run")
            status, _, err = campaign.run("full-disk", ["train", "mlp-student", "--steps", "2", "--out", out, "--json"],
                                          must_refuse=True, json_output=True)
            leftovers = [name for name in (os.listdir(out) if os.path.isdir(out) else []) if ".tmp-" in name]
            if leftovers:
                campaign.counts["full-disk"]["loss"] += 1
                campaign.findings.append({"family": "full-disk", "arguments": ["leftover"], "status": status, "verdicts": ["loss"],
                                          "stderr": str(leftovers)})
    finally:
        subprocess.run(["umount", mount])


FAMILIES = {
    "safetensors": (safetensors_family, 360), "clip-config": (clip_config_family, 220), "set": (set_family, 300),
    "captions": (caption_family, 200), "msrvtt": (msrvtt_family, 150), "features": (features_family, 200),
    "images": (image_family, 250), "cli-misuse": (misuse_family, 300), "overwrite": (overwrite_family, 40),
    "sigkill": (kill_family, 40), "full-disk": (full_disk_family, 20), "datasets": (dataset_family, 200),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zoo", required=True, help="the zoo program to drive")
    parser.add_argument("--work", default="/tmp/zoo-hostile", help="scratch folder (emptied first)")
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES), help="only these families")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every family's case count")
    parser.add_argument("--seed", type=int, default=19)
    options = parser.parse_args()
    shutil.rmtree(options.work, ignore_errors=True)
    campaign = Campaign(options.zoo, options.work, options.seed)
    for name in options.family or list(FAMILIES):
        function, count = FAMILIES[name]
        started = time.time()
        function(campaign, max(1, int(count * options.scale)))
        counts = campaign.counts.get(name, {})
        print(f"{name:12s} {counts.get('cases', 0):5d} cases in {time.time() - started:6.0f} s: "
              + ", ".join(f"{key} {counts.get(key, 0)}" for key in ("refused", "accepted", "crash", "hang", "silent", "loss", "contract")),
              flush=True)
    total = {key: sum(counts.get(key, 0) for counts in campaign.counts.values())
             for key in ("cases", "refused", "accepted", "crash", "hang", "silent", "loss", "contract")}
    print("total        " + ", ".join(f"{key} {value}" for key, value in total.items()))
    with open(os.path.join(options.work, "findings.json"), "w") as handle:
        json.dump(campaign.findings, handle, indent=1)
    if campaign.findings:
        print(f"{len(campaign.findings)} finding(s) in {options.work}/findings.json")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

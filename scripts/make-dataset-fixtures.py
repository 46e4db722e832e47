#!/usr/bin/env python3
"""Writes the dataset-annotation fixtures under Tests/Fixtures/datasets/ and the pickle fixtures under
Tests/Fixtures/pickle/.

    pip install torch numpy pandas
    python3 scripts/make-dataset-fixtures.py --clip4clip /path/to/CLIP4Clip [--out Tests/Fixtures/datasets]

--clip4clip is a checkout (or unpacked archive) of https://github.com/ArrowLuo/CLIP4Clip. Nothing in it
is copied: this script imports its dataloaders/dataloader_*_retrieval.py modules and runs them.

Tests/Fixtures/datasets/<name>/ for msvd, lsmdc, didemo, activitynet and msrvtt receives tiny annotation
files laid out like the real downloads (split lists, caption pickle, tab-separated LSMDC files, DiDeMo
and ActivityNet Captions JSON, MSR-VTT JSON and CSVs), plus expected.json:

    {"source": "...", "loader_sha256": "...", "videos": ["videos/...", ...],
     "paths": {VIDEO: "videos/..."},
     "splits": {SPLIT: [{"video": VIDEO, "caption": TEXT[, "start": S, "end": E][, "official_key": K]}, ...]}}

"videos" lists every placeholder file a test has to create (relative to the dataset root); "paths" gives
the file each video of a pair resolves to. Each split is what the official loader class yields, in its order:
its pair dictionary is walked and every item is also fetched through __getitem__ with a recording
tokenizer and a recording video reader, and the two must agree. "caption" is the text handed to the
tokenizer; "start"/"end" (DiDeMo, ActivityNet) are the seconds handed to the video reader. "video" is
the video's file name without its last extension; "official_key" is added where the loader's own key
differs (DiDeMo keeps the extension, ActivityNet keeps the "v_" prefix).

MSR-VTT also gets two splits the official code lacks, built here in plain Python:
  test-full      every sentence of MSRVTT_data.json whose video has split "test", in the JSON's order;
  test-1k-a-all  every sentence of MSRVTT_data.json whose video is in MSRVTT_JSFUSION_test.csv, in the
                 JSON's order.

Tests/Fixtures/pickle/ receives a small {video: [[token, ...], ...]} caption dict pickled with protocols
2-5, a protocol-2 pickle as Python 2 would have written it for `str` (SHORT_BINSTRING, hand-assembled
here), expected-captions.json (the dict), and hostile pickles a reader must refuse. The hostile ones are
only written and disassembled here, never loaded.

cv2, torchvision and PIL are only used to decode video, which never happens here; when they are not
installed, stand-in modules are registered before the dataloaders are imported. pandas is needed for
real (the MSR-VTT loaders read their CSVs with it).
"""
import argparse
import contextlib
import hashlib
import io
import json
import os
import pickle
import pickletools
import struct
import subprocess
import sys
import tempfile
import types

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_FIXTURE_BYTES = 4096

# --------------------------------------------------------------------------------------------------
# Annotation content. Ids imitate the real ones; sentences are invented.
# --------------------------------------------------------------------------------------------------

# MSVD: split lists (list order is deliberately not sorted) and the caption pickle, whose key order
# differs from every list.
MSVD_SPLITS = {
    "train": ["bnN_o0Hkn3M_73_80", "-4wsuPCjDBc_5_15", "cR2yi-JnGcQ_8_16", "-_hbPLsZvvo_19_25"],
    "val": ["zv2RIbUsnSw_159_165", "e-j59PqJjSM_163_173"],
    "test": ["eKtsMfmQ_0s_61_68", "c_-eFL7Sfw4_19_35", "d-2C_N5anww_1_3"],
}
MSVD_CAPTIONS = {
    "d-2C_N5anww_1_3": ["a woman is slicing an onion", "someone is cutting onions", "a lady chops an onion"],
    "-4wsuPCjDBc_5_15": ["a man is playing a guitar", "a man plays the guitar", "a guy strums a guitar",
                         "the man is playing guitar"],
    "zv2RIbUsnSw_159_165": ["a cat is eating", "a kitten eats food from a bowl"],
    "bnN_o0Hkn3M_73_80": ["a dog is running on the beach", "a puppy runs in the sand"],
    "cR2yi-JnGcQ_8_16": ["two men are fighting", "men are boxing", "two people fight in a ring"],
    "e-j59PqJjSM_163_173": ["a boy is riding a bicycle", "a kid rides a bike"],
    "-_hbPLsZvvo_19_25": ["a woman is dancing", "a girl dances"],
    "eKtsMfmQ_0s_61_68": ["a man is driving a car", "a person drives"],
    "c_-eFL7Sfw4_19_35": ["a baby is laughing", "an infant laughs", "a baby giggles at the camera"],
}
# Real list files come without a newline after the last id; train keeps one to cover both.
MSVD_TRAILING_NEWLINE = {"train": True, "val": False, "test": False}

# LSMDC: <CLIP_ID> <START_ALIGNED> <END_ALIGNED> <START_EXTRACTED> <END_EXTRACTED> <SENTENCE>, tab-separated.
LSMDC_FILES = {
    "train": ("LSMDC16_annos_training.csv", [
        ("0001_American_Beauty_00.00.51.926-00.00.54.129", "00.00.51.926", "00.00.54.129", "00.00.51.886",
         "00.00.54.153", "SOMEONE walks down the street, carrying a briefcase."),
        ("0001_American_Beauty_00.00.56.224-00.01.00.009", "00.00.56.224", "00.01.00.009", "00.00.56.180",
         "00.01.00.031", "He looks up at the house."),
        ("0001_American_Beauty_00.00.51.926-00.00.54.129", "00.00.51.926", "00.00.54.129", "00.00.51.886",
         "00.00.54.153", "The suburban street is lined with trees."),
        ("0002_As_Good_As_It_Gets_00.01.12.500-00.01.15.006", "00.01.12.500", "00.01.15.006", "00.01.12.471",
         "00.01.15.048", "SOMEONE reads a sign that says \"Do not disturb\"."),
    ]),
    "val": ("LSMDC16_annos_val.csv", [
        ("0033_Amadeus_00.06.34.135-00.06.37.226", "00.06.34.135", "00.06.37.226", "00.06.34.090",
         "00.06.37.275", "SOMEONE stares at the sheet music, his lips moving."),
        ("0033_Amadeus_00.06.40.001-00.06.44.910", "00.06.40.001", "00.06.44.910", "00.06.39.960",
         "00.06.44.951", "The old man's hand trembles."),
    ]),
    "test": ("LSMDC16_challenge_1000_publictect.csv", [
        ("1010_TITANIC_00.41.32.072-00.41.40.196", "00.41.32.072", "00.41.40.196", "00.41.32.033",
         "00.41.40.230", "SOMEONE and SOMEONE run along the deck, laughing."),
        ("1010_TITANIC_00.41.45.001-00.41.47.700", "00.41.45.001", "00.41.47.700", "00.41.44.960",
         "00.41.47.751", "She turns, \"Wait!\" she calls."),
        ("1012_Unbreakable_00.12.01.500-00.12.05.120", "00.12.01.500", "00.12.05.120", "00.12.01.466",
         "00.12.05.160", "A train speeds through the night."),
    ]),
}

# DiDeMo: the JSON "video" value is the video's file name, extension included; the split lists hold the
# same strings. Entries of different videos interleave; one entry's video is missing from the list and
# one listed video has no entry.
DIDEMO_V = {
    "a": "10015567@N08_3655084291_d8b58466fa.mov",
    "b": "13485315@N02_3040787036_1dc88d3af3.avi",
    "c": "27143264@N05_4937493327_0d6e7e2dd7.mp4",
    "d": "47491969@N00_5091262428_8a2abcd5b6.m4v",
    "e": "8412137@N04_2622497310_5f3c0e1a2b.mov",
    "f": "22337447@N02_4113829914_c9e1d4b7a0.3gp",
    "g": "98765432@N00_3312211904_0a9b8c7d6e.mp4",
}
DIDEMO_LISTS = {
    "train": ["b", "a", "c", "g"],   # "g" has no JSON entry
    "val": ["d"],
    "test": ["f", "e"],
}
DIDEMO_JSON = {
    "train": [
        ("a", "the cat jumps onto the table.", [[1, 1], [1, 2], [1, 1], [0, 1]]),
        ("b", "a man walks into the frame", [[0, 0], [0, 0], [0, 1], [0, 0]]),
        ("a", "Cat falls off the table", [[2, 2], [2, 2], [2, 3], [2, 2]]),
        ("e", "a dog barks at the camera", [[0, 1], [0, 1], [0, 0], [0, 1]]),  # "e" is not a train video
        ("c", "first time we see the red car", [[3, 3], [3, 4], [3, 3], [3, 3]]),
        ("b", "the man waves", [[4, 4], [4, 5], [4, 4], [3, 4]]),
    ],
    "val": [
        ("d", "camera pans to the left", [[0, 2], [0, 1], [0, 1], [0, 1]]),
        ("d", "a bird flies past", [[5, 5], [5, 5], [4, 5], [5, 5]]),
    ],
    "test": [
        ("e", "the dog runs towards the camera", [[1, 1], [1, 1], [1, 2], [1, 1]]),
        ("f", "people clap", [[0, 0], [0, 0], [0, 0], [0, 1]]),
        ("e", "dog sits down", [[3, 3], [3, 3], [3, 3], [2, 3]]),
    ],
}

# ActivityNet Captions: ids files (one with a repeated id, one id without captions) and caption JSON
# (one video not in the ids file). Sentences after the first start with a space, as in the real files.
ACTIVITYNET_IDS = {
    "train": ["v_QOlSCBRmfWY", "v_--1DO2V4K74", "v_QOlSCBRmfWY", "v_ehGHCYKzyZ8", "v_nwznKOuZM7w"],
    "val": ["v_uqiMw7tQ1Cc", "v_rBMQFpHspmo"],
}
ACTIVITYNET_CAPTIONS = {
    "train": {  # v_nwznKOuZM7w has no entry; v_0dkIbKXXFzI is not in train_ids.json
        "v_0dkIbKXXFzI": (40.2, [[0.0, 40.2]], ["A man is talking to the camera."]),
        "v_QOlSCBRmfWY": (82.73, [[0.83, 19.86], [17.37, 60.81], [56.26, 79.42]],
                          ["A young woman is seen standing in a room and leads into her dancing.",
                           " The girl dances around the room while the camera captures her movements.",
                           " She continues dancing around the room and ends by laying on the floor."]),
        "v_ehGHCYKzyZ8": (61.72, [[0.0, 3.7], [3.7, 61.72]],
                          ["A man is standing in a gym.", " He lifts a heavy barbell over his head."]),
        "v_--1DO2V4K74": (211.0, [[0.0, 30.59], [30.59, 205.4]],
                          ["Several people are seen sitting in a boat.", " They paddle down the river."]),
    },
    "val": {
        "v_uqiMw7tQ1Cc": (55.15, [[0.0, 4.14], [4.14, 55.15]],
                          ["A weight lifting tutorial is given.",
                           " The coach helps the guy in red with the proper body placement."]),
        "v_rBMQFpHspmo": (120.0, [[0.0, 60.5]], ["A little girl is brushing her teeth in a bathroom."]),
    },
}

# MSR-VTT: official split names (train 0-6512, validate 6513-7009, test 7010-9999); the 1k-A test videos
# come from the official test split; the 9k list adds test videos outside 1k-A to the 7k list.
MSRVTT_VIDEOS = [  # (video_id, split, category, youtube id, start, end)
    ("video0", "train", 9, "9lZi22qLlEo", 137.72, 149.44),
    ("video1", "train", 16, "w4JM08PDEng", 184.33, 206.89),
    ("video2", "train", 9, "QA7KVQq9vKA", 31.17, 41.24),
    ("video6513", "validate", 3, "Kj6R2ZBVbdo", 72.13, 82.38),
    ("video7010", "test", 4, "Jj-X_wDZzZI", 10.22, 25.19),
    ("video7011", "test", 13, "mYNQ1F7BzIA", 5.0, 16.4),
    ("video7579", "test", 8, "0lh_UWF9ZP4", 221.5, 237.34),
    ("video8000", "test", 1, "t-3mVT2GbOE", 44.0, 58.0),
    ("video9770", "test", 10, "sVx5P3_xhX4", 12.3, 27.81),
]
MSRVTT_SENTENCES = [  # JSON order; videos interleave
    ("video2", "a cartoon of a sponge"), ("video7579", "a dog wears a red sweater"),
    ("video0", "a car is shown"), ("video9770", "a person is connecting something to system"),
    ("video6513", "a woman is cooking"), ("video7010", "a man talks about a phone"),
    ("video1", "people are dancing"), ("video7579", "a girl is putting a sweater on a dog"),
    ("video8000", "kids play soccer"), ("video0", "a red car drives down a road"),
    ("video7011", "a band plays music on stage"), ("video9770", "a man plugs in a cable"),
    ("video2", "spongebob talks to patrick"), ("video6513", "someone fries an egg"),
    ("video7010", "a phone review"), ("video7011", "a singer's concert"), ("video1", "a dance party"),
]
MSRVTT_TRAIN_7K = ["video2", "video0", "video6513", "video1"]
MSRVTT_TRAIN_9K = ["video0", "video1", "video2", "video6513", "video7010", "video8000"]
MSRVTT_JSFUSION = [  # key, vid_key, video_id, sentence (one of the video's JSON sentences)
    ("ret0", "msr9770", "video9770", "a person is connecting something to system"),
    ("ret1", "msr7579", "video7579", "a girl is putting a sweater on a dog"),
    ("ret2", "msr7011", "video7011", "a band plays music on stage"),
]

# Pickle fixtures: a small caption dict. Repeated tokens exercise the memo (BINGET); a one-caption video
# exercises APPEND, the others APPENDS, and an empty list no append at all.
PICKLE_CAPTIONS = {
    "-4wsuPCjDBc_5_15": [["a", "man", "is", "playing", "a", "guitar"], ["a", "man", "plays", "guitar"]],
    "zv2RIbUsnSw_159_165": [["a", "cat", "is", "eating"]],
    "cR2yi-JnGcQ_8_16": [["two", "men", "are", "fighting"], ["men", "are", "boxing"], ["a", "fight"]],
    "bnN_o0Hkn3M_73_80": [],
}

# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def json_compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def format_expected(expected):
    """Readable, small JSON: one pair per line."""
    lines = ["{"]
    head = [k for k in expected if k != "splits"]
    for key in head:
        lines.append(" %s: %s," % (json.dumps(key), json_compact(expected[key])))
    lines.append(' "splits": {')
    names = list(expected["splits"])
    for i, name in enumerate(names):
        pairs = expected["splits"][name]
        lines.append("  %s: [" % json.dumps(name))
        for j, pair in enumerate(pairs):
            lines.append("   " + json_compact(pair) + ("," if j < len(pairs) - 1 else ""))
        lines.append("  ]" + ("," if i < len(names) - 1 else ""))
    lines.append(" }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def stem(file_name):
    return file_name.rsplit(".", 1)[0] if "." in file_name else file_name


def clip4clip_commit(path):
    try:
        out = subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True, text=True,
                             check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def install_stand_ins():
    """Registers stand-ins for the video-decoding modules the dataloaders import but never use here."""
    try:
        import cv2  # noqa: F401
    except ImportError:
        sys.modules["cv2"] = types.ModuleType("cv2")
    try:
        from torchvision.transforms import Compose, Resize, CenterCrop, ToTensor, Normalize  # noqa: F401
    except ImportError:
        transforms = types.ModuleType("torchvision.transforms")

        def _stand_in(name):
            def _make(*args, **kwargs):
                return lambda value: value
            _make.__name__ = name
            return _make

        for name in ("Compose", "Resize", "CenterCrop", "ToTensor", "Normalize"):
            setattr(transforms, name, _stand_in(name))
        torchvision = types.ModuleType("torchvision")
        torchvision.transforms = transforms
        sys.modules["torchvision"] = torchvision
        sys.modules["torchvision.transforms"] = transforms
    try:
        from PIL import Image  # noqa: F401
    except ImportError:
        image = types.ModuleType("PIL.Image")
        image.BICUBIC = 3
        pil = types.ModuleType("PIL")
        pil.Image = image
        sys.modules["PIL"] = pil
        sys.modules["PIL.Image"] = image
    # The loaders allocate with np.long / np.float, which newer numpy releases dropped.
    if not hasattr(np, "long"):
        np.long = np.int64
    if not hasattr(np, "float"):
        np.float = np.float64


class RecordingTokenizer:
    def __init__(self):
        self.texts = []

    def tokenize(self, text):
        self.texts.append(text)
        return text.split()

    def convert_tokens_to_ids(self, tokens):
        return [1] * len(tokens)


class RecordingVideoReader:
    """Replaces a loader's RawVideoExtractor: notes each request and returns no frames."""
    size = 1

    def __init__(self):
        self.calls = []

    def get_video_data(self, video_path, start_time=None, end_time=None):
        import torch
        self.calls.append((video_path, start_time, end_time))
        return {"video": torch.zeros(1)}


def make_placeholders(root, videos):
    for rel in videos:
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "wb").close()


def walk_items(dataset, root, listed):
    """Fetches every item through __getitem__; returns [(text, relative video path, start, end)]."""
    tokenizer = RecordingTokenizer()
    reader = RecordingVideoReader()
    dataset.tokenizer = tokenizer
    dataset.rawVideoExtractor = reader
    items = []
    for index in range(len(dataset)):
        tokenizer.texts.clear()
        reader.calls.clear()
        with contextlib.redirect_stdout(io.StringIO()):
            dataset[index]
        assert len(tokenizer.texts) == 1 and len(reader.calls) == 1, (index, tokenizer.texts, reader.calls)
        path, start, end = reader.calls[0]
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        assert rel in listed, ("the loader opened a file the fixture does not list", rel)
        items.append((tokenizer.texts[0], rel, start, end))
    return items


def loader_kwargs():
    return dict(tokenizer=None, max_words=32, max_frames=1, image_resolution=1)


# --------------------------------------------------------------------------------------------------
# Datasets
# --------------------------------------------------------------------------------------------------


class Fixture:
    def __init__(self, name, loader_file, videos, clip4clip, commit):
        self.name = name
        self.loader_file = loader_file
        self.videos = videos
        self.expected = {
            "source": "made by scripts/make-dataset-fixtures.py with CLIP4Clip %s dataloaders/%s"
                      % (commit, loader_file),
            "loader_sha256": sha256_of(os.path.join(clip4clip, "dataloaders", loader_file)),
            "videos": videos,
            "paths": {},
            "splits": {},
        }

    def add_split(self, split, pairs):
        self.expected["splits"][split] = pairs

    def add_path(self, video, rel):
        known = self.expected["paths"].setdefault(video, rel)
        assert known == rel, (video, known, rel)


def build_msvd(out, clip4clip, commit, tmp):
    from dataloaders.dataloader_msvd_retrieval import MSVD_DataLoader
    data = os.path.join(out, "msvd")
    for split, ids in MSVD_SPLITS.items():
        write_text(os.path.join(data, "%s_list.txt" % split),
                   "\n".join(ids) + ("\n" if MSVD_TRAILING_NEWLINE[split] else ""))
    captions = {vid: [text.split(" ") for text in texts] for vid, texts in MSVD_CAPTIONS.items()}
    write_bytes(os.path.join(data, "raw-captions.pkl"), pickle.dumps(captions, protocol=2))

    videos = ["videos/%s.avi" % vid for ids in MSVD_SPLITS.values() for vid in ids]
    fixture = Fixture("msvd", "dataloader_msvd_retrieval.py", videos, clip4clip, commit)
    root = os.path.join(tmp, "msvd")
    make_placeholders(root, videos)
    for split in ("train", "val", "test"):
        with contextlib.redirect_stdout(io.StringIO()):
            ds = MSVD_DataLoader(subset=split, data_path=data, features_path=os.path.join(root, "videos"),
                                 **loader_kwargs())
        pairs = [ds.sentences_dict[i] for i in range(len(ds.sentences_dict))]
        items = walk_items(ds, root, videos)
        rows = []
        for (vid, caption), (text, rel, start, end) in zip(pairs, items):
            assert text == caption and start is None and end is None
            assert stem(os.path.basename(rel)) == vid
            fixture.add_path(vid, rel)
            rows.append({"video": vid, "caption": caption})
        assert len(rows) == len(items)
        fixture.add_split(split, rows)
    return fixture


def build_lsmdc(out, clip4clip, commit, tmp):
    from dataloaders.dataloader_lsmdc_retrieval import LSMDC_DataLoader
    data = os.path.join(out, "lsmdc")
    clip_ids = []
    for split, (file_name, rows) in LSMDC_FILES.items():
        write_text(os.path.join(data, file_name), "".join("\t".join(row) + "\n" for row in rows))
        for row in rows:
            if row[0] not in clip_ids:
                clip_ids.append(row[0])

    def movie(clip_id):
        return clip_id[:clip_id.rindex("_", 0, clip_id.rindex("-"))]

    videos = ["videos/%s/%s.avi" % (movie(cid), cid) for cid in clip_ids]
    fixture = Fixture("lsmdc", "dataloader_lsmdc_retrieval.py", videos, clip4clip, commit)
    root = os.path.join(tmp, "lsmdc")
    make_placeholders(root, videos)
    for split in ("train", "val", "test"):
        with contextlib.redirect_stdout(io.StringIO()):
            ds = LSMDC_DataLoader(subset=split, data_path=data, features_path=os.path.join(root, "videos"),
                                  **loader_kwargs())
        pairs = [ds.iter2video_pairs_dict[i] for i in range(len(ds.iter2video_pairs_dict))]
        items = walk_items(ds, root, videos)
        rows = []
        for (vid, caption), (text, rel, start, end) in zip(pairs, items):
            assert text == caption and start is None and end is None
            assert stem(os.path.basename(rel)) == vid
            fixture.add_path(vid, rel)
            rows.append({"video": vid, "caption": caption})
        assert len(rows) == len(items)
        fixture.add_split(split, rows)
    return fixture


def build_didemo(out, clip4clip, commit, tmp):
    from dataloaders.dataloader_didemo_retrieval import DiDeMo_DataLoader
    data = os.path.join(out, "didemo")
    annotation_id = 1000
    for split in ("train", "val", "test"):
        ids = [DIDEMO_V[k] for k in DIDEMO_LISTS[split]]
        write_text(os.path.join(data, "%s_list.txt" % split), "\n".join(ids) + "\n")
        entries = []
        for key, description, times in DIDEMO_JSON[split]:
            video = DIDEMO_V[key]
            photo = video.split("_")[1]
            annotation_id += 7
            entries.append({"num_segments": 6, "annotation_id": annotation_id, "description": description,
                            "video": video, "times": times,
                            "dl_link": "https://www.flickr.com/video_download.gne?id=%s" % photo})
        write_text(os.path.join(data, "%s_data.json" % split), json.dumps(entries) + "\n")

    videos = ["videos/%s" % v for v in DIDEMO_V.values()]
    fixture = Fixture("didemo", "dataloader_didemo_retrieval.py", videos, clip4clip, commit)
    root = os.path.join(tmp, "didemo")
    make_placeholders(root, videos)
    for split in ("train", "val", "test"):
        with contextlib.redirect_stdout(io.StringIO()):
            ds = DiDeMo_DataLoader(subset=split, data_path=data, features_path=os.path.join(root, "videos"),
                                   **loader_kwargs())
        pairs = [ds.iter2video_pairs_dict[i] for i in range(len(ds.iter2video_pairs_dict))]
        items = walk_items(ds, root, videos)
        rows = []
        for (key, sub_id), (text, rel, start, end) in zip(pairs, items):
            caption = ds.caption_dict[key]["text"][sub_id]
            assert text == caption and os.path.basename(rel) == key
            vid = stem(key)
            fixture.add_path(vid, rel)
            rows.append({"video": vid, "official_key": key, "caption": caption, "start": start, "end": end})
        assert len(rows) == len(items)
        fixture.add_split(split, rows)
    return fixture


def build_activitynet(out, clip4clip, commit, tmp):
    from dataloaders.dataloader_activitynet_retrieval import ActivityNet_DataLoader
    data = os.path.join(out, "activitynet")
    files = {"train": ("train_ids.json", "train.json"), "val": ("val_ids.json", "val_1.json")}
    every_id = []
    for split, (ids_file, captions_file) in files.items():
        write_text(os.path.join(data, ids_file), json.dumps(ACTIVITYNET_IDS[split]) + "\n")
        captions = {vid: {"duration": duration, "timestamps": stamps, "sentences": sentences}
                    for vid, (duration, stamps, sentences) in ACTIVITYNET_CAPTIONS[split].items()}
        write_text(os.path.join(data, captions_file), json.dumps(captions) + "\n")
        for vid in ACTIVITYNET_IDS[split] + list(captions):
            if vid not in every_id:
                every_id.append(vid)

    videos = ["videos/%s.mp4" % vid[2:] for vid in every_id]
    fixture = Fixture("activitynet", "dataloader_activitynet_retrieval.py", videos, clip4clip, commit)
    root = os.path.join(tmp, "activitynet")
    make_placeholders(root, videos)
    for split in ("train", "val"):
        with contextlib.redirect_stdout(io.StringIO()):
            ds = ActivityNet_DataLoader(subset=split, data_path=data,
                                        features_path=os.path.join(root, "videos"), **loader_kwargs())
        pairs = [ds.iter2video_pairs_dict[i] for i in range(len(ds.iter2video_pairs_dict))]
        items = walk_items(ds, root, videos)
        rows = []
        for (pseudo, sub_id), (text, rel, start, end) in zip(pairs, items):
            caption = ds.pseudo_caption_dict[pseudo]["text"][sub_id]
            vid = stem(os.path.basename(rel))
            assert text == caption and vid == pseudo[2:]
            fixture.add_path(vid, rel)
            rows.append({"video": vid, "official_key": pseudo, "caption": caption, "start": start, "end": end})
        assert len(rows) == len(items)
        fixture.add_split(split, rows)
    return fixture


def build_msrvtt(out, clip4clip, commit, tmp):
    from dataloaders.dataloader_msrvtt_retrieval import MSRVTT_DataLoader, MSRVTT_TrainDataLoader
    data = os.path.join(out, "msrvtt")
    payload = {
        "info": {"contributor": "Microsoft MSM group", "data_created": "2016-04-14 14:30:20",
                 "version": "1.0", "description": "This is 1.0 version of the 2016 MSR-VTT dataset.",
                 "year": "2016"},
        "videos": [{"category": category, "url": "https://www.youtube.com/watch?v=%s" % yt,
                    "video_id": vid, "start time": start, "end time": end, "split": split,
                    "id": int(vid[len("video"):])}
                   for vid, split, category, yt, start, end in MSRVTT_VIDEOS],
        "sentences": [{"caption": caption, "video_id": vid, "sen_id": i}
                      for i, (vid, caption) in enumerate(MSRVTT_SENTENCES)],
    }
    write_text(os.path.join(data, "MSRVTT_data.json"), json.dumps(payload))
    write_text(os.path.join(data, "MSRVTT_train.9k.csv"), "video_id\n" + "".join(v + "\n" for v in MSRVTT_TRAIN_9K))
    write_text(os.path.join(data, "MSRVTT_train.7k.csv"), "video_id\n" + "".join(v + "\n" for v in MSRVTT_TRAIN_7K))
    write_text(os.path.join(data, "MSRVTT_JSFUSION_test.csv"),
               "key,vid_key,video_id,sentence\n" + "".join(",".join(row) + "\n" for row in MSRVTT_JSFUSION))

    videos = ["videos/%s.mp4" % row[0] for row in MSRVTT_VIDEOS]
    fixture = Fixture("msrvtt", "dataloader_msrvtt_retrieval.py", videos, clip4clip, commit)
    root = os.path.join(tmp, "msrvtt")
    make_placeholders(root, videos)
    features = os.path.join(root, "videos")

    def collect(ds, pairs):
        items = walk_items(ds, root, videos)
        rows = []
        for (vid, caption), (text, rel, start, end) in zip(pairs, items):
            assert text == caption and stem(os.path.basename(rel)) == vid
            assert start is None and end is None
            fixture.add_path(vid, rel)
            rows.append({"video": vid, "caption": caption})
        assert len(rows) == len(items) == len(pairs)
        return rows

    json_path = os.path.join(data, "MSRVTT_data.json")
    for split, csv_name in (("train-9k", "MSRVTT_train.9k.csv"), ("train-7k", "MSRVTT_train.7k.csv")):
        with contextlib.redirect_stdout(io.StringIO()):
            ds = MSRVTT_TrainDataLoader(csv_path=os.path.join(data, csv_name), json_path=json_path,
                                        features_path=features, unfold_sentences=True, **loader_kwargs())
        pairs = [tuple(map(str, ds.sentences_dict[i])) for i in range(len(ds.sentences_dict))]
        fixture.add_split(split, collect(ds, pairs))

    with contextlib.redirect_stdout(io.StringIO()):
        ds = MSRVTT_DataLoader(csv_path=os.path.join(data, "MSRVTT_JSFUSION_test.csv"), features_path=features,
                               **loader_kwargs())
    pairs = [(str(v), str(s)) for v, s in zip(ds.data["video_id"].values, ds.data["sentence"].values)]
    fixture.add_split("test-1k-a", collect(ds, pairs))

    # The two variants the official code lacks, from the rules in the docstring.
    test_videos = {v["video_id"] for v in payload["videos"] if v["split"] == "test"}
    fixture.add_split("test-full", [{"video": s["video_id"], "caption": s["caption"]}
                                    for s in payload["sentences"] if s["video_id"] in test_videos])
    jsfusion_videos = {row[2] for row in MSRVTT_JSFUSION}
    fixture.add_split("test-1k-a-all", [{"video": s["video_id"], "caption": s["caption"]}
                                        for s in payload["sentences"] if s["video_id"] in jsfusion_videos])
    return fixture


# --------------------------------------------------------------------------------------------------
# Pickles
# --------------------------------------------------------------------------------------------------


def python2_protocol2(value):
    """Protocol-2 bytes as Python 2's pickle writes dict/list/str: str is SHORT_BINSTRING (BINSTRING when
    256 bytes or longer), containers are memoised with BINPUT and filled in batches (MARK ... SETITEMS /
    APPENDS, or SETITEM / APPEND for a single item). Equal strings share one memo entry, as interned
    strings did, so repeats come back as BINGET."""
    out = bytearray(b"\x80\x02")
    memo = {}

    def put(key):
        index = len(memo)
        memo[key] = index
        out.extend(b"q" + bytes([index]) if index < 256 else b"r" + struct.pack("<I", index))

    def save(obj):
        if isinstance(obj, str):
            key = ("str", obj)
            if key in memo:
                index = memo[key]
                out.extend(b"h" + bytes([index]) if index < 256 else b"j" + struct.pack("<I", index))
                return
            raw = obj.encode("ascii")
            if len(raw) < 256:
                out.extend(b"U" + bytes([len(raw)]) + raw)
            else:
                out.extend(b"T" + struct.pack("<i", len(raw)) + raw)
            put(key)
        elif isinstance(obj, list):
            out.extend(b"]")
            put(("obj", id(obj)))
            batch(obj, b"a", b"e", save)
        elif isinstance(obj, dict):
            out.extend(b"}")
            put(("obj", id(obj)))
            batch(list(obj.items()), b"s", b"u", lambda kv: (save(kv[0]), save(kv[1])))
        else:
            raise TypeError(type(obj))

    def batch(items, one, many, save_item):
        for start in range(0, len(items), 1000):
            chunk = items[start:start + 1000]
            if len(chunk) == 1:
                save_item(chunk[0])
                out.extend(one)
            else:
                out.extend(b"(")
                for item in chunk:
                    save_item(item)
                out.extend(many)

    save(value)
    out.extend(b".")
    return bytes(out)


class _CallsSystem:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


class _StoredElsewhere:
    pass


class _PersistentPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return "caption-store/0" if isinstance(obj, _StoredElsewhere) else None


def opcodes(data):
    return {op.name for op, _, _ in pickletools.genops(data)}


def build_pickles(pickle_dir):
    for protocol in (2, 3, 4, 5):
        write_bytes(os.path.join(pickle_dir, "captions-p%d.pkl" % protocol),
                    pickle.dumps(PICKLE_CAPTIONS, protocol=protocol))
    py2 = python2_protocol2(PICKLE_CAPTIONS)
    write_bytes(os.path.join(pickle_dir, "captions-py2.pkl"), py2)
    write_text(os.path.join(pickle_dir, "expected-captions.json"),
               json.dumps(PICKLE_CAPTIONS, indent=1) + "\n")

    # Hostile: never loaded here, only disassembled.
    hostile = {
        "global-reduce.pkl": pickle.dumps({"-4wsuPCjDBc_5_15": [["a", "man"], _CallsSystem()]}, protocol=2),
        # Protocol 0: a dict whose value is built by INST os.system('echo pwned').
        "inst.pkl": b"(dp0\nS'-4wsuPCjDBc_5_15'\np1\n(S'echo pwned'\np2\nios\nsystem\np3\ns.",
        "build.pkl": pickle.dumps({"-4wsuPCjDBc_5_15": types.SimpleNamespace(tokens=["a", "man"])}, protocol=2),
    }
    buffer = io.BytesIO()
    _PersistentPickler(buffer, protocol=2).dump({"-4wsuPCjDBc_5_15": [_StoredElsewhere()]})
    hostile["persistent-id.pkl"] = buffer.getvalue()
    needed = {"global-reduce.pkl": {"GLOBAL", "REDUCE"}, "inst.pkl": {"INST"},
              "build.pkl": {"BUILD"}, "persistent-id.pkl": {"BINPERSID"}}
    for name, data in hostile.items():
        missing = needed[name] - opcodes(data)
        assert not missing, (name, missing)
        write_bytes(os.path.join(pickle_dir, name), data)
    return py2


def check_pickles(pickle_dir, py2):
    with open(os.path.join(pickle_dir, "expected-captions.json")) as f:
        expected = json.load(f)
    for protocol in (2, 3, 4, 5):
        with open(os.path.join(pickle_dir, "captions-p%d.pkl" % protocol), "rb") as f:
            assert pickle.load(f) == expected, protocol
    assert pickle.loads(py2) == expected  # Python 3's default ASCII decoding turns them into str
    as_bytes = pickle.loads(py2, encoding="bytes")
    assert as_bytes == {k.encode(): [[t.encode() for t in c] for c in v] for k, v in expected.items()}
    ops = opcodes(py2)
    assert "SHORT_BINSTRING" in ops and "BINGET" in ops and "BINUNICODE" not in ops, ops
    assert "BINUNICODE" in opcodes(pickle.dumps(expected, protocol=2))


# --------------------------------------------------------------------------------------------------


def check_dataset_files(out, fixtures):
    for fixture in fixtures:
        folder = os.path.join(out, fixture.name)
        with open(os.path.join(folder, "expected.json")) as f:
            assert json.load(f) == fixture.expected
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            if name.endswith(".json"):
                with open(path) as f:
                    json.load(f)
            elif name.endswith(".pkl"):
                with open(path, "rb") as f:
                    pickle.load(f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clip4clip", required=True, help="CLIP4Clip checkout (holds dataloaders/)")
    parser.add_argument("--out", default=os.path.join(ROOT, "Tests", "Fixtures", "datasets"))
    parser.add_argument("--pickle-out", default=os.path.join(ROOT, "Tests", "Fixtures", "pickle"))
    args = parser.parse_args()

    clip4clip = os.path.abspath(args.clip4clip)
    if not os.path.isfile(os.path.join(clip4clip, "dataloaders", "dataloader_msvd_retrieval.py")):
        sys.exit("%s has no dataloaders/dataloader_msvd_retrieval.py" % clip4clip)
    try:
        import pandas  # noqa: F401
    except ImportError:
        sys.exit("pandas is needed: the official MSR-VTT loaders read their CSVs with it (pip install pandas)")
    install_stand_ins()
    sys.path.insert(0, clip4clip)
    commit = clip4clip_commit(clip4clip)
    out = os.path.abspath(args.out)

    written = []
    with tempfile.TemporaryDirectory() as tmp:
        fixtures = [build(out, clip4clip, commit, tmp)
                    for build in (build_msvd, build_lsmdc, build_didemo, build_activitynet, build_msrvtt)]
    for fixture in fixtures:
        write_text(os.path.join(out, fixture.name, "expected.json"), format_expected(fixture.expected))
    check_dataset_files(out, fixtures)

    pickle_dir = os.path.abspath(args.pickle_out)
    py2 = build_pickles(pickle_dir)
    check_pickles(pickle_dir, py2)

    for folder in [os.path.join(out, f.name) for f in fixtures] + [pickle_dir]:
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            size = os.path.getsize(path)
            assert size < MAX_FIXTURE_BYTES, (path, size)
            written.append((os.path.relpath(path, ROOT), size))
    for path, size in written:
        print("%6d  %s" % (size, path))


if __name__ == "__main__":
    main()

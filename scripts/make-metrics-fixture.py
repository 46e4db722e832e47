#!/usr/bin/env python3
"""Writes Tests/Fixtures/metrics/retrieval-metrics.json: similarity matrices with 1-4 captions per
video (and one with exactly one), and the R@1/5/10, median and mean ranks that CLIP4Clip's evaluation
reports for them (metrics.py with main_task_retrieval.py's eval_epoch, re-implemented here with torch
and numpy the same way: -inf padding per video, a double argsort for text-to-video and torch.median,
the per-video maximum over its captions for video-to-text and numpy's median).

    pip install torch numpy && python3 scripts/make-metrics-fixture.py

Scores are continuous random numbers, so no two tie (ties are the one place the zoo deviates).
"""
import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "Fixtures", "metrics",
                   "retrieval-metrics.json")


def single_caption_metrics(matrix):
    """compute_metrics: rank of the diagonal in each row sorted from high to low; numpy's median."""
    order = np.sort(-matrix, axis=1)
    rows, positions = np.where(order - (-np.diag(matrix))[:, None] == 0)
    assert len(rows) == matrix.shape[0], "a tie in the scores"
    return summary(positions, median=float(np.median(positions)) + 1)


def summary(ranks, median):
    ranks = np.asarray(ranks, dtype=np.float64)
    return {"R1": float(np.sum(ranks < 1) * 100 / len(ranks)), "R5": float(np.sum(ranks < 5) * 100 / len(ranks)),
            "R10": float(np.sum(ranks < 10) * 100 / len(ranks)), "MedianR": median, "MeanR": float(np.mean(ranks) + 1)}


def multi_caption_metrics(similarity, counts):
    """eval_epoch's multi_sentence_ branch on similarity [captions, videos] grouped by video."""
    longest = max(counts)
    groups, start = [], 0
    for count in counts:
        block = similarity[start:start + count]
        padding = np.full((longest - count, similarity.shape[1]), -np.inf)
        groups.append(np.concatenate([block, padding], axis=0))
        start += count
    stacked = torch.tensor(np.stack(groups, axis=0))                      # [videos, longest, videos]
    # Text to video: each caption's rank of its own video, from a double argsort over the videos.
    per_caption = stacked.permute(1, 0, 2)                                  # [longest, videos(group), videos]
    ranks_of_all = torch.argsort(torch.argsort(per_caption, dim=-1, descending=True), dim=-1)
    own = torch.diagonal(ranks_of_all, dim1=1, dim2=2).flatten()            # slot-major, as the official flatten
    own_score = torch.diagonal(stacked, dim1=0, dim2=2).flatten()
    valid = ~(torch.isinf(own_score) | torch.isnan(own_score))
    text_ranks = own[valid]
    text = summary(text_ranks.numpy(), median=float(torch.median(text_ranks + 1)))
    # Video to text: the best caption of each video, ranked like a one-caption matrix (transposed).
    best = torch.max(stacked, dim=1).values.T.numpy()                      # [videos, videos(group)]
    video = single_caption_metrics(best)
    return text, video


def case(name, counts, seed):
    generator = np.random.default_rng(seed)
    videos = len(counts)
    similarity = generator.standard_normal((sum(counts), videos)).astype(np.float32).astype(np.float64)
    if max(counts) > 1:
        text, video = multi_caption_metrics(similarity, counts)
    else:
        text, video = single_caption_metrics(similarity), single_caption_metrics(similarity.T)
    video_of_caption = [v for v, count in enumerate(counts) for _ in range(count)]
    return {"name": name, "captions_per_video": counts, "video_of_caption": video_of_caption,
            "scores": [[float(x) for x in row] for row in similarity], "text_to_video": text, "video_to_text": video}


def main():
    generator = np.random.default_rng(20)
    cases = [
        case("one to four captions per video, 24 videos", [int(c) for c in generator.integers(1, 5, size=24)], seed=1),
        case("two to four captions per video, 9 videos", [int(c) for c in generator.integers(2, 5, size=9)], seed=2),
        case("an even number of captions, 10 videos", [2, 1, 3, 4, 1, 1, 2, 3, 4, 1], seed=3),
        case("one caption per video, 30 videos", [1] * 30, seed=4),
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as handle:
        json.dump({"made_by": "scripts/make-metrics-fixture.py", "torch": torch.__version__, "numpy": np.__version__,
                   "cases": cases}, handle, indent=1)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes Tests/Fixtures/metrics/query-normalization.json: score matrices with one caption per
video and the R@1/5/10, median and mean ranks after the two query-normalised scorings, computed
with torch and numpy as evaluation code in the field does them:

  dual softmax (DSL, arXiv:2109.04290):  s * softmax(100 * s, dim over the queries)
  inverted softmax (arXiv:2112.12777):   softmax(100 * s, dim over the queries)

Text-to-video normalises each video's column over the texts; video-to-text normalises each text's
row over the videos (the queries are then the videos). Ranks are counted as CLIP4Clip's
compute_metrics does (rank of the diagonal in each sorted row; numpy's median).

    pip install torch numpy && python3 scripts/make-query-normalization-fixture.py
"""
import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "Fixtures", "metrics",
                   "query-normalization.json")


def metrics(matrix):
    """compute_metrics on a square matrix whose diagonal is the ground truth."""
    order = np.sort(-matrix, axis=1)
    rows, positions = np.where(order - (-np.diag(matrix))[:, None] == 0)
    assert len(rows) == matrix.shape[0], "a tie in the scores"
    n = len(positions)
    return {"r1": 100.0 * float(np.sum(positions < 1)) / n, "r5": 100.0 * float(np.sum(positions < 5)) / n,
            "r10": 100.0 * float(np.sum(positions < 10)) / n, "median": float(np.median(positions)) + 1,
            "mean": float(np.mean(positions)) + 1}


def scorings(scores):
    s = torch.tensor(scores, dtype=torch.float64)
    t2v_dsl = s * torch.softmax(s * 100, dim=0)
    v2t_dsl = s.T * torch.softmax(s.T * 100, dim=0)
    t2v_inv = torch.softmax(s * 100, dim=0)
    v2t_inv = torch.softmax(s.T * 100, dim=0)
    return {"dual-softmax": {"text_to_video": metrics(t2v_dsl.numpy()), "video_to_text": metrics(v2t_dsl.numpy())},
            "inverted-softmax": {"text_to_video": metrics(t2v_inv.numpy()), "video_to_text": metrics(v2t_inv.numpy())},
            "plain": {"text_to_video": metrics(s.numpy()), "video_to_text": metrics(s.T.numpy())}}


def main():
    cases = []
    for seed, size in [(1, 12), (2, 16), (3, 30)]:
        generator = np.random.default_rng(seed)
        # Cosine-like scores whose columns differ in level ("hub" videos), where the two scorings matter.
        scores = (0.25 + 0.05 * generator.standard_normal((size, size)) + 0.04 * generator.standard_normal((1, size))
                  + 0.03 * np.eye(size)).astype(np.float32)
        cases.append({"name": "square-%d-seed-%d" % (size, seed), "scores": scores.astype(float).tolist(),
                      **scorings(scores.astype(np.float64))})
    with open(OUT, "w") as handle:
        json.dump({"made_by": "scripts/make-query-normalization-fixture.py", "torch": torch.__version__,
                   "numpy": np.__version__, "cases": cases}, handle, indent=1)
        handle.write("\n")


if __name__ == "__main__":
    main()

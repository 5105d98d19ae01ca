#!/usr/bin/python3
"""Times a tiny fixture in PyTorch, for the side-by-side ratio in `pnpm bench` (cross-encoder).

    /usr/bin/python3 bench-torch.py FIXTURE_DIR PAIRS_JSON

PAIRS_JSON: {"pairs": [{"inputIds": [...], "tokenTypeIds": [...]}], "batchSizes": [1, 8, 32], "rounds": 5}
— the same token ids the ONNX run scores. The model is rebuilt from the fixture's config and the
seed make-tiny-model.py recorded (the same weights as onnx/model.onnx). Prints JSON: the median
seconds per pass over all pairs for each batch size, and the logits (to check both runs agree).
"""

import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiny_cross_encoder import batch_tensors, build_model  # noqa: E402


def main():
    folder, pairs_file = sys.argv[1], sys.argv[2]
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(folder, "expected.json")) as f:
        seed = json.load(f)["seed"]
    with open(pairs_file) as f:
        job = json.load(f)
    model = build_model(config, seed)
    pairs = [(p["inputIds"], p["tokenTypeIds"]) for p in job["pairs"]]
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]))
    logits = [None] * len(pairs)
    seconds = {}
    with torch.inference_mode():
        for batch_size in job["batchSizes"]:
            times = []
            for _ in range(job["rounds"] + 1):  # the first round warms up
                start = time.perf_counter()
                for at in range(0, len(order), batch_size):
                    rows = order[at : at + batch_size]
                    out = model(*batch_tensors([pairs[i] for i in rows]))
                    for k, i in enumerate(rows):
                        logits[i] = out[k].tolist()
                times.append(time.perf_counter() - start)
            seconds[str(batch_size)] = statistics.median(times[1:])
    print(json.dumps({"seconds": seconds, "threads": torch.get_num_threads(), "torch": torch.__version__, "logits": logits}))


if __name__ == "__main__":
    main()

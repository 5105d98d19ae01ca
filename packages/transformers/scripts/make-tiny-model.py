#!/usr/bin/python3
"""Builds the tiny random-weight cross-encoders the tests use, in the Hugging Face layout.

    /usr/bin/python3 packages/transformers/scripts/make-tiny-model.py   (Debian: apt-get install python3-torch python3-onnx)

writes test/fixtures/tiny-cross-encoder (one-logit head, 512 positions) and
test/fixtures/tiny-cross-encoder-2logit (two-logit head, 64 positions), each with config.json,
tokenizer.json, tokenizer_config.json, onnx/model.onnx and expected.json: query/document pairs with
the token ids this script's own BERT tokenizer gives them and the logits PyTorch computes for them
(the reference the tests compare ONNX Runtime's scores with). Deterministic: a fixed seed.
"""

import json
import os
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiny_cross_encoder import batch_tensors, build_model, encode_pair, tokenizer_json, vocabulary  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "test", "fixtures")

PAIRS = [
    ("what is the capital of france", "paris is the capital and largest city of france."),
    ("what is the capital of france", "berlin is the capital of germany."),
    ("what is the capital of france", "the eiffel tower is in paris, by the river seine."),
    ("what is the capital of france", "cats are small animals that people keep as pets."),
    ("how to prevent a cold", "wash your hands, sleep well and drink water to prevent a cold."),
    ("how to prevent a cold", "the flu is a virus with fever and cough."),
    ("how to prevent a cold", "python is a programming language."),
    ("rerank search results", "a cross encoder reads the query and the passage together."),
    ("rerank search results", "reranking orders the documents by relevance to the query."),
    # Words outside the tiny vocabulary become [UNK] or letter pieces, as in a real model.
    ("Who wrote Hamlet?", "Shakespeare wrote Hamlet around 1600."),
    # The same two texts both ways round: pair order matters to a cross-encoder.
    ("paris is the capital of france", "what is the capital of france"),
]

LONG_DOCUMENT = " ".join(["the river seine flows through paris, the capital of france."] * 80)
LONG_QUERY = " ".join(["what is the capital city of france and germany"] * 12)
# (query, document, maxLength): truncation cases for the one-logit model.
TRUNCATION = [
    (PAIRS[0][0], LONG_DOCUMENT, 32),
    (PAIRS[0][0], LONG_DOCUMENT, 128),
    (PAIRS[0][0], LONG_DOCUMENT, None),  # the model's own limit
    (LONG_QUERY, LONG_DOCUMENT, 64),  # the query alone is too long: both are cut
    (LONG_QUERY, PAIRS[1][1], 64),  # a long query and a short document: the document is kept whole
]


def write_model(name, labels, max_positions, seed):
    folder = os.path.join(FIXTURES, name)
    os.makedirs(os.path.join(folder, "onnx"), exist_ok=True)
    vocab = vocabulary()
    vocab_ids = {t: i for i, t in enumerate(vocab)}
    id2label = {str(i): f"LABEL_{i}" for i in range(labels)}
    config = {
        "_comment": "A tiny random-weight test fixture, not a trained model: made by packages/transformers/scripts/make-tiny-model.py.",
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "vocab_size": len(vocab),
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "intermediate_size": 64,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "max_position_embeddings": max_positions,
        "type_vocab_size": 2,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
        "id2label": id2label,
        "label2id": {v: int(k) for k, v in id2label.items()},
    }
    tokenizer_config = {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "model_max_length": max_positions,
        "pad_token": "[PAD]",
        "unk_token": "[UNK]",
        "cls_token": "[CLS]",
        "sep_token": "[SEP]",
        "mask_token": "[MASK]",
        "clean_up_tokenization_spaces": True,
    }
    model = build_model(config, seed)

    example = batch_tensors([encode_pair(*PAIRS[0], vocab_ids, max_positions)])
    onnx_path = os.path.join(folder, "onnx", "model.onnx")
    torch.onnx.export(
        model,
        example,
        onnx_path,
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"],
        dynamic_axes={n: {0: "batch_size", 1: "sequence_length"} for n in ("input_ids", "attention_mask", "token_type_ids")}
        | {"logits": {0: "batch_size"}},
        opset_version=14,
        do_constant_folding=True,
    )
    onnx.checker.check_model(onnx.load(onnx_path))

    cases = [{"query": q, "document": d, "maxLength": None} for q, d in PAIRS]
    if labels == 1:
        cases += [{"query": q, "document": d, "maxLength": n} for q, d, n in TRUNCATION]
    else:
        cases += [{"query": PAIRS[0][0], "document": LONG_DOCUMENT, "maxLength": None}]
    with torch.no_grad():
        for case in cases:
            ids, types = encode_pair(case["query"], case["document"], vocab_ids, case["maxLength"] or max_positions)
            logits = model(*batch_tensors([(ids, types)]))[0]
            case.update(inputIds=ids, tokenTypeIds=types, logits=[round(float(x), 7) for x in logits])
    expected = {
        "_comment": "Token ids from this script's BERT tokenizer and logits from PyTorch, for the same weights as onnx/model.onnx.",
        "torch": torch.__version__,
        "seed": seed,
        "cases": cases,
    }
    for file, content in (
        ("config.json", config),
        ("tokenizer.json", tokenizer_json(vocab)),
        ("tokenizer_config.json", tokenizer_config),
        ("expected.json", expected),
    ):
        with open(os.path.join(folder, file), "w") as f:
            json.dump(content, f, indent=1 if file == "expected.json" else 2, ensure_ascii=False)
            f.write("\n")
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(folder) for f in fs)
    spread = [c["logits"] for c in cases]
    print(f"{name}: {size // 1024} KB, logits {spread}")


if __name__ == "__main__":
    write_model("tiny-cross-encoder", labels=1, max_positions=512, seed=14)
    write_model("tiny-cross-encoder-2logit", labels=2, max_positions=64, seed=15)

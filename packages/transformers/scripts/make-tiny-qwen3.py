#!/usr/bin/python3
"""Builds the tiny random-weight Qwen3-Reranker the tests use, in transformers.js's ONNX layout.

    /usr/bin/python3 packages/transformers/scripts/make-tiny-qwen3.py   (Debian: apt-get install python3-torch python3-onnx)

writes test/fixtures/tiny-qwen3-reranker with config.json (model_type "qwen3"), tokenizer.json (a
tiny byte-level BPE, as Qwen2Tokenizer's, with <|im_start|>, <|im_end|>, <think>, </think> and the
single tokens "yes" and "no"), tokenizer_config.json, onnx/model.onnx and expected.json: for a set
of query/document/instruct cases, the prompt's token ids this script's tokenizer gives and P(yes),
the softmax over the last position's "no"/"yes" logits, that PyTorch computes for them (the
reference the tests compare ONNX Runtime's scores with). Deterministic: a fixed seed.

Written out by hand because Debian's python3-torch has no Hugging Face `transformers` beside it.
The layers follow transformers' Qwen3ForCausalLM: RMSNorm, grouped-query attention with per-head
RMSNorm on q and k and rotary embeddings (rotate_half), a SwiGLU MLP, a final RMSNorm, an lm_head.
The ONNX graph has the inputs and outputs transformers.js gives a decoder: input_ids,
attention_mask, position_ids and past_key_values.{i}.key/value in; logits and present.{i}.key/value
out (the cache inputs are empty, past length 0, when scoring).
"""

import json
import math
import os
import re
from collections import Counter

import onnx
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.join(HERE, "..", "test", "fixtures", "tiny-qwen3-reranker")
# The same model, its graph also taking `num_logits_to_keep` (as newer transformers.js exports do).
FOLDER_KEEP = FOLDER + "-keep-logits"
SEED = 3

# The prompt of Qwen3-Reranker's model card (Qwen/Qwen3-Reranker-0.6B).
PREFIX = (
    "<|im_start|>system\nJudge whether the Document meets the requirements based on the Query and the Instruct provided. "
    'Note that the answer can only be "yes" or "no".<|im_end|>\n<|im_start|>user\n'
)
SUFFIX = "<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"
DEFAULT_INSTRUCT = "Given a web search query, retrieve relevant passages that answer the query"

CASES = [
    ("what is the capital of france", "Paris is the capital and largest city of France.", None),
    ("what is the capital of france", "Berlin is the capital of Germany.", None),
    ("what is the capital of france", "Cats are small animals that people keep as pets.", None),
    ("how to prevent a cold", "Wash your hands, sleep well and drink water.", None),
    ("how to prevent a cold", "Python is a programming language.", None),
    ("rerank search results", "A reranker reads the query and the passage together, then answers yes or no.", None),
    # The same pair with another instruct: the instruct is part of the prompt.
    ("what is the capital of france", "Paris is the capital and largest city of France.", "Given a question, retrieve passages written in German"),
    ("how to prevent a cold", "Wash your hands, sleep well and drink water.", "Judge whether the document is about computers"),
]
# A long document for the truncation case: the body is cut to maxLength - prefix - suffix tokens.
LONG_DOCUMENT = " ".join(["The river Seine flows through Paris, the capital of France."] * 20)
TRUNCATED = [("what is the capital of france", LONG_DOCUMENT, None, 160)]

SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
ADDED = SPECIAL + ["<think>", "</think>"]

# Qwen2's pre-tokenizer regex, restricted to ASCII (\p{L} = [A-Za-z], \p{N} = [0-9]): Python's `re`
# has no Unicode classes and Debian's python3 no `regex`; every text here is ASCII (checked below).
# transformers.js runs the real Unicode pattern from tokenizer.json; on ASCII the two agree.
QWEN2_PATTERN = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
ASCII_PATTERN = re.compile(
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\nA-Za-z0-9]?[A-Za-z]+|[0-9]| ?[^\sA-Za-z0-9]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)


def bytes_to_unicode():
    """GPT-2's byte-to-character table, which byte-level BPE vocabularies are written in."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE_CHARS = bytes_to_unicode()


def pre_tokens(text):
    assert text.isascii(), text
    return ["".join(BYTE_CHARS[b] for b in piece.encode("utf-8")) for piece in ASCII_PATTERN.findall(text)]


def train_merges(texts, count):
    """A few BPE merges learnt from the prompt texts (so prompts are tens of tokens, not hundreds)."""
    words = Counter(tuple(w) for t in texts for w in pre_tokens(t))
    merges = []
    for _ in range(count):
        pairs = Counter()
        for word, n in words.items():
            for a, b in zip(word, word[1:]):
                pairs[(a, b)] += n
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merges.append(best)
        merged = Counter()
        for word, n in words.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] += n
        words = merged
    return merges


def bpe(word, ranks):
    parts = list(word)
    while len(parts) > 1:
        ranked = [(ranks.get((a, b), math.inf), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
        rank, i = min(ranked)
        if rank == math.inf:
            break
        parts[i : i + 2] = [parts[i] + parts[i + 1]]
    return parts


class Tokenizer:
    def __init__(self, merges):
        self.ranks = {m: i for i, m in enumerate(merges)}
        vocab = [BYTE_CHARS[b] for b in range(256)]
        for a, b in merges:
            if a + b not in vocab:
                vocab.append(a + b)
        self.vocab = {t: i for i, t in enumerate(vocab)}
        self.added = {t: len(vocab) + i for i, t in enumerate(ADDED)}
        self.merges = merges

    def encode(self, text):
        ids = []
        for piece in re.split("(" + "|".join(re.escape(t) for t in ADDED) + ")", text):
            if piece in self.added:
                ids.append(self.added[piece])
            elif piece:
                ids.extend(self.vocab[p] for w in pre_tokens(piece) for p in bpe(w, self.ranks))
        return ids

    def size(self):
        return len(self.vocab) + len(self.added)

    def json(self):
        added = [
            {"id": self.added[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": t in SPECIAL}
            for t in ADDED
        ]
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": {"type": "NFC"},
            "pre_tokenizer": {
                "type": "Sequence",
                "pretokenizers": [
                    {"type": "Split", "pattern": {"Regex": QWEN2_PATTERN}, "behavior": "Isolated", "invert": False},
                    {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
                ],
            },
            "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
            "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": None,
                "continuing_subword_prefix": "",
                "end_of_word_suffix": "",
                "fuse_unk": False,
                "byte_fallback": False,
                "ignore_merges": False,
                "vocab": self.vocab,
                "merges": [[a, b] for a, b in self.merges],
            },
        }


def prompt_ids(tok, query, document, instruct, max_length):
    """As the model card's process_inputs: prefix + body (truncated to fit) + suffix."""
    prefix, suffix = tok.encode(PREFIX), tok.encode(SUFFIX)
    body = tok.encode(f"<Instruct>: {instruct or DEFAULT_INSTRUCT}\n<Query>: {query}\n<Document>: {document}")
    return prefix + body[: max_length - len(prefix) - len(suffix)] + suffix


class RMSNorm(nn.Module):
    def __init__(self, size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, d = c["hidden_size"], c["head_dim"]
        self.heads, self.kv_heads, self.head_dim = c["num_attention_heads"], c["num_key_value_heads"], d
        eps = c["rms_norm_eps"]
        self.input_layernorm = RMSNorm(h, eps)
        self.q_proj = nn.Linear(h, self.heads * d, bias=False)
        self.k_proj = nn.Linear(h, self.kv_heads * d, bias=False)
        self.v_proj = nn.Linear(h, self.kv_heads * d, bias=False)
        self.o_proj = nn.Linear(self.heads * d, h, bias=False)
        self.q_norm = RMSNorm(d, eps)
        self.k_norm = RMSNorm(d, eps)
        self.post_attention_layernorm = RMSNorm(h, eps)
        self.gate_proj = nn.Linear(h, c["intermediate_size"], bias=False)
        self.up_proj = nn.Linear(h, c["intermediate_size"], bias=False)
        self.down_proj = nn.Linear(c["intermediate_size"], h, bias=False)

    def forward(self, x, cos, sin, bias, past_key, past_value):
        b, n, _ = x.shape
        y = self.input_layernorm(x)
        q = self.q_norm(self.q_proj(y).view(b, n, self.heads, self.head_dim)).transpose(1, 2)
        k = self.k_norm(self.k_proj(y).view(b, n, self.kv_heads, self.head_dim)).transpose(1, 2)
        v = self.v_proj(y).view(b, n, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = torch.cat([past_key, k], dim=2)
        v = torch.cat([past_value, v], dim=2)
        groups = self.heads // self.kv_heads
        # Each key/value head serves `groups` query heads (repeat_kv); expand + reshape exports cleanly.
        kk = k[:, :, None].expand(b, self.kv_heads, groups, k.shape[2], self.head_dim).reshape(b, self.heads, -1, self.head_dim)
        vv = v[:, :, None].expand(b, self.kv_heads, groups, v.shape[2], self.head_dim).reshape(b, self.heads, -1, self.head_dim)
        scores = q @ kk.transpose(-1, -2) / math.sqrt(self.head_dim) + bias
        attn = torch.softmax(scores, dim=-1) @ vv
        x = x + self.o_proj(attn.transpose(1, 2).reshape(b, n, self.heads * self.head_dim))
        y = self.post_attention_layernorm(x)
        x = x + self.down_proj(nn.functional.silu(self.gate_proj(y)) * self.up_proj(y))
        return x, k, v


class TinyQwen3(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)
        d = c["head_dim"]
        self.register_buffer("inv_freq", 1.0 / (c["rope_theta"] ** (torch.arange(0, d, 2, dtype=torch.float32) / d)), persistent=False)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        n = input_ids.shape[1]
        total = attention_mask.shape[1]
        x = self.embed_tokens(input_ids)
        freqs = position_ids.float()[..., None] * self.inv_freq
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[:, None], emb.sin()[:, None]
        # Causal over the whole (past + new) sequence, and no attention to padding. A large finite
        # negative rather than -inf, as transformers does, so fully masked (padding) rows stay finite.
        query_at = torch.arange(n)[:, None] + (total - n)
        causal = torch.arange(total)[None, :] <= query_at
        allowed = causal[None, None] & (attention_mask[:, None, None, :] > 0)
        bias = torch.where(allowed, torch.tensor(0.0), torch.tensor(torch.finfo(torch.float32).min))
        present = []
        for i, layer in enumerate(self.layers):
            x, k, v = layer(x, cos, sin, bias, past[2 * i], past[2 * i + 1])
            present += [k, v]
        return (self.lm_head(self.norm(x)), *present)


class KeepingLogits(nn.Module):
    """The same model with transformers.js's optional `num_logits_to_keep` input (0: every position)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, num_logits_to_keep, *past):
        logits, *present = self.model(input_ids, attention_mask, position_ids, *past)
        n = logits.shape[1]
        start = torch.where(num_logits_to_keep > 0, n - num_logits_to_keep, torch.zeros_like(num_logits_to_keep))
        return (logits.index_select(1, torch.arange(start, n)), *present)


def export(model, tok, config, folder, keep):
    """Exports the decoder as transformers.js runs it; with `keep`, also taking num_logits_to_keep."""
    os.makedirs(os.path.join(folder, "onnx"), exist_ok=True)
    layers, kv, d = config["num_hidden_layers"], config["num_key_value_heads"], config["head_dim"]
    past_names = [f"past_key_values.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    present_names = [f"present.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    # Traced with a past of one position so that the cache's sequence axis is a real dynamic axis.
    ids = torch.tensor([tok.encode("yes no yes")])
    n = ids.shape[1]
    head = (ids, torch.ones(1, n + 1, dtype=torch.long), torch.arange(1, n + 1)[None])
    names = ["input_ids", "attention_mask", "position_ids"]
    if keep:
        head += (torch.tensor(1),)
        names += ["num_logits_to_keep"]
    example = head + tuple(torch.zeros(1, kv, 1, d) for _ in past_names)
    onnx_path = os.path.join(folder, "onnx", "model.onnx")
    dynamic = {"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "total_sequence_length"}}
    dynamic["position_ids"] = {0: "batch_size", 1: "sequence_length"}
    dynamic |= {name: {0: "batch_size", 2: "past_sequence_length"} for name in past_names}
    dynamic |= {name: {0: "batch_size", 2: "total_sequence_length"} for name in present_names}
    dynamic["logits"] = {0: "batch_size", 1: "logits_length"}
    torch.onnx.export(
        KeepingLogits(model) if keep else model,
        example,
        onnx_path,
        input_names=names + past_names,
        output_names=["logits"] + present_names,
        dynamic_axes=dynamic,
        opset_version=14,
        do_constant_folding=True,
    )
    onnx.checker.check_model(onnx.load(onnx_path))


def main():
    torch.manual_seed(SEED)
    texts = [PREFIX, SUFFIX] + [f"<Instruct>: {i or DEFAULT_INSTRUCT}\n<Query>: {q}\n<Document>: {d}" for q, d, i in CASES]
    merges = train_merges([p for t in texts for p in re.split("|".join(re.escape(a) for a in ADDED), t)] + ["yes", "no"], 160)
    for word in ("yes", "no"):
        # The answer tokens must be single tokens, as in Qwen's vocabulary.
        if len(bpe(tuple(word), {m: i for i, m in enumerate(merges)})) != 1:
            merges += [(word[0], word[1:2])] + ([(word[:2], word[2:])] if len(word) > 2 else [])
    tok = Tokenizer(merges)
    assert tok.vocab.get("yes") is not None and tok.vocab.get("no") is not None
    config = {
        "_comment": "A tiny random-weight test fixture, not a trained model: made by packages/transformers/scripts/make-tiny-qwen3.py.",
        "architectures": ["Qwen3ForCausalLM"],
        "model_type": "qwen3",
        "vocab_size": tok.size(),
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 8,
        "hidden_act": "silu",
        "max_position_embeddings": 1024,
        "rms_norm_eps": 1e-6,
        "rope_theta": 1000000.0,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "bos_token_id": tok.added["<|endoftext|>"],
        "eos_token_id": tok.added["<|im_end|>"],
        "torch_dtype": "float32",
        "use_cache": True,
    }
    tokenizer_config = {
        "tokenizer_class": "Qwen2Tokenizer",
        "model_max_length": 1024,
        "padding_side": "left",
        "bos_token": None,
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "unk_token": None,
        "clean_up_tokenization_spaces": False,
        "errors": "replace",
        "split_special_tokens": False,
    }
    # transformers.js reads it beside a causal LM's config, as every Qwen3 export has one.
    generation_config = {"bos_token_id": config["bos_token_id"], "eos_token_id": config["eos_token_id"], "pad_token_id": tok.added["<|endoftext|>"]}
    model = TinyQwen3(config).eval()
    with torch.no_grad():
        for p in model.parameters():
            # Larger than the default init, so that P(yes) spreads over (0, 1) for random weights.
            p.mul_(3.0 if p.dim() > 1 else 1.0)
        for layer in model.layers:
            for norm in (layer.input_layernorm, layer.post_attention_layernorm, layer.q_norm, layer.k_norm):
                norm.weight.uniform_(0.5, 1.5)

    for folder, keep in ((FOLDER, False), (FOLDER_KEEP, True)):
        export(model, tok, config, folder, keep)

    yes, no = tok.vocab["yes"], tok.vocab["no"]
    cases = [{"query": q, "document": doc, "instruct": i, "maxLength": None} for q, doc, i in CASES]
    cases += [{"query": q, "document": doc, "instruct": i, "maxLength": m} for q, doc, i, m in TRUNCATED]
    layers, kv, d = config["num_hidden_layers"], config["num_key_value_heads"], config["head_dim"]
    past_names = [f"past_key_values.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    with torch.no_grad():
        for case in cases:
            ids = prompt_ids(tok, case["query"], case["document"], case["instruct"], case["maxLength"] or 8192)
            n = len(ids)
            empty = tuple(torch.zeros(1, kv, 0, d) for _ in past_names)
            logits = model(torch.tensor([ids]), torch.ones(1, n, dtype=torch.long), torch.arange(n)[None], *empty)[0][0, -1]
            pair = torch.log_softmax(torch.stack([logits[no], logits[yes]]).double(), dim=0)
            case.update(inputIds=ids, yesNoLogits=[round(float(logits[yes]), 7), round(float(logits[no]), 7)], pYes=float(pair[1].exp()))
    expected = {
        "_comment": "Prompt token ids from this script's tokenizer and P(yes) from PyTorch, for the same weights as onnx/model.onnx.",
        "torch": torch.__version__,
        "seed": SEED,
        "yesId": yes,
        "noId": no,
        "defaultInstruct": DEFAULT_INSTRUCT,
        "cases": cases,
    }
    for folder in (FOLDER, FOLDER_KEEP):
        for file, content in (
            ("config.json", config),
            ("tokenizer.json", tok.json()),
            ("tokenizer_config.json", tokenizer_config),
            ("generation_config.json", generation_config),
            ("expected.json", expected),
        ):
            with open(os.path.join(folder, file), "w") as f:
                json.dump(content, f, indent=1 if file == "expected.json" else 2, ensure_ascii=False)
                f.write("\n")
        size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(folder) for f in fs)
        print(f"{os.path.basename(folder)}: {size // 1024} KB, vocab {tok.size()}")
    print(f"P(yes) {[round(c['pYes'], 4) for c in cases]}, lengths {[len(c['inputIds']) for c in cases]}")


if __name__ == "__main__":
    main()

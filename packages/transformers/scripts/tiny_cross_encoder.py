"""A tiny random-weight BERT cross-encoder in PyTorch, its WordPiece tokenizer, and pair encoding.

Written out by hand (Debian's python3-torch has no Hugging Face `transformers` beside it): the
layers follow BertForSequenceClassification exactly (post-LayerNorm encoder, erf GELU, tanh pooler
on [CLS], linear head), and the tokenizer follows BertTokenizer (lowercase, strip accents, split
on whitespace and punctuation, greedy longest-match WordPiece). Shared by make-tiny-model.py (which
builds and exports the fixtures) and bench-torch.py (which times the same model in PyTorch).
"""

import math
import unicodedata

import torch
from torch import nn

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = """
the a an of to in is are was were be for on with as by at from that this it its and or not no
what which who how when where why does do did can could should would will
capital city country france paris germany berlin italy rome spain madrid europe river seine
population people million largest biggest small tower eiffel museum louvre
cold flu fever virus vitamin prevent preventing prevention rest sleep water drink hands wash
doctor medicine health healthy symptom symptoms cough
python javascript typescript code program language programming compiler runtime node
search engine query document rerank reranker ranking relevant relevance passage answer
model models neural network cross encoder token tokens score scores batch
cat cats dog dogs animal animals pet pets food eat eats
sun moon star earth planet space orbit light
weather rain snow wind summer winter hot
book books read reading library story history war king queen
""".split()
PIECES = ["##s", "##es", "##ed", "##ing", "##er", "##ly", "##y", "##ion"]
PUNCTUATION = list(".,?!;:'\"()-")
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
CONTINUATIONS = ["##" + c for c in LETTERS]
DIGITS = list("0123456789")


def vocabulary():
    vocab = []
    for token in SPECIAL + PUNCTUATION + LETTERS + DIGITS + CONTINUATIONS + PIECES + WORDS:
        if token not in vocab:
            vocab.append(token)
    return vocab


def _is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def basic_tokens(text):
    """BertTokenizer's basic tokenizer: clean, lowercase, strip accents, split punctuation."""
    cleaned = "".join(" " if ch.isspace() else ch for ch in text if ord(ch) not in (0, 0xFFFD) and unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\t\n\r")
    words = []
    for word in cleaned.lower().split():
        word = "".join(ch for ch in unicodedata.normalize("NFD", word) if unicodedata.category(ch) != "Mn")
        current = ""
        for ch in word:
            if _is_punctuation(ch):
                if current:
                    words.append(current)
                words.append(ch)
                current = ""
            else:
                current += ch
        if current:
            words.append(current)
    return words


def wordpiece(word, vocab_ids):
    if len(word) > 100:
        return ["[UNK]"]
    pieces, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            piece = ("##" if start > 0 else "") + word[start:end]
            if piece in vocab_ids:
                found = piece
                break
            end -= 1
        if found is None:
            return ["[UNK]"]
        pieces.append(found)
        start = end
    return pieces


def encode_text(text, vocab_ids):
    return [vocab_ids[p] for w in basic_tokens(text) for p in wordpiece(w, vocab_ids)]


def truncated_lengths(q, d, budget):
    """The document side is truncated; the query only when it alone fills the budget (then halves)."""
    if q + d <= budget:
        return q, d
    if q < budget:
        return q, budget - q
    half = budget // 2
    if d <= half:
        return budget - d, d
    return (half, budget - half) if d >= q else (budget - half, half)


def encode_pair(query, document, vocab_ids, max_length):
    q, d = encode_text(query, vocab_ids), encode_text(document, vocab_ids)
    nq, nd = truncated_lengths(len(q), len(d), max(0, max_length - 3))
    cls, sep = vocab_ids["[CLS]"], vocab_ids["[SEP]"]
    ids = [cls] + q[:nq] + [sep] + d[:nd] + [sep]
    types = [0] * (nq + 2) + [1] * (nd + 1)
    return ids, types


def tokenizer_json(vocab):
    vocab_ids = {t: i for i, t in enumerate(vocab)}
    special = lambda t: {"id": vocab_ids[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
    tok = lambda t, type_id: {"SpecialToken": {"id": t, "type_id": type_id}}
    seq = lambda s, type_id: {"Sequence": {"id": s, "type_id": type_id}}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(t) for t in SPECIAL],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [tok("[CLS]", 0), seq("A", 0), tok("[SEP]", 0)],
            "pair": [tok("[CLS]", 0), seq("A", 0), tok("[SEP]", 0), seq("B", 1), tok("[SEP]", 1)],
            "special_tokens": {t: {"id": t, "ids": [vocab_ids[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": vocab_ids},
    }


class Layer(nn.Module):
    def __init__(self, hidden, heads, intermediate, eps):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attention_output = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=eps)
        self.intermediate = nn.Linear(hidden, intermediate)
        self.output = nn.Linear(intermediate, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=eps)

    def split(self, x):
        b, n, h = x.shape
        return x.view(b, n, self.heads, h // self.heads).transpose(1, 2)

    def forward(self, x, additive_mask):
        b, n, h = x.shape
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // self.heads) + additive_mask
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, n, h)
        x = self.attention_norm(x + self.attention_output(context))
        return self.output_norm(x + self.output(nn.functional.gelu(self.intermediate(x))))


class TinyBertCrossEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        h, eps = config["hidden_size"], config["layer_norm_eps"]
        self.word = nn.Embedding(config["vocab_size"], h)
        self.position = nn.Embedding(config["max_position_embeddings"], h)
        self.token_type = nn.Embedding(config["type_vocab_size"], h)
        self.embedding_norm = nn.LayerNorm(h, eps=eps)
        self.layers = nn.ModuleList(
            Layer(h, config["num_attention_heads"], config["intermediate_size"], eps) for _ in range(config["num_hidden_layers"])
        )
        self.pooler = nn.Linear(h, h)
        self.classifier = nn.Linear(h, len(config["id2label"]))

    def forward(self, input_ids, attention_mask, token_type_ids):
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        x = self.embedding_norm(self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids))
        additive_mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -1e9
        for layer in self.layers:
            x = layer(x, additive_mask)
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))


def build_model(config, seed):
    torch.manual_seed(seed)
    model = TinyBertCrossEncoder(config)
    # Far larger than BERT's 0.02 initialisation, so that attention is sharp and the logits spread
    # over several units: a wrong token, segment or truncation then visibly changes a score.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() > 1:
                p.normal_(0.0, 1.0 if p.shape[0] == config["vocab_size"] else 3.0 / math.sqrt(p.shape[-1]))
            elif "norm" not in name:
                p.normal_(0.0, 0.5)
    model.eval()
    return model


def batch_tensors(pairs, pad_id=0):
    width = max(len(ids) for ids, _ in pairs)
    ids = torch.full((len(pairs), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(pairs), width), dtype=torch.long)
    types = torch.zeros((len(pairs), width), dtype=torch.long)
    for row, (i, t) in enumerate(pairs):
        ids[row, : len(i)] = torch.tensor(i)
        mask[row, : len(i)] = 1
        types[row, : len(t)] = torch.tensor(t)
    return ids, mask, types

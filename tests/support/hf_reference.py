#!/usr/bin/python3
"""Independent reference for the Hugging Face import/export tests (tests/integration/hf_*_test.cpp).

Makes tiny Hugging Face checkpoints with PyTorch (random LLaMA/Qwen2 weights, as safetensors
written by hand or pytorch_model.bin written by torch.save, sharded or not) and a SentencePiece
tokenizer trained here, and computes the logits of the Hugging Face LLaMA/Qwen2 forward pass
(rotate_half RoPE on the HF-layout weights) for comparison with llama.cpp. Never part of the
product. Needs python3-torch and python3-sentencepiece.

  hf_reference.py make DIR [--format safetensors|safetensors-sharded|bin|bin-sharded]
                           [--arch llama|qwen2] [--seed N] [--tied] [--no-tokenizer]
                           [--dtype f32|f16|bf16]
  hf_reference.py logits DIR TOKENS_JSON OUT_JSON   # logits [len(tokens)][vocab] of the forward
  hf_reference.py encode DIR TEXT                    # SentencePiece ids (with BOS) as JSON
  hf_reference.py malicious FILE MARKER              # a .bin whose pickle would run a command
                                                     # (it would create MARKER)
  hf_reference.py check-gguf DIR GGUF                # the GGUF holds what llama.cpp's converter
                                                     # writes: tensors and tokenizer metadata
"""
import json
import math
import os
import struct
import sys

import torch

DIM, LAYERS, HEADS, KV_HEADS, FF = 64, 2, 4, 2, 96

TRAIN_TEXT = [
    "Aspirin was developed by Bayer in Leverkusen.",
    "Marie Curie worked in Paris with Pierre Curie.",
    "The Eiffel Tower is in Paris, the capital of France.",
    "Ada Lovelace wrote about the Analytical Engine in 1843.",
    "Universal named entity recognition finds people, places and drugs.",
    "Émile Zola lived in Paris; Goethe lived in Weimar.",
    "Numbers like 12345 and 3.14 appear in text too.",
]


def train_tokenizer(out_dir):
    import sentencepiece as spm
    text = os.path.join(out_dir, "train.txt")
    with open(text, "w", encoding="utf-8") as f:
        for i in range(40):
            for line in TRAIN_TEXT:
                f.write(line + "\n")
    spm.SentencePieceTrainer.train(
        input=text, model_prefix=os.path.join(out_dir, "tokenizer"), vocab_size=400,
        model_type="bpe", byte_fallback=True, split_digits=True, character_coverage=1.0,
        normalization_rule_name="identity", remove_extra_whitespaces=False,
        add_dummy_prefix=True, unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        hard_vocab_limit=False, minloglevel=2)
    os.remove(text)
    os.remove(os.path.join(out_dir, "tokenizer.vocab"))
    sp = spm.SentencePieceProcessor(model_file=os.path.join(out_dir, "tokenizer.model"))
    return sp.get_piece_size()


def make_weights(arch, vocab, tied, seed):
    g = torch.Generator().manual_seed(seed)
    hd = DIM // HEADS

    def rnd(*shape, std=0.15):
        return torch.randn(*shape, generator=g) * std

    w = {"model.embed_tokens.weight": rnd(vocab, DIM, std=0.5)}
    for l in range(LAYERS):
        p = f"model.layers.{l}."
        w[p + "input_layernorm.weight"] = 1 + rnd(DIM, std=0.1)
        w[p + "self_attn.q_proj.weight"] = rnd(HEADS * hd, DIM)
        w[p + "self_attn.k_proj.weight"] = rnd(KV_HEADS * hd, DIM)
        w[p + "self_attn.v_proj.weight"] = rnd(KV_HEADS * hd, DIM)
        if arch == "qwen2":
            w[p + "self_attn.q_proj.bias"] = rnd(HEADS * hd)
            w[p + "self_attn.k_proj.bias"] = rnd(KV_HEADS * hd)
            w[p + "self_attn.v_proj.bias"] = rnd(KV_HEADS * hd)
        w[p + "self_attn.o_proj.weight"] = rnd(DIM, HEADS * hd)
        w[p + "post_attention_layernorm.weight"] = 1 + rnd(DIM, std=0.1)
        w[p + "mlp.gate_proj.weight"] = rnd(FF, DIM)
        w[p + "mlp.up_proj.weight"] = rnd(FF, DIM)
        w[p + "mlp.down_proj.weight"] = rnd(DIM, FF)
        if arch == "llama":  # what old LLaMA checkpoints (UniNER-7B's) carry: to be skipped
            w[p + "self_attn.rotary_emb.inv_freq"] = 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd))
    w["model.norm.weight"] = 1 + rnd(DIM, std=0.1)
    if not tied:
        w["lm_head.weight"] = rnd(vocab, DIM, std=0.5)
    return w


def write_safetensors(path, tensors):
    """The format by hand: 8-byte little-endian header length, JSON header, raw data."""
    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}
    header, blobs, at = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [at, at + len(raw)]}
        blobs.append(raw)
        at += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, v in header.items():
        if name == "__metadata__":
            continue
        b, e = v["data_offsets"]
        dt = dtypes[v["dtype"]]
        raw = bytearray(data[b:e])
        if dt == torch.bfloat16:
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16)
        else:
            t = torch.frombuffer(raw, dtype=dt)
        out[name] = t.reshape(v["shape"]).float()
    return out


def save(out_dir, fmt, weights):
    names = list(weights)
    half = len(names) // 2
    if fmt == "safetensors":
        write_safetensors(os.path.join(out_dir, "model.safetensors"), weights)
    elif fmt == "bin":
        # a state dict: an OrderedDict, as model.state_dict() gives (with its _metadata)
        sd = torch.nn.Module().state_dict()
        sd.update(weights)
        torch.save(sd, os.path.join(out_dir, "pytorch_model.bin"))
    else:
        ext = "safetensors" if fmt.startswith("safetensors") else "bin"
        stem = "model" if ext == "safetensors" else "pytorch_model"
        parts = [names[:half], names[half:]]
        weight_map = {}
        for i, part in enumerate(parts):
            file = f"{stem}-{i + 1:05d}-of-00002.{ext}"
            chunk = {n: weights[n] for n in part}
            if ext == "safetensors":
                write_safetensors(os.path.join(out_dir, file), chunk)
            else:
                torch.save(chunk, os.path.join(out_dir, file))
            weight_map.update({n: file for n in part})
        with open(os.path.join(out_dir, f"{stem}.{ext}.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f)


def make(out_dir, fmt="safetensors", arch="llama", seed=0, tied=False, tokenizer=True, dtype="f32"):
    os.makedirs(out_dir, exist_ok=True)
    vocab = train_tokenizer(out_dir) if tokenizer else 400
    config = {
        "architectures": ["LlamaForCausalLM" if arch == "llama" else "Qwen2ForCausalLM"],
        "model_type": arch, "hidden_size": DIM, "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS, "num_key_value_heads": KV_HEADS, "intermediate_size": FF,
        "rms_norm_eps": 1e-6, "rope_theta": 10000.0 if arch == "llama" else 1000000.0,
        "vocab_size": vocab, "max_position_embeddings": 2048, "tie_word_embeddings": tied,
        "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "torch_dtype": "float32",
    }
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    if tokenizer:
        with open(os.path.join(out_dir, "tokenizer_config.json"), "w") as f:
            json.dump({"add_bos_token": True, "add_eos_token": False, "bos_token": "<s>",
                       "eos_token": "</s>", "unk_token": "<unk>", "tokenizer_class": "LlamaTokenizer"}, f)
    cast = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}[dtype]
    save(out_dir, fmt, {k: v.to(cast) for k, v in make_weights(arch, vocab, tied, seed).items()})


def load_weights(d):
    files = sorted(os.listdir(d))
    w = {}
    for f in files:
        p = os.path.join(d, f)
        if f.endswith(".safetensors"):
            w.update(read_safetensors(p))
        elif f.startswith("pytorch_model") and f.endswith(".bin"):
            w.update({k: v.float() for k, v in torch.load(p).items()})
    return w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def forward(d, tokens):
    """The Hugging Face LlamaForCausalLM / Qwen2ForCausalLM forward pass, in float64."""
    with open(os.path.join(d, "config.json")) as f:
        c = json.load(f)
    w = {k: v.double() for k, v in load_weights(d).items()}
    dim, heads = c["hidden_size"], c["num_attention_heads"]
    kv = c.get("num_key_value_heads", heads)
    hd, eps, theta = dim // heads, c["rms_norm_eps"], c.get("rope_theta", 10000.0)
    T = len(tokens)

    def norm(x, weight):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight

    inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    freqs = torch.outer(torch.arange(T, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[:, None, :], emb.sin()[:, None, :]
    mask = torch.full((T, T), float("-inf"), dtype=torch.float64).triu(1)
    h = w["model.embed_tokens.weight"][torch.tensor(tokens)]
    for l in range(c["num_hidden_layers"]):
        p = f"model.layers.{l}."

        def lin(x, name):
            y = x @ w[p + name + ".weight"].T
            return y + w[p + name + ".bias"] if p + name + ".bias" in w else y

        x = norm(h, w[p + "input_layernorm.weight"])
        q = lin(x, "self_attn.q_proj").view(T, heads, hd)
        k = lin(x, "self_attn.k_proj").view(T, kv, hd)
        v = lin(x, "self_attn.v_proj").view(T, kv, hd)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(heads // kv, dim=1)
        v = v.repeat_interleave(heads // kv, dim=1)
        att = torch.einsum("thd,shd->hts", q, k) / math.sqrt(hd) + mask
        o = torch.einsum("hts,shd->thd", att.softmax(-1), v).reshape(T, dim)
        h = h + lin(o, "self_attn.o_proj")
        x = norm(h, w[p + "post_attention_layernorm.weight"])
        h = h + lin(torch.nn.functional.silu(lin(x, "mlp.gate_proj")) * lin(x, "mlp.up_proj"), "mlp.down_proj")
    h = norm(h, w["model.norm.weight"])
    head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    if c.get("tie_word_embeddings"):
        head = w["model.embed_tokens.weight"]
    return (h @ head.T).tolist()


class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, ("touch " + self.marker,))


def converter_vocab(d, vocab_size):
    """convert_hf_to_gguf.py's _create_vocab_sentencepiece and SpecialVocab, for this folder."""
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=os.path.join(d, "tokenizer.model"))
    tokens = [f"[PAD{i}]" for i in range(vocab_size)]
    scores, types = [-10000.0] * vocab_size, [5] * vocab_size
    for i in range(min(sp.vocab_size(), vocab_size)):
        t = 1
        if sp.IsUnknown(i):
            t = 2
        elif sp.IsControl(i):
            t = 3
        elif sp.IsUnused(i):
            t = 5
        elif sp.IsByte(i):
            t = 6
        tokens[i], scores[i], types[i] = sp.IdToPiece(i), sp.GetScore(i), t
    with open(os.path.join(d, "config.json")) as f:
        c = json.load(f)
    keys = {"tokenizer.ggml.model": "llama", "tokenizer.ggml.pre": "default"}
    for typ, key in (("bos", "bos_token_id"), ("eos", "eos_token_id")):
        if key in c:
            keys[f"tokenizer.ggml.{typ}_token_id"] = c[key]
    tc_path = os.path.join(d, "tokenizer_config.json")
    if os.path.exists(tc_path):
        with open(tc_path) as f:
            tc = json.load(f)
        for typ in ("bos", "eos"):
            if isinstance(tc.get(f"add_{typ}_token"), bool):
                keys[f"tokenizer.ggml.add_{typ}_token"] = tc[f"add_{typ}_token"]
    return tokens, scores, types, keys


def converter_permute(w, n_head):
    """LlamaModel.permute of convert_hf_to_gguf.py."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def check_gguf(d, path):
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../third_party/llama.cpp/gguf-py"))
    import gguf
    r = gguf.GGUFReader(path)
    problems = []
    field = lambda k: r.fields[k].contents() if k in r.fields else None
    with open(os.path.join(d, "config.json")) as f:
        c = json.load(f)
    tokens, scores, types, keys = converter_vocab(d, c["vocab_size"])
    if field("tokenizer.ggml.tokens") != tokens:
        problems.append("tokens differ")
    got_scores = field("tokenizer.ggml.scores") or []
    if len(got_scores) != len(scores) or any(abs(a - b) > 0 for a, b in zip(got_scores, scores)):
        problems.append("scores differ")
    if field("tokenizer.ggml.token_type") != types:
        problems.append("token types differ")
    for k, v in keys.items():
        if field(k) != v:
            problems.append(f"{k}: {field(k)!r}, the converter writes {v!r}")
    w = load_weights(d)
    heads, kv = c["num_attention_heads"], c.get("num_key_value_heads", c["num_attention_heads"])
    names = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
             "lm_head.weight": "output.weight"}
    block = {"input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
             "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
             "post_attention_layernorm": "ffn_norm", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
             "mlp.down_proj": "ffn_down"}
    tensors = {t.name: t for t in r.tensors}
    for name, t in w.items():
        if name.endswith("rotary_emb.inv_freq"):
            continue
        if name in names:
            g = names[name]
        else:
            parts = name.split(".")
            g = f"blk.{parts[2]}.{block['.'.join(parts[3:-1])]}.{parts[-1]}"
        if c["model_type"] == "llama" and ".attn_q." in g:
            t = converter_permute(t, heads)
        if c["model_type"] == "llama" and ".attn_k." in g:
            t = converter_permute(t, kv)
        if g not in tensors:
            problems.append(f"missing {g}")
            continue
        got = torch.from_numpy(tensors[g].data.copy()).float().reshape(t.shape)
        if not torch.equal(got, t.float()):
            problems.append(f"{g} differs from {name} (max {float((got - t).abs().max())})")
    if len(tensors) != len([n for n in w if not n.endswith("inv_freq")]):
        problems.append(f"{len(tensors)} tensors in the GGUF")
    print("\n".join(problems) if problems else "ok")
    return not problems


def main(argv):
    cmd = argv[1]
    if cmd == "make":
        args = argv[3:]
        opt = lambda name, default: args[args.index(name) + 1] if name in args else default
        make(argv[2], fmt=opt("--format", "safetensors"), arch=opt("--arch", "llama"),
             seed=int(opt("--seed", "0")), tied="--tied" in args, tokenizer="--no-tokenizer" not in args,
             dtype=opt("--dtype", "f32"))
    elif cmd == "logits":
        with open(argv[3]) as f:
            tokens = json.load(f)
        with open(argv[4], "w") as f:
            json.dump(forward(argv[2], tokens), f)
    elif cmd == "encode":
        import sentencepiece as spm
        sp = spm.SentencePieceProcessor(model_file=os.path.join(argv[2], "tokenizer.model"))
        print(json.dumps([sp.bos_id()] + sp.encode(argv[3])))
    elif cmd == "malicious":
        torch.save({"model.embed_tokens.weight": torch.zeros(2, 2), "x": Evil(argv[3])}, argv[2])
    elif cmd == "check-gguf":
        sys.exit(0 if check_gguf(argv[2], argv[3]) else 1)
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/python3
"""PyTorch eager reference for `uniner train` (bench/train). Run with /usr/bin/python3 (Debian's
python3-torch, the same libtorch 1.13 and BLAS as uniner).

The same network as src/uniner/train/student.cpp (LLaMA: RMSNorm, RoPE in llama.cpp's adjacent-pairs
layout, SwiGLU, untied output), initial weights read from the same base GGUF, the same examples
(`uniner train --dump-examples`), the same batches (uniner's plan replicated: the seeded train
permutation of training_data.cpp and the pools of 64 length-sorted batches of plan.cpp), the same
loss (cross-entropy at positions whose next token is trained, logits only there), AdamW with the
same groups, warmup + cosine, gradient clipping. Timed the way uniner times itself: from before
the first step to after the last, real (unpadded) tokens counted.

  torch_reference.py train --base B.gguf --examples EX.jsonl --steps N [--bf16] [--full-logits]
  torch_reference.py plan  --base B.gguf --examples EX.jsonl --steps N   (FLOPs and padding only)
  torch_reference.py peak  [--n 2048]                                   (matmul peak, GFLOP/s)
Every command prints one JSON line.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "third_party", "llama.cpp", "gguf-py"))

M64 = (1 << 64) - 1


# ---- uniner's random generator (src/uniner/data/rng.cpp): xoshiro256** seeded by splitmix64 ----
def _splitmix(x):
    x = (x + 0x9E3779B97F4A7C15) & M64
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return x, z ^ (z >> 31)


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class Rng:
    def __init__(self, seed):
        self.s = []
        x = seed & M64
        for _ in range(4):
            x, z = _splitmix(x)
            self.s.append(z)

    def next(self):
        s = self.s
        result = (_rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def below(self, n):
        threshold = ((1 << 64) - n) % n
        while True:
            x = self.next()
            if x >= threshold:
                return x % n


def mix_seed(seed, stream):
    x = (seed ^ ((stream * 0xD1B54A32D192ED03) & M64)) & M64
    x, _ = _splitmix(x)
    _, z = _splitmix(x)
    return z


def shuffle(v, rng):
    for i in range(len(v), 1, -1):
        j = rng.below(i)
        v[i - 1], v[j] = v[j], v[i - 1]


def train_order(n, seed):
    """training_data.cpp with dev_fraction 0: the train list is a seeded permutation of the file."""
    order = list(range(n))
    shuffle(order, Rng(mix_seed(seed, 0xDEF0)))
    return order


def epoch_batches(lengths, batch, seed, epoch):
    """plan.cpp: shuffle, pools of 64 batches each sorted by length (stable), shuffle the batches."""
    rng = Rng(mix_seed(seed, 0x9E3779B9 + epoch))
    order = list(range(len(lengths)))
    shuffle(order, rng)
    plan = []
    pool = batch * 64
    for start in range(0, len(order), pool):
        part = sorted(order[start:start + pool], key=lambda i: lengths[i])  # stable, as stable_sort
        for b in range(0, len(part), batch):
            plan.append(part[b:b + batch])
    shuffle(plan, rng)
    return plan


def learning_rate(peak, step, warmup, total):
    if step < warmup:
        return peak * step / max(1, warmup)
    progress = (step - warmup) / max(1, total - warmup)
    return peak * max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))


# ---- the model ----
class Shape:
    def __init__(self, reader):
        f = {k: v for k, v in reader.fields.items()}

        def val(key, default=None):
            if key not in f:
                return default
            fld = f[key]
            return fld.parts[fld.data[0]][0].item()

        arch = bytes(f["general.architecture"].parts[-1]).decode()
        if arch != "llama":
            raise SystemExit(f"only llama bases are supported here (got {arch})")
        self.dim = val("llama.embedding_length")
        self.layers = val("llama.block_count")
        self.heads = val("llama.attention.head_count")
        self.kv_heads = val("llama.attention.head_count_kv", self.heads)
        self.ff = val("llama.feed_forward_length")
        self.eps = float(val("llama.attention.layer_norm_rms_epsilon", 1e-6))
        self.rope_base = float(val("llama.rope.freq_base", 10000.0))
        self.head_dim = self.dim // self.heads


def load_base(path):
    from gguf import GGUFReader  # third_party/llama.cpp/gguf-py

    r = GGUFReader(path)
    shape = Shape(r)
    params = {}
    for t in r.tensors:
        a = np.array(t.data)
        if a.dtype != np.float32:
            raise SystemExit(f"{t.name}: the benchmark bases are F32 (init-model default)")
        dims = [int(d) for d in reversed(list(t.shape))]  # GGUF ne[] is innermost first
        params[t.name] = torch.from_numpy(a.reshape(dims).copy()).requires_grad_(True)
    shape.vocab = params["token_embd.weight"].shape[0]
    return shape, params


class Student:
    """student.cpp, op for op."""

    def __init__(self, shape, params):
        self.s = shape
        self.p = params
        hd = shape.head_dim
        self.inv_freq = torch.pow(torch.tensor(shape.rope_base, dtype=torch.float64),
                                  -torch.arange(0, hd, 2, dtype=torch.float64) / hd).float()
        self.output = params.get("output.weight", params["token_embd.weight"])

    def rms_norm(self, x, w):
        xf = x.float()
        return xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.s.eps) * w

    def rope(self, x, cos, sin):
        half = self.s.head_dim // 2
        xp = x.unflatten(-1, (half, 2))
        x1, x2 = xp[..., 0], xp[..., 1]
        return torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos), -1).flatten(-2)

    def hidden(self, tokens):
        s, p = self.s, self.p
        B, T = tokens.shape
        H, KV, hd = s.heads, s.kv_heads, s.head_dim
        x = p["token_embd.weight"].index_select(0, tokens.reshape(-1)).view(B, T, s.dim)
        angles = torch.outer(torch.arange(T, dtype=torch.float32), self.inv_freq)
        cos, sin = angles.cos().view(1, T, 1, hd // 2), angles.sin().view(1, T, 1, hd // 2)
        causal = torch.ones(T, T, dtype=torch.bool).triu(1)
        scale = 1.0 / math.sqrt(hd)
        for l in range(s.layers):
            b = f"blk.{l}."
            h = self.rms_norm(x, p[b + "attn_norm.weight"])
            q = torch.nn.functional.linear(h, p[b + "attn_q.weight"]).view(B, T, H, hd)
            k = torch.nn.functional.linear(h, p[b + "attn_k.weight"]).view(B, T, KV, hd)
            v = torch.nn.functional.linear(h, p[b + "attn_v.weight"]).view(B, T, KV, hd)
            q = self.rope(q, cos, sin).transpose(1, 2)
            k = self.rope(k, cos, sin).transpose(1, 2)
            v = v.transpose(1, 2)
            if KV != H:
                k = k.repeat_interleave(H // KV, 1)
                v = v.repeat_interleave(H // KV, 1)
            scores = torch.matmul(q, k.transpose(-2, -1)).float() * scale
            scores = scores.masked_fill(causal, float("-inf"))
            attn = torch.matmul(torch.softmax(scores, -1).to(v.dtype), v)
            attn = attn.transpose(1, 2).reshape(B, T, s.dim)
            x = x + torch.nn.functional.linear(attn, p[b + "attn_output.weight"]).float()
            f = self.rms_norm(x, p[b + "ffn_norm.weight"])
            g = torch.nn.functional.silu(torch.nn.functional.linear(f, p[b + "ffn_gate.weight"]))
            u = torch.nn.functional.linear(f, p[b + "ffn_up.weight"])
            x = x + torch.nn.functional.linear(g * u, p[b + "ffn_down.weight"]).float()
        return x

    def logits(self, rows):
        return torch.nn.functional.linear(self.rms_norm(rows, self.p["output_norm.weight"]),
                                          self.output).float()


def make_batch(examples):
    """batch_loss.cpp make_batch: right-padded with 0; trained flag only for positions > 0."""
    T = max(len(e["tokens"]) for e in examples)
    tokens = torch.zeros(len(examples), T, dtype=torch.int64)
    trained = torch.zeros(len(examples), T, dtype=torch.bool)
    real = 0
    for r, e in enumerate(examples):
        n = len(e["tokens"])
        tokens[r, :n] = torch.tensor(e["tokens"], dtype=torch.int64)
        trained[r, 1:n] = torch.tensor(e["trained"][1:], dtype=torch.bool)
        real += n
    return tokens, trained, real, int(trained.sum())


def loss_sum(model, tokens, trained):
    """batch_loss.cpp loss_sum: logits only at the positions whose next token is trained."""
    T = tokens.shape[1]
    flat = torch.nonzero(trained[:, 1:].reshape(-1)).squeeze(1)
    row, col = flat.div(T - 1, rounding_mode="floor"), flat.remainder(T - 1)
    h = model.hidden(tokens)
    rows = h.reshape(-1, h.shape[-1]).index_select(0, row * T + col)
    targets = tokens.reshape(-1).index_select(0, row * T + col + 1)
    return torch.nn.functional.cross_entropy(model.logits(rows), targets, reduction="sum")


def loss_sum_full(model, tokens, trained):
    """As Hugging Face: logits at every position, then the untrained ones ignored."""
    h = model.hidden(tokens)
    logits = model.logits(h)[:, :-1]
    labels = tokens[:, 1:].masked_fill(~trained[:, 1:], -100)
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                             labels.reshape(-1), reduction="sum",
                                             ignore_index=-100)


# ---- plan, FLOPs ----
def load_plan(a):
    examples = [json.loads(l) for l in open(a.examples, encoding="utf-8")]
    order = train_order(len(examples), a.seed)
    train = [examples[i] for i in order]
    lengths = [min(len(e["tokens"]), a.max_len) for e in train]
    if any(len(e["tokens"]) > a.max_len for e in train):
        raise SystemExit("examples longer than --max-len: not supported by the benchmark")
    plan = epoch_batches(lengths, a.batch, a.seed, 0)
    if a.steps > len(plan):
        raise SystemExit(f"{a.steps} steps need more than one epoch ({len(plan)} batches)")
    return [[train[i] for i in b] for b in plan[:a.steps]]


def step_flops(shape, batch):
    """Model FLOPs of one optimizer step (forward + backward = 3 x forward):
    6 x (block parameters) per real token + 6 x dim x vocab per trained position (the output
    layer) + 12 x layers x dim x L^2 per example of L real tokens (QK^T and AV, full square)."""
    d, ff, hd = shape.dim, shape.ff, shape.head_dim
    kvd = shape.kv_heads * hd
    block = shape.layers * (2 * d * d + 2 * d * kvd + 3 * d * ff)
    f = 0
    for e in batch:
        L = len(e["tokens"])
        f += 6 * block * L + 12 * shape.layers * d * L * L
        f += 6 * d * shape.vocab * sum(e["trained"][1:])
    return f


def plan_stats(shape, batches):
    real = sum(len(e["tokens"]) for b in batches for e in b)
    slots = sum(len(b) * max(len(e["tokens"]) for e in b) for b in batches)
    flops = sum(step_flops(shape, b) for b in batches)
    trained = sum(sum(e["trained"][1:]) for b in batches for e in b)
    return {"steps": len(batches), "tokens": real, "slots": slots, "padding": 1 - real / slots,
            "trained_positions": trained, "flops": flops,
            "tokens_per_step": [sum(len(e["tokens"]) for e in b) for b in batches]}


# ---- commands ----
def cmd_plan(a):
    shape, _ = load_base(a.base)
    print(json.dumps(plan_stats(shape, load_plan(a))))


def cmd_train(a):
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    shape, params = load_base(a.base)
    batches = load_plan(a)
    stats = plan_stats(shape, batches)
    model = Student(shape, params)
    plist = list(params.values())
    decay = [t for t in plist if t.dim() >= 2]
    no_decay = [t for t in plist if t.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=a.lr)
    lossf = loss_sum_full if a.full_logits else loss_sum
    warmup = math.ceil(0.04 * a.steps)
    ends, losses = [], []
    t0 = time.perf_counter()
    for step, batch in enumerate(batches):
        tokens, trained, real, targets = make_batch(batch)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.bf16):
            loss = lossf(model, tokens, trained) / max(1, targets)
            loss.backward()
        losses.append(loss.item())
        torch.nn.utils.clip_grad_norm_(plist, a.clip)
        lr = learning_rate(a.lr, step, warmup, a.steps)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.step()
        opt.zero_grad()
        ends.append(time.perf_counter() - t0)
    tps = stats["tokens"] / ends[-1]
    skip = min(a.skip, len(ends) - 1)
    steady_tokens = sum(stats["tokens_per_step"][skip:])
    out = {"side": "torch", "threads": torch.get_num_threads(), "bf16": a.bf16,
           "full_logits": a.full_logits, "elapsed_s": ends[-1], "tokens": stats["tokens"],
           "tokens_per_s": tps,
           "steady_tokens_per_s": steady_tokens / (ends[-1] - (ends[skip - 1] if skip else 0)),
           "padding": stats["padding"], "flops": stats["flops"],
           "flops_per_s": stats["flops"] / ends[-1], "first_loss": losses[0],
           "last_loss": losses[-1]}
    print(json.dumps(out))


def cmd_peak(a):
    torch.set_num_threads(a.threads)
    dtype = torch.bfloat16 if a.bf16 else torch.float32
    x = torch.randn(a.n, a.n).to(dtype)
    y = torch.randn(a.n, a.n).to(dtype)
    z = torch.empty(a.n, a.n, dtype=dtype)
    torch.mm(x, y, out=z)
    best = 0.0
    deadline = time.perf_counter() + a.seconds
    while time.perf_counter() < deadline:
        t = time.perf_counter()
        for _ in range(a.reps):
            torch.mm(x, y, out=z)
        best = max(best, a.reps * 2 * a.n ** 3 / (time.perf_counter() - t))
    print(json.dumps({"peak_flops_per_s": best, "n": a.n, "bf16": a.bf16,
                      "threads": torch.get_num_threads()}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("train", "plan"):
        p = sub.add_parser(name)
        p.add_argument("--base", required=True)
        p.add_argument("--examples", required=True)
        p.add_argument("--steps", type=int, required=True)
        p.add_argument("--batch", type=int, default=8)
        p.add_argument("--max-len", type=int, default=1024)
        p.add_argument("--seed", type=int, default=42)
        if name == "train":
            p.add_argument("--threads", type=int, default=2)
            p.add_argument("--lr", type=float, default=2e-5)
            p.add_argument("--weight-decay", type=float, default=0.0)
            p.add_argument("--clip", type=float, default=1.0)
            p.add_argument("--bf16", action="store_true")
            p.add_argument("--full-logits", action="store_true")
            p.add_argument("--skip", type=int, default=3, help="steps left out of steady_tokens_per_s")
    p = sub.add_parser("peak")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--n", type=int, default=2048)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--seconds", type=float, default=6.0)
    p.add_argument("--bf16", action="store_true")
    a = ap.parse_args()
    {"train": cmd_train, "plan": cmd_plan, "peak": cmd_peak}[a.cmd](a)


if __name__ == "__main__":
    main()

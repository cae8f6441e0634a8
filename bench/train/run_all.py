#!/usr/bin/python3
"""Driver of bench/train/run.sh: interleaved timed runs of `uniner train` and torch_reference.py
on a quiet machine, then the table (medians). Reads its settings from the environment run.sh sets.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "torch_reference.py")
PY = "/usr/bin/python3"
E = os.environ
UNINER = E["UNINER"]
WORK = E["WORK"]
THREADS = int(E.get("THREADS", "2"))
REPS = int(E.get("REPS", "2"))
SKIP = int(E.get("SKIP", "3"))
LOAD_MAX = float(E.get("LOAD_MAX", "0.7"))
WAIT_MAX = float(E.get("WAIT_MAX", "900"))
MODELS = E.get("MODELS", "small large").split()
STEPS = {"small": int(E.get("SMALL_STEPS", "30")), "large": int(E.get("LARGE_STEPS", "10"))}
BF16 = E.get("BF16", "1") == "1"
FULL = E.get("FULL", "1") == "1"
RESULTS = os.path.join(WORK, "results.jsonl")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def foreign_work():
    """Compilers, linkers or someone else's `uniner train` running now."""
    busy = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        name = os.path.basename(argv[0].decode(errors="replace")) if argv and argv[0] else ""
        line = b" ".join(argv).decode(errors="replace")
        if name in ("cc1plus", "ld", "ld.gold", "ld.bfd", "ld.lld", "collect2") or \
                ("uniner" in name and len(argv) > 1 and argv[1] == b"train"):
            busy.append(f"{pid} {line[:80]}")
    return busy


def wait_quiet():
    start = time.time()
    while True:
        load1 = float(open("/proc/loadavg").read().split()[0])
        busy = foreign_work()
        if load1 < LOAD_MAX and not busy:
            return load1, False
        if time.time() - start > WAIT_MAX:
            log(f"  not quiet after {WAIT_MAX:.0f} s (load {load1}, {busy}): running anyway")
            return load1, True
        log(f"  waiting: load {load1}{', busy: ' + '; '.join(busy) if busy else ''}")
        time.sleep(30)


def run_uniner(model, bf16):
    out = os.path.join(WORK, f"run-{model}.gguf")
    for p in (out, out + ".metrics.jsonl", out + ".loss.svg"):
        if os.path.exists(p):
            os.remove(p)
    shutil.rmtree(out + ".ckpt", ignore_errors=True)
    cmd = [UNINER, "train", "--base", os.path.join(WORK, f"{model}.gguf"),
           "--data", os.path.join(WORK, "data.json"), "--out", out,
           "--max-steps", str(STEPS[model]), "--batch", "8", "--threads", str(THREADS),
           "--dev-fraction", "0", "--quiet"] + (["--bf16"] if bf16 else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"uniner train failed: {p.stderr}")
    steps = [json.loads(l) for l in open(out + ".metrics.jsonl") if '"tokens_per_s"' in l]
    last = steps[-1]
    base = steps[SKIP - 1] if SKIP else {"tokens": 0, "elapsed_s": 0}
    pad = re.search(r"padding ([0-9.]+)%", p.stderr)
    return {"side": "uniner", "tokens_per_s": last["tokens_per_s"], "elapsed_s": last["elapsed_s"],
            "tokens": last["tokens"],
            "steady_tokens_per_s": (last["tokens"] - base["tokens"]) /
                                   (last["elapsed_s"] - base["elapsed_s"]),
            "padding": float(pad.group(1)) / 100 if pad else None,
            "first_loss": steps[0]["loss"], "last_loss": last["loss"]}


def run_torch(model, bf16, full):
    cmd = [PY, REF, "train", "--base", os.path.join(WORK, f"{model}.gguf"),
           "--examples", os.path.join(WORK, "examples.jsonl"), "--steps", str(STEPS[model]),
           "--threads", str(THREADS), "--skip", str(SKIP)]
    cmd += (["--bf16"] if bf16 else []) + (["--full-logits"] if full else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"torch_reference failed: {p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    configs = [("fp32", "uniner"), ("fp32", "torch")]
    if FULL:
        configs.append(("fp32", "torch-full-logits"))
    if BF16:
        configs += [("bf16", "uniner"), ("bf16", "torch")]
    for prec in ("fp32", "bf16"):
        wait_quiet()
        p = subprocess.run([PY, REF, "peak", "--threads", str(THREADS)] +
                           (["--bf16"] if prec == "bf16" else []),
                           capture_output=True, text=True, check=True)
        open(os.path.join(WORK, f"peak-{prec}.json"), "w").write(p.stdout)
        log(f"  matmul peak {prec}: {json.loads(p.stdout)['peak_flops_per_s'] / 1e9:.1f} GFLOP/s")
    with open(RESULTS, "a") as res:
        for model in MODELS:
            for rep in range(REPS):
                for prec, side in configs:
                    load1, forced = wait_quiet()
                    bf16 = prec == "bf16"
                    if side == "uniner":
                        r = run_uniner(model, bf16)
                    else:
                        r = run_torch(model, bf16, side == "torch-full-logits")
                    r.update({"model": model, "precision": prec, "row": side, "rep": rep,
                              "load_before": load1, "not_quiet": forced,
                              "load_after": float(open("/proc/loadavg").read().split()[0])})
                    log(f"  {model} {prec} {side} rep {rep}: {r['tokens_per_s']:.0f} tokens/s "
                        f"(steady {r['steady_tokens_per_s']:.0f}, load {load1} -> {r['load_after']})")
                    res.write(json.dumps(r) + "\n")
                    res.flush()


if __name__ == "__main__":
    main()

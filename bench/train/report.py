#!/usr/bin/python3
"""The table of bench/train/run.sh: medians over the repetitions of results.jsonl.
usage: report.py WORK   (reads WORK/results.jsonl, WORK/plan-MODEL.json, WORK/peak*.json)"""
import json
import os
import statistics
import sys

work = sys.argv[1]
rows = [json.loads(l) for l in open(os.path.join(work, "results.jsonl"))]
peak = json.load(open(os.path.join(work, "peak-fp32.json")))["peak_flops_per_s"]
peak_bf16_path = os.path.join(work, "peak-bf16.json")
peak_bf16 = json.load(open(peak_bf16_path))["peak_flops_per_s"] if os.path.exists(peak_bf16_path) else None
order = {"uniner": 0, "torch": 1, "torch-full-logits": 2}
groups = {}
for r in rows:
    groups.setdefault((r["model"], r["precision"], r["row"]), []).append(r)

print(f"matmul peak ({rows[0].get('threads', 2)} threads): fp32 {peak / 1e9:.1f} GFLOP/s"
      + (f", bf16 {peak_bf16 / 1e9:.1f} GFLOP/s" if peak_bf16 else ""))
print()
print("| model | precision | side | runs | tokens/s | steady tokens/s (after step 3) "
      "| uniner / PyTorch | padding | GFLOP/step | MFU (fp32 peak) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for model in sorted({k[0] for k in groups}, key=lambda m: (m != "small", m)):
    plan = json.load(open(os.path.join(work, f"plan-{model}.json")))
    for prec in ("fp32", "bf16"):
        med = {}
        for side in sorted({k[2] for k in groups if k[:2] == (model, prec)}, key=order.get):
            g = groups[(model, prec, side)]
            med[side] = (statistics.median(x["tokens_per_s"] for x in g),
                         statistics.median(x["steady_tokens_per_s"] for x in g),
                         statistics.median(x["elapsed_s"] for x in g), g)
        for side, (tps, steady, el, g) in med.items():
            ratio = ""
            if side == "uniner" and "torch" in med:
                ratio = f"{tps / med['torch'][0]:.2f}x (steady {steady / med['torch'][1]:.2f}x)"
            runs = " / ".join(f"{x['tokens_per_s']:.0f}" for x in g)
            mfu = plan["flops"] / el / peak
            name = {"uniner": "uniner train", "torch": "PyTorch eager",
                    "torch-full-logits": "PyTorch, full logits"}[side]
            print(f"| {model} | {prec} | {name} | {runs} | {tps:.0f} | {steady:.0f} | {ratio} | "
                  f"{100 * g[0]['padding']:.1f}% | {plan['flops'] / plan['steps'] / 1e9:.1f} | "
                  f"{100 * mfu:.1f}% |")

#!/usr/bin/env python3
"""The llama-server row of bench/extract: replays uniner's exact prompts against llama.cpp's server.

Reads the (passage, type) prompts that `bench_extract --dump` wrote (the token ids uniner feeds,
BOS included, so both engines see identical tokens), starts `llama-server` on the same model with
parallel slots, a unified KV cache of the same size, continuous batching and the prompt cache, and
sends every prompt to /completion (greedy, n_predict = max new tokens) from as many client threads
as there are slots, so that every slot stays busy. Times the requests only (the model is loaded and
/health answers before the clock starts), compares each answer with uniner's, and prints the
markdown table of the whole run (uniner's rows from `bench_extract --report`, plus this one).

Standard library only (threads + http.client); a benchmark driver, never part of the product.
"""
import argparse
import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time


def get_response(text):
    # The original's answer extraction (and uniner's): the text after the last "ASSISTANT:",
    # stripped of Python whitespace.
    return text.split("ASSISTANT:")[-1].strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, proc, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"llama-server exited with {proc.returncode} while loading")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/health")
            r = c.getresponse()
            r.read()
            c.close()
            if r.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("llama-server did not become ready")


def run_requests(port, prompts, slots, max_new_tokens):
    """Sends every prompt from `slots` threads; returns (seconds, answers, errors)."""
    work = queue.Queue()
    for i, p in enumerate(prompts):
        work.put((i, p))
    answers = [None] * len(prompts)
    errors = []
    tokens = [0] * len(prompts)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        while True:
            try:
                i, p = work.get_nowait()
            except queue.Empty:
                break
            body = json.dumps({
                "prompt": p["prompt"],  # token ids: used as they are, no BOS added
                "n_predict": max_new_tokens,
                "temperature": 0,
                "top_k": 1,
                "cache_prompt": True,
                "stream": False,
            })
            try:
                conn.request("POST", "/completion", body, {"Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
                if r.status != 200:
                    errors.append((i, r.status, data[:200]))
                    continue
                res = json.loads(data)
                answers[i] = get_response(res["content"])
                # llama-server counts the end-of-sequence token, uniner does not.
                tokens[i] = res.get("tokens_predicted", 0) - (res.get("stop_type") == "eos")
            except (OSError, http.client.HTTPException) as e:
                errors.append((i, "exception", str(e)))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(slots)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, answers, tokens, errors


def run_server(args, slots, report, prompts):
    """One llama-server run with `slots` slots: (seconds, answers, tokens, errors, command)."""
    threads, ctx = report["threads"], report["ctx_size"]
    port = free_port()
    cmd = [args.server, "-m", args.model, "--host", "127.0.0.1", "--port", str(port),
           "-t", str(threads), "-tb", str(threads), "-c", str(ctx), "-np", str(slots),
           "--kv-unified",  # one KV pool of -c cells shared by all slots, as uniner's
           "-b", "2048", "-ub", "512", "-n", str(report["max_new_tokens"])]
    with open(f"{args.log}.np{slots}", "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_ready(port, proc, timeout=300)
        result = run_requests(port, prompts, slots, report["max_new_tokens"])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    shown = ["llama-server"] + ["MODEL" if c == args.model else "PORT" if c == str(port) else c
                                for c in cmd[1:]]
    return result + (shown,)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server", required=True, help="llama-server binary")
    ap.add_argument("--model", required=True)
    ap.add_argument("--dump", required=True, help="bench_extract --dump output")
    ap.add_argument("--report", required=True, help="bench_extract --report output")
    ap.add_argument("--slots", type=int, nargs="+", default=[16],
                    help="llama-server -np (and as many client threads); one run per value")
    ap.add_argument("--log", default="/tmp/llama-server.log",
                    help="llama-server's own log (one file per -np, suffixed .npN)")
    ap.add_argument("--out", help="write the llama-server rows and answers here (JSON)")
    args = ap.parse_args()

    with open(args.report) as f:
        report = json.load(f)
    with open(args.dump) as f:
        prompts = [json.loads(line) for line in f]
    threads, ctx = report["threads"], report["ctx_size"]
    max_new_tokens = report["max_new_tokens"]

    servers = []
    for slots in args.slots:
        seconds, answers, tokens, errors, cmd = run_server(args, slots, report, prompts)
        # Answers: llama-server's against uniner's default (shared+batched) and naive.
        differ = [i for i, p in enumerate(prompts)
                  if answers[i] is not None and answers[i] != p["answer"]]
        differ_naive = [i for i, p in enumerate(prompts)
                        if answers[i] is not None and "naive" in p and answers[i] != p["naive"]]
        servers.append({"slots": slots, "seconds": seconds, "tokens_predicted": sum(tokens),
                        "errors": errors, "differ": differ, "differ_naive": differ_naive,
                        "answers": answers, "command": " ".join(cmd)})
    if args.out:
        with open(args.out, "w") as f:
            json.dump([{k: (len(v) if k in ("errors", "differ", "differ_naive") else v)
                        for k, v in s.items()} for s in servers], f)

    records = report["records"]
    rows = {r["name"]: r for r in report["rows"]}
    naive_s = rows["naive"]["seconds"] if "naive" in rows else None
    best = min(servers, key=lambda s: s["seconds"])
    print(f"\nmodel: {report['model']} ({report['model_path']}); {report['passages']} passages, "
          f"{records} records, {report['questions']} (passage, type) prompts; threads {threads}, "
          f"ctx {ctx}, uniner --parallel {report['parallel']}, llama-server --kv-unified -np "
          f"{'/'.join(str(s) for s in args.slots)}; max new tokens {max_new_tokens}\n")
    print(f"| config | seconds | records/s | x naive | x llama-server (-np {best['slots']}) "
          "| tokens generated | answers unlike naive's |")
    print("|---|---|---|---|---|---|---|")

    def row(name, s, toks, differing):
        xn = f"{naive_s / s:.2f}" if naive_s else "-"
        print(f"| {name} | {s:.2f} | {records / s:.1f} | {xn} | {best['seconds'] / s:.2f} | {toks} "
              f"| {differing} |")

    for r in report["rows"]:
        label = {"floor": "- (its answers are the default's)",
                 "constrained": "- (constrained: not comparable)"}.get(
                     r["name"], r["differing_from_reference"])
        name = r["name"] + (" (default)" if r["name"] == "shared+batched" else "")
        toks = r["tokens_generated"]
        if "tokens_decoded" in r:
            toks = f"{toks} ({r['tokens_decoded']} decoded in all)"
        row(name, r["seconds"], toks, label)
    for s in servers:
        row(f"llama-server -np {s['slots']}", s["seconds"], s["tokens_predicted"],
            len(s["differ_naive"]) if naive_s else "-")
    print()
    bad = 0
    for s in servers:
        print(f"llama-server -np {s['slots']}: {len(s['errors'])} failed requests; answers "
              f"differing from uniner's default: {len(s['differ'])} of {len(prompts)}")
        for i in s["differ"][:5]:
            p = prompts[i]
            print(f"  passage {p['passage']} type {p['type']!r}: uniner {p['answer']!r}, "
                  f"llama-server {s['answers'][i]!r}")
        for e in s["errors"][:5]:
            print(f"  error: {e}")
        bad += len(s["errors"]) + len(s["differ"])
    print(f"llama-server command: {best['command']}")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

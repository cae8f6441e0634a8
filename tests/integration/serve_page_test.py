#!/usr/bin/python3
"""The page of `uniner serve` in headless Chromium, driven like a person would: a real mouse click
on the button (Chrome DevTools Protocol, Input.dispatchMouseEvent), then the highlighted entities
read back from the DOM and compared with the API's answer for the same input. A screenshot is kept
in --artifacts (serve-page.png).

Exit 0 passed, 1 failed, 77 skipped (no chromium or no python3-websocket: ctest shows "Skipped").

    serve_page_test.py --uniner build/tools/uniner/uniner --vocab VOCAB.gguf --artifacts DIR
"""
import argparse
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

SKIP = 77
DEADLINE = 120  # seconds: a bound on every wait, never an assertion about speed

# A passage and types for which the tiny model below, restricted to quoting the passage
# (--constrain passage), names entities: the page then has highlights to show.
TEXT = "Ada Lovelace met Charles Babbage in London to discuss the Analytical Engine."
TYPES = ["person", "location", "machine"]


def skip(reason):
    print(f"SKIPPED: {reason}")
    sys.exit(SKIP)


def wait_for(what, condition):
    end = time.time() + DEADLINE
    while time.time() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class DevTools:
    """One page target over the DevTools websocket: commands by id, events collected."""

    def __init__(self, websocket_module, url):
        self.ws = websocket_module.create_connection(url, timeout=DEADLINE, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, x, y):
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                      clickCount=1)


def start_server(uniner, model, log_path):
    log = open(log_path, "w")
    proc = subprocess.Popen([uniner, "serve", "-m", model, "--port", "0", "-t", "1",
                             "--constrain", "passage", "--max-new-tokens", "24"],
                            stderr=log, stdout=subprocess.DEVNULL)

    def ready():
        if proc.poll() is not None:
            raise AssertionError("uniner serve exited: " + open(log_path).read())
        text = open(log_path).read()
        port = re.search(r"listening on http://127\.0\.0\.1:(\d+)", text)
        return int(port.group(1)) if port and "model loaded" in text else None

    return proc, wait_for("uniner serve to load its model", ready)


def start_chromium(chromium, profile):
    args = [chromium, "--headless=new", "--disable-gpu", "--no-first-run",
            "--no-default-browser-check", "--remote-debugging-port=0",
            f"--user-data-dir={profile}", "--window-size=1000,900", "about:blank"]
    if os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = ""
    end = time.time() + DEADLINE
    while "DevTools listening on" not in line:
        if time.time() > end or proc.poll() is not None:
            raise AssertionError("chromium did not start: " + line)
        line = proc.stderr.readline()
    port = int(re.search(r"ws://127\.0\.0\.1:(\d+)/", line).group(1))
    return proc, port


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--uniner", required=True)
    parser.add_argument("--vocab", required=True)
    parser.add_argument("--artifacts", required=True)
    args = parser.parse_args()

    chromium = find_chromium()
    if not chromium:
        skip("chromium is not installed (scripts/install-deps.sh installs it)")
    try:
        import websocket  # Debian python3-websocket
    except ImportError:
        skip("python3-websocket is not installed (scripts/install-deps.sh installs it)")

    os.makedirs(args.artifacts, exist_ok=True)
    work = tempfile.mkdtemp(prefix="uniner-page-")
    server = browser = None
    try:
        model = os.path.join(work, "tiny.gguf")
        subprocess.run([args.uniner, "init-model", "--vocab", args.vocab, "-o", model, "--dim",
                        "64", "--layers", "2", "--heads", "4", "--ff", "128", "--seed", "7",
                        "--init-std", "0.05"], check=True, stderr=subprocess.DEVNULL)
        server, port = start_server(args.uniner, model, os.path.join(work, "serve.log"))
        base = f"http://127.0.0.1:{port}"

        # What the API answers for this input: what the page must show.
        request = urllib.request.Request(base + "/v1/extract",
                                         data=json.dumps({"text": TEXT, "types": TYPES}).encode(),
                                         headers={"Content-Type": "application/json"})
        expected = json.load(urllib.request.urlopen(request, timeout=DEADLINE))
        found = sorted((e for e in expected["entities"] if e["found"]),
                       key=lambda e: (e["start"], -e["end"]))
        assert found, f"the model named nothing in the passage; the test needs highlights: {expected}"
        shown, at = [], 0  # the page skips a highlight that overlaps the previous one
        for e in found:
            if e["start"] >= at:
                shown.append(e)
                at = e["end"]

        browser, devtools_port = start_chromium(chromium, os.path.join(work, "profile"))
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        dt = DevTools(websocket, page["webSocketDebuggerUrl"])
        dt.call("Page.enable")
        dt.call("Page.navigate", url=base + "/")
        wait_for("the page to load", lambda: dt.evaluate(
            "document.readyState === 'complete' && !!document.getElementById('run')"))
        dt.evaluate(f"document.getElementById('text').value = {json.dumps(TEXT)};"
                    f"document.getElementById('types').value = {json.dumps(', '.join(TYPES))};")
        box = dt.evaluate("(() => { const r = document.getElementById('run')"
                          ".getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()")
        dt.click(box[0] + box[2] / 2, box[1] + box[3] / 2)
        status = wait_for("the answer on the page", lambda: dt.evaluate(
            "(() => { const s = document.getElementById('status').textContent;"
            " return s.endsWith('found') || s.startsWith('Error') ? s : ''; })()"))
        assert not status.startswith("Error"), status

        marks = dt.evaluate("Array.from(document.querySelectorAll('#result mark')).map(m => ("
                            "{text: m.textContent, type: m.dataset.type, start: +m.dataset.start,"
                            " end: +m.dataset.end, title: m.title, colour: m.style.background}))")
        got = [(m["text"], m["type"], m["start"], m["end"]) for m in marks]
        want = [(e["text"], e["type"], e["start"], e["end"]) for e in shown]
        assert got == want, f"highlights {got} != the API's entities {want}"
        for m in marks:
            assert m["title"] == f"{m['type']} [{m['start']}, {m['end']})", m
        colours = {}
        for m in marks:
            assert colours.setdefault(m["type"], m["colour"]) == m["colour"], "one colour per type"
        assert len(set(colours.values())) == len(colours), f"distinct colours per type: {colours}"
        assert dt.evaluate("document.getElementById('result').textContent") == TEXT
        legend = dt.evaluate("Array.from(document.querySelectorAll('#legend span'))"
                             ".map(s => s.textContent)")
        assert legend == TYPES, legend
        raw = json.loads(dt.evaluate("document.getElementById('raw-json').textContent"))
        assert raw == expected, "the raw panel holds the API's answer"
        assert dt.evaluate("document.getElementById('raw').tagName") == "DETAILS"
        assert dt.evaluate("(() => { const a = document.getElementById('download');"
                           " return !a.hidden && a.href.startsWith('blob:')"
                           " && a.download === 'entities.json'; })()")

        shot = dt.call("Page.captureScreenshot", format="png")
        path = os.path.join(args.artifacts, "serve-page.png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        print(f"serve page: {len(marks)} highlights for {len(TYPES)} types; screenshot {path}")
        return 0
    finally:
        if browser:
            browser.kill()
            browser.wait()
        if server:
            server.send_signal(signal.SIGTERM)
            code = server.wait(timeout=DEADLINE)
            if code != 0:
                print(f"uniner serve exited {code} after SIGTERM", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)

// The page at GET /: everything inline (no CDN, no external file), so that it works offline and
// the binary is the whole server. Entities are built with DOM nodes and textContent, never
// innerHTML, so a passage cannot inject markup.
#include "serve/index_page.h"

namespace uniner::serve {

std::string_view index_page() {
  static constexpr std::string_view kPage = R"PAGE(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>uniner: open named-entity recognition</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
         color: #222; }
  h1 { font-size: 1.4rem; }
  label { display: block; margin: .8rem 0 .3rem; font-weight: 600; }
  textarea, input { width: 100%; box-sizing: border-box; font: inherit; padding: .4rem; }
  textarea { min-height: 8rem; }
  button { margin-top: 1rem; font: inherit; padding: .5rem 1.5rem; cursor: pointer; }
  #status { margin-top: 1rem; color: #555; }
  #status.error { color: #b00020; }
  #result { margin-top: 1rem; padding: .8rem; border: 1px solid #ccc; border-radius: 4px;
            white-space: pre-wrap; line-height: 1.8; min-height: 2rem; }
  mark.entity { padding: .1rem .15rem; border-radius: 3px; color: #000; }
  #legend span { display: inline-block; margin: .5rem .6rem 0 0; padding: .1rem .5rem;
                 border-radius: 3px; color: #000; }
  #notfound { margin-top: .5rem; color: #555; }
  details { margin-top: 1rem; }
  pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; }
</style>
</head>
<body>
<h1>uniner: entities of any type</h1>
<label for="text">Text</label>
<textarea id="text">Aspirin was developed by Bayer in Leverkusen.</textarea>
<label for="types">Entity types (comma-separated)</label>
<input id="types" value="drug, company, location">
<label for="key">API key (only if the server asks for one)</label>
<input id="key" type="password" autocomplete="off">
<button id="run" type="button">Extract</button>
<div id="status"></div>
<div id="result"></div>
<div id="legend"></div>
<div id="notfound"></div>
<details id="raw"><summary>Raw answers</summary><pre id="raw-json"></pre></details>
<p><a id="download" href="#" download="entities.json" hidden>Download JSON</a></p>
<script>
"use strict";
const palette = ["#ffd166", "#8ecae6", "#b5e48c", "#f4a6c6", "#cdb4db", "#ffb38a",
                 "#a0e7e5", "#e9c46a", "#bde0fe", "#d8f3dc", "#ffadad", "#caffbf"];
const $ = (id) => document.getElementById(id);

function status(message, isError) {
  $("status").textContent = message;
  $("status").className = isError ? "error" : "";
}

// Offsets are in code points (as `uniner extract` gives them): index the text by code point.
function render(record, types) {
  const chars = Array.from(record.text);
  const colour = {};
  types.forEach((t, i) => { colour[t] = palette[i % palette.length]; });
  const found = record.entities.filter((e) => e.found)
                      .sort((a, b) => a.start - b.start || b.end - a.end);
  const result = $("result");
  result.replaceChildren();
  let at = 0;
  for (const e of found) {
    if (e.start < at) continue;  // overlaps the previous highlight: listed in the raw answers
    result.append(chars.slice(at, e.start).join(""));
    const mark = document.createElement("mark");
    mark.className = "entity";
    mark.dataset.type = e.type;
    mark.dataset.start = e.start;
    mark.dataset.end = e.end;
    mark.style.background = colour[e.type] || "#eee";
    mark.title = e.type + " [" + e.start + ", " + e.end + ")";
    mark.textContent = chars.slice(e.start, e.end).join("");
    result.append(mark);
    at = e.end;
  }
  result.append(chars.slice(at).join(""));
  const legend = $("legend");
  legend.replaceChildren();
  for (const t of types) {
    const span = document.createElement("span");
    span.style.background = colour[t];
    span.textContent = t;
    legend.append(span);
  }
  const missing = record.entities.filter((e) => !e.found).map((e) => e.type + ": " + e.text);
  $("notfound").textContent = missing.length ? "Named but not in the text: " + missing.join("; ")
                                             : "";
}

async function extract() {
  const text = $("text").value;
  const types = $("types").value.split(",").map((t) => t.trim()).filter((t) => t.length);
  const headers = { "Content-Type": "application/json" };
  if ($("key").value) headers.Authorization = "Bearer " + $("key").value;
  status("Extracting...", false);
  $("run").disabled = true;
  try {
    const response = await fetch("/v1/extract", { method: "POST", headers,
                                                  body: JSON.stringify({ text, types }) });
    const body = await response.json();
    $("raw-json").textContent = JSON.stringify(body, null, 2);
    if (!response.ok) {
      status("Error " + response.status + ": " + body.error, true);
      return;
    }
    render(body, types);
    const blob = new Blob([JSON.stringify(body, null, 2) + "\n"], { type: "application/json" });
    const link = $("download");
    if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(blob);
    link.hidden = false;
    const n = body.entities.filter((e) => e.found).length;
    status(n + " entit" + (n === 1 ? "y" : "ies") + " found", false);
  } catch (err) {
    status("Request failed: " + err, true);
  } finally {
    $("run").disabled = false;
  }
}

$("run").addEventListener("click", extract);
</script>
</body>
</html>
)PAGE";
  return kPage;
}

}  // namespace uniner::serve

// The editor's page: every action is one request to the service's API (/api/inspect,
// /api/convert); nothing here reads or converts a document itself. No framework, no
// build step, nothing fetched from anywhere but this service.
"use strict";

const $ = (selector) => document.querySelector(selector);
const source = $("#source");
const statusLine = $("#status");
let droppedFile = null;   // a dropped or opened file is sent as uploaded (its encoding detected by the service) until edited
let generation = 0;       // answers to an older state of the page are ignored
let liveTimer = null;

function say(message, isError = false) {
  statusLine.textContent = message;
  statusLine.classList.toggle("error", isError);
}

function options(extra) {
  const params = new URLSearchParams(extra);
  for (const [id, name] of [["theme", "style"], ["paper", "paper"], ["toc", "toc"]]) {
    if ($("#" + id).value) params.set(name, $("#" + id).value);
  }
  return params;
}

function body() {
  if (droppedFile) {
    const form = new FormData();
    form.append("file", droppedFile, droppedFile.name);
    return { body: form };
  }
  return { body: JSON.stringify({ text: source.value }), headers: { "Content-Type": "application/json" } };
}

async function call(path, params) {
  const response = await fetch(path + (params ? "?" + params : ""), { method: "POST", ...body() });
  if (!response.ok) {
    let message = `the service answered ${response.status}`;
    try { message = (await response.json()).error || message; } catch (ignored) { /* not JSON */ }
    if (response.status === 503) message += ` (busy: try again in ${response.headers.get("Retry-After") || "a few"} s)`;
    throw new Error(message);
  }
  return response;
}

function linesLabel(lines) {
  if (!lines) return "";
  return lines[0] === lines[1] ? `line ${lines[0]}` : `lines ${lines[0]}–${lines[1]}`;
}

function showOutline(result) {
  const outline = $("#outline");
  outline.replaceChildren();
  for (const block of result.blocks) {
    const item = document.createElement("li");
    item.dataset.kind = block.kind;
    const button = document.createElement("button");
    button.type = "button";
    const parts = [["kind", block.kind], ["lines", linesLabel(block.lines)], ["preview", block.preview],
                   ["rule", block.rule ? `rule: ${block.rule}` : ""]];
    for (const [name, text] of parts) {
      if (!text) continue;
      const span = document.createElement("span");
      span.className = name;
      span.textContent = text;
      button.append(span, name === "kind" || name === "lines" ? " " : "");
    }
    if (block.lines) {
      item.dataset.firstLine = block.lines[0];
      item.dataset.lastLine = block.lines[1];
      button.addEventListener("click", () => selectLines(block.lines[0], block.lines[1]));
    } else {
      button.disabled = true;
    }
    item.append(button);
    outline.append(item);
  }
  const notes = $("#diagnostics");
  notes.replaceChildren(...result.diagnostics.map((text) => {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  }));
  if (!result.diagnostics.length) notes.append(Object.assign(document.createElement("li"), { textContent: "none" }));
}

function selectLines(first, last) {
  const lines = source.value.split("\n");
  const start = lines.slice(0, first - 1).reduce((sum, line) => sum + line.length + 1, 0);
  const end = start + lines.slice(first - 1, last).join("\n").length;
  source.focus();
  source.setSelectionRange(start, end);
  const lineHeight = parseFloat(getComputedStyle(source).lineHeight) || 20;
  source.scrollTop = Math.max(0, (first - 3) * lineHeight);
}

async function refresh() {
  clearTimeout(liveTimer);
  resetDownloads();
  if (!droppedFile && !source.value.trim()) {
    say("Paste a feed first.", true);
    return;
  }
  const mine = ++generation;
  const button = $("#convert");
  button.disabled = true;
  say("Converting…");
  try {
    const [outline, preview] = await Promise.all([
      call("/api/inspect").then((r) => r.json()),
      call("/api/convert", options({ to: "html" })).then((r) => r.text()),
    ]);
    if (mine !== generation) return;
    showOutline(outline);
    $("#preview").srcdoc = preview;
    const headings = outline.blocks.filter((b) => b.kind === "heading").length;
    say(`Read ${outline.blocks.length} blocks, ${headings} headings` +
        (outline.meta.title ? ` — “${outline.meta.title}”` : "") + ". Downloads are ready.");
  } catch (error) {
    if (mine === generation) say(error.message, true);
  } finally {
    if (mine === generation) button.disabled = false;
  }
}

function resetDownloads() {
  for (const link of document.querySelectorAll("a[data-format]")) {
    if (link.dataset.ready) URL.revokeObjectURL(link.href);
    delete link.dataset.ready;
    link.removeAttribute("download");
    link.href = "#downloads";
  }
}

function filenameOf(response, fallback) {
  const header = response.headers.get("Content-Disposition") || "";
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (utf8) return decodeURIComponent(utf8[1]);
  const plain = /filename="([^"]+)"/i.exec(header);
  return plain ? plain[1] : fallback;
}

async function download(event) {
  const link = event.currentTarget;
  if (link.dataset.ready) return;  // the file is fetched: the browser saves it
  event.preventDefault();
  if (!droppedFile && !source.value.trim()) {
    say("Paste a feed first.", true);
    return;
  }
  const format = link.dataset.format;
  link.setAttribute("aria-busy", "true");
  say(`Making the ${format.toUpperCase()}…`);
  try {
    const response = await call("/api/convert", options({ to: format }));
    const blob = await response.blob();
    link.href = URL.createObjectURL(blob);
    link.download = filenameOf(response, `document.${format}`);
    link.dataset.ready = "1";
    say(`${link.download} is ready (${Math.ceil(blob.size / 1024)} KB).`);
    link.click();
  } catch (error) {
    say(error.message, true);
  } finally {
    link.removeAttribute("aria-busy");
  }
}

function useFile(file) {
  if (!file) return;
  droppedFile = file;
  const reader = new FileReader();
  reader.onload = () => {
    source.value = reader.result;
    say(`Opened ${file.name}.`);
    refresh();
  };
  reader.readAsText(file);
}

async function loadChoices() {
  try {
    const themes = await (await fetch("/api/themes")).json();
    const theme = $("#theme");
    theme.replaceChildren(...themes.themes.map((name) => new Option(name, name === themes.default ? "" : name)));
    for (const paper of themes.papers) $("#paper").append(new Option(paper, paper));
    const table = await (await fetch("/api/formats")).json();
    $("#file").accept = table.formats.filter((f) => f.read).flatMap((f) => f.extensions).join(",");
  } catch (error) {
    say(`The service did not list its themes (${error.message}).`, true);
  }
}

source.addEventListener("input", () => {
  droppedFile = null;  // edited: send the text as it is now
  resetDownloads();
  clearTimeout(liveTimer);
  liveTimer = setTimeout(() => { if (source.value.trim()) refresh(); }, 800);
});
source.addEventListener("dragover", (event) => { event.preventDefault(); source.classList.add("dropping"); });
source.addEventListener("dragleave", () => source.classList.remove("dropping"));
source.addEventListener("drop", (event) => {
  event.preventDefault();
  source.classList.remove("dropping");
  useFile(event.dataTransfer.files[0]);
});
$("#file").addEventListener("change", (event) => useFile(event.target.files[0]));
$("#convert").addEventListener("click", refresh);
for (const id of ["theme", "paper", "toc"]) $("#" + id).addEventListener("change", () => { if (source.value.trim()) refresh(); });
for (const link of document.querySelectorAll("a[data-format]")) link.addEventListener("click", download);
loadChoices();

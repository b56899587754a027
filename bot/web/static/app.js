// The web chat page: draws what the bot sends over the WebSocket, sends words, photos and taps.
// Every label comes from the server (messages/web.py), in the browser's language.
"use strict";

const ALL_STRINGS = JSON.parse(document.getElementById("strings").textContent);
const LANG = (navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en";
const S = ALL_STRINGS[LANG];
const LIMITS = JSON.parse(document.getElementById("limits").textContent);  // bot/web/frames.py

const log = document.getElementById("log");
const text = document.getElementById("text");
const picker = document.getElementById("picker");
const photosBox = document.getElementById("photos");
const note = document.getElementById("note");
const statusLine = document.getElementById("status");
const drop = document.getElementById("drop");

let socket = null;
let retryMs = 500;
let pending = [];  // frames written while the connection was down: sent, with their ids, on reconnect
let photos = [];   // {name, type, data (base64), url (preview)}

function newId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function setUp() {
  document.documentElement.lang = LANG === "zh" ? "zh-CN" : "en";
  document.getElementById("title").textContent = S.title;
  text.placeholder = S.placeholder;
  document.getElementById("send").textContent = S.send;
  document.getElementById("attach-label").textContent = S.attach;
  drop.textContent = S.drop;
  showStatus(S.connecting);
}

function showStatus(words) {
  statusLine.textContent = words || "";
  statusLine.hidden = !words;
}

// -- the connection --------------------------------------------------------------------------------

function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${location.host}/ws`);
  socket.onopen = () => {
    retryMs = 500;
    showStatus("");
    socket.send(JSON.stringify({ type: "hello", lang: navigator.language || "" }));
    const again = pending;
    pending = [];
    again.forEach(send);
  };
  socket.onmessage = (event) => take(JSON.parse(event.data));
  socket.onclose = () => {
    showStatus(S.offline);
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 8000);
  };
}

function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(frame));
  } else {
    pending.push(frame);
  }
}

function take(data) {
  if (data.type === "history") {
    log.replaceChildren(...data.entries.map(draw));
    scrollDown();
  } else if (data.type === "message") {
    const drawn = draw(data.entry);
    const old = log.querySelector(`[data-id="${data.entry.id}"]`);
    if (old) {
      keepPlaying(old, drawn);
      old.replaceWith(drawn);
    } else {
      log.appendChild(drawn);
      scrollDown();
    }
  }
}

function keepPlaying(old, drawn) {
  const before = old.querySelector("video");
  const after = drawn.querySelector("video");
  if (before && after && before.src === after.src) after.replaceWith(before);
}

function scrollDown() {
  log.scrollTop = log.scrollHeight;
}

// -- drawing a message -----------------------------------------------------------------------------

function draw(entry) {
  const box = document.createElement("div");
  box.className = `msg ${entry.from === "me" ? "me" : "bot"}`;
  box.dataset.id = entry.id;
  if (entry.kind) box.dataset.kind = entry.kind;
  if (entry.job) box.dataset.job = entry.job;
  if (entry.video) {
    const video = document.createElement("video");
    video.controls = true;
    video.playsInline = true;
    video.preload = "metadata";
    if (entry.poster) video.poster = entry.poster;
    video.src = entry.video;
    video.addEventListener("loadedmetadata", () => { if (box === log.lastElementChild) scrollDown(); });
    box.appendChild(video);
  }
  box.appendChild(words(entry.text || ""));
  if (entry.percent !== null && entry.percent !== undefined && entry.kind === "progress") {
    const bar = document.createElement("div");
    bar.className = "bar";
    const fill = document.createElement("div");
    fill.style.width = `${Math.max(0, Math.min(100, entry.percent))}%`;
    bar.appendChild(fill);
    box.appendChild(bar);
  }
  (entry.photos || []).forEach((name) => {
    const chip = document.createElement("span");
    chip.className = "chip";
    chip.textContent = `🖼 ${name || S.photo}`;
    box.appendChild(chip);
  });
  if (entry.buttons && entry.buttons.length) box.appendChild(buttons(entry));
  return box;
}

const LINK = /(https?:\/\/\S+|\/media\/[\w.-]+)/g;

function words(content) {
  const span = document.createElement("span");
  content.split(LINK).forEach((part, i) => {
    if (i % 2) {
      const a = document.createElement("a");
      a.href = part;
      a.textContent = part.startsWith("/") ? location.origin + part : part;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      span.appendChild(a);
    } else if (part) {
      span.appendChild(document.createTextNode(part));
    }
  });
  return span;
}

function buttons(entry) {
  const row = document.createElement("div");
  row.className = "buttons";
  entry.buttons.forEach((button) => {
    if (button.action === "open") {
      if (!button.url) return;
      const a = document.createElement("a");
      a.href = button.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.textContent = button.label;
      row.appendChild(a);
      return;
    }
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = button.label;
    b.dataset.action = button.action;
    b.onclick = () => {
      b.disabled = true;  // one tap, one click id: a second tap would be a second request
      send({
        type: "click", id: newId(), action: button.action, job: button.job_id || "",
        model: button.model_key || "", task: button.task || "", lang: entry.lang || null,
      });
    };
    row.appendChild(b);
  });
  return row;
}

// -- writing ---------------------------------------------------------------------------------------

function submit(event) {
  event.preventDefault();
  const said = text.value.trim();
  if (!said && !photos.length) return;
  send({
    type: "say", id: newId(), text: said,
    photos: photos.map(({ name, type, data }) => ({ name, type, data })),
  });
  text.value = "";
  clearPhotos();
  autosize();
}

function autosize() {
  text.style.height = "auto";
  text.style.height = `${Math.min(text.scrollHeight, 160)}px`;
}

function warn(words) {
  note.textContent = words;
  note.hidden = !words;
}

function addFiles(files) {
  warn("");
  Array.from(files).forEach((file) => {
    if (!file.type.startsWith("image/")) return warn(S.not_image);
    if (file.size > LIMITS.max_photo_bytes) return warn(S.too_large);
    if (photos.length >= LIMITS.max_photos) return;
    const reader = new FileReader();
    reader.onload = () => {
      const data = String(reader.result).split(",", 2)[1];
      photos.push({ name: file.name || S.photo, type: file.type, data, url: URL.createObjectURL(file) });
      drawPhotos();
    };
    reader.readAsDataURL(file);
  });
}

function drawPhotos() {
  photosBox.replaceChildren(...photos.map((photo, i) => {
    const figure = document.createElement("figure");
    const img = document.createElement("img");
    img.src = photo.url;
    img.alt = photo.name;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "×";
    remove.title = S.remove;
    remove.onclick = () => { photos.splice(i, 1); drawPhotos(); };
    figure.append(img, remove);
    return figure;
  }));
}

function clearPhotos() {
  photos.forEach((photo) => URL.revokeObjectURL(photo.url));
  photos = [];
  drawPhotos();
}

setUp();
document.getElementById("composer").addEventListener("submit", submit);
text.addEventListener("input", autosize);
text.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) submit(event);
});
picker.addEventListener("change", () => { addFiles(picker.files); picker.value = ""; });
text.addEventListener("paste", (event) => {
  const files = Array.from(event.clipboardData.items).filter((i) => i.kind === "file").map((i) => i.getAsFile());
  if (files.length) { event.preventDefault(); addFiles(files); }
});
let dragging = 0;
window.addEventListener("dragenter", (event) => { event.preventDefault(); dragging++; drop.hidden = false; });
window.addEventListener("dragover", (event) => event.preventDefault());
window.addEventListener("dragleave", () => { if (--dragging <= 0) { dragging = 0; drop.hidden = true; } });
window.addEventListener("drop", (event) => {
  event.preventDefault();
  dragging = 0;
  drop.hidden = true;
  addFiles(event.dataTransfer.files);
});
connect();

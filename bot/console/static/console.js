// The operator console: reads /console/api/* (the token cookie goes with each request).
"use strict";

const S = JSON.parse(document.getElementById("strings").textContent);
const STATES = JSON.parse(document.getElementById("states").textContent);
let shown = null;

async function api(path, options) {
  const response = await fetch(`/console/api/${path}`, { credentials: "same-origin", ...options });
  if (!response.ok) throw new Error(await response.text());
  return response.json();
}

function cell(row, value) {
  const td = document.createElement("td");
  td.textContent = value === null || value === undefined ? "" : String(value);
  row.appendChild(td);
}

async function figures() {
  const data = await api("figures");
  const box = document.getElementById("figures");
  box.replaceChildren(...Object.entries(data.jobs).map(([state, count]) => {
    const span = document.createElement("span");
    span.className = "figure";
    span.dataset.state = state;
    span.append(`${state}: `);
    const b = document.createElement("b");
    b.textContent = count;
    span.appendChild(b);
    return span;
  }));
  const lag = document.createElement("span");
  lag.className = "figure";
  lag.textContent = `${S.loop_lag}: ${(data.loop_lag_s * 1000).toFixed(1)} ms`;
  box.appendChild(lag);
  data.charged.forEach((c) => {
    const span = document.createElement("span");
    span.className = "figure";
    span.textContent = `${c.provider}: ${c.credits} ${c.unit}`;
    box.appendChild(span);
  });
}

async function jobs() {
  const params = new URLSearchParams(new FormData(document.getElementById("filters")));
  const rows = await api(`jobs?${params}`);
  const body = document.querySelector("#jobs tbody");
  if (!rows.length) {
    const tr = document.createElement("tr");
    cell(tr, S.none);
    body.replaceChildren(tr);
    return;
  }
  body.replaceChildren(...rows.map((job) => {
    const tr = document.createElement("tr");
    tr.dataset.id = job.id;
    [job.id, job.state, job.user, job.chat, job.provider, job.model,
      job.credits === null ? "" : `${job.credits} ${job.unit}`, job.created].forEach((v) => cell(tr, v));
    tr.onclick = () => show(job.id);
    return tr;
  }));
}

async function show(id) {
  const job = await api(`jobs/${encodeURIComponent(id)}`);
  shown = id;
  document.getElementById("job").hidden = false;
  const { history, ...rest } = job;
  document.getElementById("job-detail").textContent = JSON.stringify(rest, null, 2);
  document.querySelector("#history tbody").replaceChildren(...history.map((e) => {
    const tr = document.createElement("tr");
    [e.at, e.state, e.note].forEach((v) => cell(tr, v));
    return tr;
  }));
}

async function balances() {
  const rows = await api("balances");
  document.getElementById("balances").replaceChildren(...rows.map((b) => {
    const span = document.createElement("span");
    span.className = "figure";
    span.textContent = `${b.provider}: ${b.amount === null ? "?" : b.amount} ${b.unit}`;
    return span;
  }));
}

function refresh() {
  figures();
  jobs();
  if (shown) show(shown);
}

document.querySelectorAll("[data-s]").forEach((el) => { el.textContent = S[el.dataset.s]; });
document.querySelectorAll("[data-p]").forEach((el) => { el.placeholder = S[el.dataset.p]; });
const select = document.querySelector("#filters select");
STATES.forEach((state) => { const o = document.createElement("option"); o.value = o.textContent = state; select.appendChild(o); });
document.getElementById("filters").addEventListener("submit", (e) => { e.preventDefault(); jobs(); });
document.getElementById("refresh").onclick = refresh;
document.getElementById("cancel").onclick = async () => {
  if (!shown) return;
  await api(`jobs/${encodeURIComponent(shown)}/cancel`, { method: "POST" });
  refresh();
};
document.getElementById("admin").addEventListener("submit", async (e) => {
  e.preventDefault();
  const command = new FormData(e.target).get("command");
  const answer = document.getElementById("answer");
  try {
    answer.textContent = (await api("admin", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ command }),
    })).answer;
  } catch (error) {
    answer.textContent = error.message;
  }
});
refresh();
balances();
setInterval(refresh, 5000);

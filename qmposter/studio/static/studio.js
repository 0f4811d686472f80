// qmposter studio: small hand-written helpers for the server-rendered pages (no framework, no CDN).
"use strict";

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

function post(url, body) {
  return fetch(url, { method: "POST", body, headers: { "X-CSRF-Token": csrf() } });
}

// Drag-and-drop upload: a file dropped on the zone goes into its file input.
function setupDropzones() {
  for (const zone of document.querySelectorAll("[data-dropzone]")) {
    const input = zone.querySelector('input[type="file"]');
    const chosen = zone.querySelector("[data-chosen]");
    const show = () => { chosen.textContent = input.files.length ? "已选择：" + input.files[0].name : ""; };
    input.addEventListener("change", show);
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
    });
  }
  for (const select of document.querySelectorAll("[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
}

// A picture loaded with fetch, so a layout error (the CLI's message) can be shown in its place.
async function loadPicture(holder, response, keepOld = false) {
  const img = holder.querySelector("img");
  const message = holder.querySelector("[data-error]");
  if (response.ok) {
    const url = URL.createObjectURL(await response.blob());
    await new Promise((done) => { img.onload = done; img.onerror = done; img.src = url; });
    if (holder.dataset.url) URL.revokeObjectURL(holder.dataset.url);
    holder.dataset.url = url;
    message.textContent = "";
    holder.dataset.state = "ready";
    return null;
  }
  const body = await response.json().catch(() => ({ error: "预览失败（" + response.status + "）" }));
  if (!keepOld) img.removeAttribute("src");  // the campaign page keeps the last good poster, dimmed
  message.textContent = body.error;
  holder.dataset.state = response.status === 409 ? "skipped" : "error";
  return body;
}

let templatesVersion = null;

function loadCards() {
  const cards = document.querySelectorAll("[data-preview]");
  return Promise.all([...cards].map(async (card) => {
    card.dataset.state = "loading";
    const response = await fetch(card.dataset.preview + "&v=" + (templatesVersion || 0), { cache: "no-store" });
    await loadPicture(card, response);
    card.dataset.version = templatesVersion || 0;
  }));
}

// Designer mode: a template file saved on disk → the server says so → every picture reloads.
function followTemplates(reload) {
  const source = new EventSource("/previews/events");
  source.addEventListener("templates", (event) => {
    const changed = templatesVersion !== null && templatesVersion !== event.data;
    templatesVersion = event.data;
    if (changed) reload();
  });
  window.addEventListener("pagehide", () => source.close());
}

// 活动: the unsaved form on the poster, re-rendered as the person types.
function setupCampaignPreview() {
  const form = document.getElementById("campaign-form");
  const frame = document.getElementById("campaign-preview");
  if (!form || !frame) return;
  let timer = null;
  let running = null;
  let edits = 0;
  const refresh = async () => {
    const edit = ++edits;
    if (running) running.abort();
    running = new AbortController();
    frame.dataset.state = "loading";
    try {
      await showDraft(form, frame, edit, running.signal, () => edit === edits);
    } catch (error) {
      if (error.name !== "AbortError") throw error;  // a newer edit superseded this one
    }
  };
  const soon = () => { clearTimeout(timer); timer = setTimeout(refresh, 40); };
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  refresh();
  followTemplates(refresh);
}

async function showDraft(form, frame, edit, signal, latest) {
  const response = await fetch("/campaign/preview", {
    method: "POST", body: new FormData(form), headers: { "X-CSRF-Token": csrf() }, signal,
  });
  if (!latest()) return;
  for (const field of form.querySelectorAll(".field")) {
    field.classList.remove("invalid");
    field.querySelector("[data-message]").textContent = "";
  }
  const problem = await loadPicture(frame, response, true);
  if (problem && problem.field) {
    const field = form.querySelector('[data-field="' + problem.field + '"]');
    if (field) {
      field.classList.add("invalid");
      field.querySelector("[data-message]").textContent = problem.error;
    }
  }
  frame.dataset.edit = edit;
}

// 生成: start, follow and cancel a build.
function setupBuild() {
  const start = document.getElementById("build-start");
  if (!start) return;
  const panel = document.getElementById("build-panel");
  const cancel = document.getElementById("build-cancel");
  const show = (state) => {
    const running = state.status === "running";
    panel.dataset.status = state.status;
    document.querySelector("#build-progress .bar").style.width = state.percent + "%";
    document.getElementById("build-progress").setAttribute("aria-valuenow", state.percent);
    document.getElementById("build-count").textContent = state.done + " / " + state.total + "（" + state.percent + " %）";
    document.getElementById("build-current").textContent = state.current ? (running ? "刚完成：" : "最后完成：") + state.current : "";
    document.getElementById("build-summary").textContent = state.summary;
    const errors = document.getElementById("build-errors");
    errors.replaceChildren(...state.errors.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
    start.disabled = running;
    cancel.disabled = !running;
    return running;
  };
  const poll = async () => {
    const state = await (await fetch("/build/status", { cache: "no-store" })).json();
    if (show(state)) setTimeout(poll, 250);
    else if (state.status === "done" || state.status === "failed") refreshResults();
  };
  start.addEventListener("click", async () => {
    const body = new FormData();
    if (document.getElementById("build-force").checked) body.append("force", "1");
    start.disabled = true;
    const response = await post("/build/start", body);
    const state = await response.json();
    if (!response.ok) {
      start.disabled = false;
      document.getElementById("build-errors").replaceChildren(Object.assign(document.createElement("li"), { textContent: state.error }));
      return;
    }
    show(state);
    poll();
  });
  cancel.addEventListener("click", () => post("/build/cancel", new FormData()));
  if (panel.dataset.status === "running") poll();
}

async function refreshResults() {
  const html = await (await fetch("/build", { cache: "no-store" })).text();
  const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("results");
  const results = document.getElementById("results");
  results.replaceWith(fresh);
}

document.addEventListener("DOMContentLoaded", () => {
  setupDropzones();
  setupCampaignPreview();
  setupBuild();
  if (document.querySelector("[data-preview]")) {
    loadCards();
    followTemplates(loadCards);
  }
});

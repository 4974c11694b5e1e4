// Live progress on the dashboard, without reloading the page.
//
// A running run's page ([data-live-run]) polls the run's progress.json and writes each
// value into the element whose data-field names it ("counts.create",
// "per_source.blue_moon.errors"); once the run has ended it says so. The home page
// ([data-live-list]) polls live.json and redraws its "Running now" list. Everything is
// written as text (textContent), never as markup. The numbers are the run node's, as
// its batches commit, so they are right whichever process runs it.
"use strict";

(function () {
  const EVERY = 2000; // ms between polls while something runs
  const IDLE = 10000; // ms between polls of the home page while nothing runs

  function lookup(data, path) {
    return path.split(".").reduce((value, key) => (value == null ? undefined : value[key]), data);
  }

  async function fetchJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  function fill(root, data) {
    root.querySelectorAll("[data-field]").forEach((element) => {
      const value = lookup(data, element.dataset.field);
      if (value === undefined) return;
      element.textContent = String(value);
      if ("badge" in element.dataset) element.className = `badge badge-${value}`;
    });
  }

  function followRun(box) {
    const url = box.dataset.liveRun;
    const poll = async () => {
      let data;
      try {
        data = await fetchJson(url);
      } catch (error) {
        window.setTimeout(poll, EVERY * 3);
        return;
      }
      fill(document, data);
      if (data.running) {
        window.setTimeout(poll, EVERY);
      } else {
        box.querySelector("[data-live-working]")?.setAttribute("hidden", "");
        box.querySelector("[data-live-done]")?.removeAttribute("hidden");
      }
    };
    window.setTimeout(poll, EVERY);
  }

  function runItem(run) {
    const item = document.createElement("li");
    item.className = "live-run";
    const link = document.createElement("a");
    link.href = run.url;
    link.append(`${run.kind} `);
    const code = document.createElement("code");
    code.textContent = run.id.slice(0, 8);
    link.append(code);
    const sources = document.createElement("span");
    sources.className = "live-sources";
    sources.textContent = run.sources;
    const counts = document.createElement("span");
    counts.className = "counts";
    const c = run.counts;
    counts.textContent = `${c.create} created · ${c.update} updated · ${c.noop} same · ${c.error} errors`;
    item.append(link, " ", sources, " ", counts);
    return item;
  }

  function followList(section) {
    const url = section.dataset.liveList;
    const list = section.querySelector("[data-live-runs]");
    const none = section.querySelector("[data-live-none]");
    const poll = async () => {
      let data;
      try {
        data = await fetchJson(url);
      } catch (error) {
        window.setTimeout(poll, IDLE);
        return;
      }
      list.replaceChildren(...data.runs.map(runItem));
      none.hidden = data.runs.length > 0;
      window.setTimeout(poll, data.runs.length ? EVERY : IDLE);
    };
    window.setTimeout(poll, list.children.length ? EVERY : IDLE);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-live-run]").forEach(followRun);
    document.querySelectorAll("[data-live-list]").forEach(followList);
  });
})();

// The organizer dashboard: one campaign's numbers from /app/api/dashboard (a snapshot the
// server refreshes at most every 30 s, so the page says "as of"), refreshed while the page is
// visible, and its exports fetched with initData and saved from a Blob.
"use strict";

(() => {
  const PREFIX = document.body.dataset.prefix || "/app";
  const REFRESH_MS = 30000;
  const $ = (id) => document.getElementById(id);
  const number = new Intl.NumberFormat("en-US");
  const percent = (share) => (share === null || share === undefined)
    ? "—" : `${Math.round(share * 100)}%`;
  let campaign = new URLSearchParams(window.location.search).get("campaign") || "";
  let timer = null;

  const REFUSALS = {
    401: "This page must be opened from the bot in Telegram, and its link lasts an hour: " +
      "send /dashboard to the bot again and tap the button.",
    403: "The dashboard is for the campaign's organizers only.",
  };

  function showError(error) {
    const box = $("error");
    box.textContent = REFUSALS[error.status] || `Could not load the numbers: ${error.message}`;
    box.hidden = false;
    if (error.status === 401 || error.status === 403) {
      $("content").hidden = true;
      $("as-of").textContent = "";
      stop();
    }
  }

  function table(box, columns, rows) {
    if (!rows.length) {
      const none = document.createElement("p");
      none.className = "hint";
      none.textContent = "Nothing yet.";
      box.replaceChildren(none);
      return;
    }
    const element = document.createElement("table");
    const head = element.createTHead().insertRow();
    for (const [title] of columns) {
      const cell = document.createElement("th");
      cell.textContent = title;
      head.append(cell);
    }
    const body = element.createTBody();
    for (const row of rows) {
      const line = body.insertRow();
      for (const [, key] of columns) {
        const cell = line.insertCell();
        const value = typeof key === "function" ? key(row) : row[key];
        cell.textContent = typeof value === "number" ? number.format(value) : (value ?? "");
        if (typeof value === "number") cell.className = "number";
      }
    }
    const scroller = document.createElement("div");
    scroller.className = "scroll";
    scroller.append(element);
    box.replaceChildren(scroller);
  }

  function card(label, value, hint) {
    const element = document.createElement("div");
    element.className = "card total";
    const big = document.createElement("b");
    big.textContent = value;
    const name = document.createElement("span");
    name.textContent = label;
    element.append(big, name);
    if (hint) element.title = hint;
    return element;
  }

  function renderTotals(t) {
    $("totals").replaceChildren(
      card("letters drafted", number.format(t.drafted)),
      card("marked sent", number.format(t.sent)),
      card("share sent", percent(t.share_sent), "sent / drafted"),
      card("supporters", number.format(t.supporters), "took part in this campaign"),
      card("writers", number.format(t.writers), "supporters with at least one letter"),
      card("get updates", number.format(t.opted_in), "opted in and not blocked"),
      card("invited by a friend", number.format(t.referred)),
      card("blocked the bot", number.format(t.blocked)),
    );
  }

  function renderScore(data) {
    const median = data.median_score;
    const head = document.createElement("p");
    head.innerHTML = "<b>Median personalization per supporter: </b>";
    head.append(median === null ? "none yet" : percent(median));
    const meaning = document.createElement("p");
    meaning.className = "hint";
    meaning.textContent = data.score_meaning + " Each supporter counts once (the mean of " +
      "their letters): half of the writers made their letters at least this much their own.";
    $("score").replaceChildren(head, meaning);
  }

  function renderFreshness(warnings) {
    $("freshness-box").hidden = !warnings.length;
    $("freshness-count").textContent = String(warnings.length);
    $("freshness").replaceChildren(...warnings.map((w) => {
      const item = document.createElement("li");
      item.textContent = w.action ? `${w.what} — ${w.action}` : w.what;
      return item;
    }));
  }

  function renderPicker(campaigns, current) {
    $("picker-row").hidden = campaigns.length < 2;
    const picker = $("picker");
    picker.replaceChildren(...campaigns.map((c) => {
      const option = document.createElement("option");
      option.value = c.id;
      option.textContent = c.state === "open" ? c.title : `${c.title} (${c.state})`;
      return option;
    }));
    picker.value = current;
  }

  const LETTERS = [["", "label"], ["drafted", "drafted"], ["sent", "sent"]];
  const GROUPS = [["", "label"], ["supporters", "supporters"], ["writers", "writers"],
    ["drafted", "drafted"], ["sent", "sent"]];

  function render(data) {
    campaign = data.campaign.id;
    $("title").textContent = data.campaign.title;
    const at = new Date(data.computed_at);
    $("as-of").textContent = `As of ${at.toLocaleString()} — refreshed every 30 seconds` +
      (data.campaign.state === "open" ? "" : ` · campaign ${data.campaign.state}`);
    renderPicker(data.campaigns, data.campaign.id);
    renderTotals(data.totals);
    DashboardCharts.daily($("chart"), data.by_day);
    renderScore(data);
    DashboardCharts.map($("map"), data.map);
    renderFreshness(data.freshness);
    table($("by-demand"), LETTERS, data.by_demand);
    table($("by-recipient"), [["", (r) => r.office ? `${r.label}, ${r.office}` : r.label],
      ["drafted", "drafted"], ["sent", "sent"]], data.by_recipient);
    $("members-box").hidden = !data.members.length;
    table($("members"), LETTERS, data.members);
    table($("by-state"), GROUPS, data.by_state);
    table($("by-source"), GROUPS, data.by_source);
    $("party-box").hidden = !data.by_party.length;
    table($("by-party"), LETTERS, data.by_party);
    table($("by-campaign"), [["", "title"], ["joined", "joined"], ["writers", "writers"],
      ["drafted", "drafted"], ["sent", "sent"]], data.by_campaign);
    $("error").hidden = true;
    $("content").hidden = false;
  }

  async function load() {
    const query = campaign ? `?campaign=${encodeURIComponent(campaign)}` : "";
    try {
      render(await MiniApp.api(`${PREFIX}/api/dashboard${query}`));
    } catch (error) {
      showError(error);
    }
  }

  function start() {
    stop();
    timer = window.setInterval(() => { if (!document.hidden) load(); }, REFRESH_MS);
  }

  function stop() {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
  }

  async function download(what, extra = {}) {
    const status = $("download-status");
    status.textContent = "Preparing the file…";
    const params = new URLSearchParams({ campaign, what, ...extra });
    try {
      const response = await MiniApp.api(`${PREFIX}/api/export?${params}`);
      const blob = await response.blob();
      const disposition = response.headers.get("Content-Disposition") || "";
      const name = (disposition.match(/filename="([^"]+)"/) || [])[1] || `${what}.csv`;
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(link.href), 60000);
      status.textContent = `Saved ${name}.`;
    } catch (error) {
      status.textContent = `Could not download: ${error.message}`;
    }
  }

  function wire() {
    $("picker").addEventListener("change", (event) => {
      campaign = event.target.value;
      load();
    });
    $("get-summary").addEventListener("click", () => download("summary"));
    $("get-letters").addEventListener("click", () => download("letters"));
    $("get-supporters").addEventListener("click", () => download("supporters"));
    const confirm = $("confirm-personal");
    const personal = [$("get-personal-letters"), $("get-personal-supporters")];
    confirm.addEventListener("change", () => {
      for (const button of personal) button.disabled = !confirm.checked;
    });
    personal[0].addEventListener("click", () =>
      download("personal", { of: "letters", confirm: confirm.checked ? "yes" : "no" }));
    personal[1].addEventListener("click", () =>
      download("personal", { of: "supporters", confirm: confirm.checked ? "yes" : "no" }));
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) {
        stop();
      } else {
        load();
        start();
      }
    });
  }

  const telegram = MiniApp.telegram();
  if (telegram) telegram.ready();
  wire();
  if (!MiniApp.initData) {
    showError({ status: 401, message: "" });
  } else {
    load();
    start();
  }
})();

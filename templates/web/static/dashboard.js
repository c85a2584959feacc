// The organizer dashboard: one campaign's numbers from /app/api/dashboard (a snapshot the
// server refreshes at most every 30 s, so the page says "as of"), refreshed while the page is
// visible, and its exports fetched with initData and saved from a Blob. Its words are the
// organizer's language's (dashboard_texts.js): ?lang= from the /dashboard button, else their
// Telegram app's, else English; numbers and dates are written the way that language writes them.
"use strict";

(() => {
  const PREFIX = document.body.dataset.prefix || "/app";
  const REFRESH_MS = 30000;
  const $ = (id) => document.getElementById(id);
  const query = new URLSearchParams(window.location.search);
  let campaign = query.get("campaign") || "";
  let timer = null;
  const language = MiniApp.language(query.get("lang"), DashboardTexts);
  const texts = DashboardTexts[language];
  const say = MiniApp.sayer(DashboardTexts, language);
  const locale = texts.locale;
  // A browser without this language's data (Chromium has none for Armenian) would write dates
  // with English month names and numbers the English way: it gets plain digits instead.
  const known = Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0 &&
    Intl.NumberFormat.supportedLocalesOf([locale]).length > 0;
  const numbers = new Intl.NumberFormat(locale, known ? {} : { useGrouping: false });
  const percents = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  const moments = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const days = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" });
  const two = (n) => String(n).padStart(2, "0");
  const number = (n) => numbers.format(n);
  const percent = (share) => (share === null || share === undefined) ? "—" : percents.format(share);
  // A moment (local time) and a day ("YYYY-MM-DD", a UTC day) as this language writes them.
  const moment = (at) => known ? moments.format(at)
    : `${two(at.getDate())}.${two(at.getMonth() + 1)}.${at.getFullYear()}, ` +
      `${two(at.getHours())}:${two(at.getMinutes())}`;
  const day = (iso) => known ? days.format(new Date(`${iso}T00:00:00Z`))
    : `${iso.slice(8, 10)}.${iso.slice(5, 7)}`;
  // The words the charts take: texts, numbers and days as shown here.
  const words = {
    say,
    number,
    day,
    compact: (n) => known ? DashboardCharts.compact(n, locale) : number(n),
  };
  // The bot's fixed labels for a row without a state or a source (bot/store/reports.py).
  const FIXED_LABELS = { unknown: "unknown_state", direct: "direct", "(forgotten)": "forgotten" };

  function translatePage() {
    MiniApp.translate(say, language);
    document.title = $("title").textContent = say("title");
    $("as-of").textContent = say("loading");
  }

  // A row's label as the bot sends it, or this language's word for the bot's fixed ones.
  function label(row) {
    return Object.hasOwn(FIXED_LABELS, row.label) ? say(FIXED_LABELS[row.label]) : row.label;
  }

  // Why a request failed, in words: the bot's own reason for a refused request, else "try again".
  function reason(error) {
    const status = error.status || 0;
    return status >= 400 && status < 500 && error.message ? error.message : say("try_again");
  }

  const REFUSALS = { 401: "not_opened_in_telegram", 403: "organizers_only", 404: "no_campaign" };

  function showError(error) {
    const box = $("error");
    box.textContent = REFUSALS[error.status]
      ? say(REFUSALS[error.status])
      : say("load_failed", { reason: reason(error) });
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
      none.textContent = say("nothing_yet");
      box.replaceChildren(none);
      return;
    }
    const element = document.createElement("table");
    const head = element.createTHead().insertRow();
    for (const [title] of columns) {
      const cell = document.createElement("th");
      cell.textContent = title ? say(title) : "";
      head.append(cell);
    }
    const body = element.createTBody();
    for (const row of rows) {
      const line = body.insertRow();
      for (const [, key] of columns) {
        const cell = line.insertCell();
        const value = typeof key === "function" ? key(row) : row[key];
        cell.textContent = typeof value === "number" ? number(value) : (value ?? "");
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
      card(say("drafted_total"), number(t.drafted)),
      card(say("sent_total"), number(t.sent)),
      card(say("share_sent"), percent(t.share_sent), say("share_sent_hint")),
      card(say("supporters_total"), number(t.supporters), say("supporters_hint")),
      card(say("writers_total"), number(t.writers), say("writers_hint")),
      card(say("opted_in"), number(t.opted_in), say("opted_in_hint")),
      card(say("referred"), number(t.referred)),
      card(say("blocked"), number(t.blocked)),
    );
  }

  // The server's `score_meaning` is bot/letters/score.py's English MEANING: the page says it in
  // its own language instead (the same sentence as the bot's /stats in that language).
  function renderScore(data) {
    const median = data.median_score;
    const head = document.createElement("p");
    const name = document.createElement("b");
    name.textContent = say("median");
    head.append(name, median === null ? say("none_yet") : percent(median));
    const meaning = document.createElement("p");
    meaning.className = "hint";
    meaning.textContent = `${say("score_meaning")} ${say("score_once")}`;
    $("score").replaceChildren(head, meaning);
  }

  function renderFreshness(warnings) {
    $("freshness-box").hidden = !warnings.length;
    $("freshness-count").textContent = number(warnings.length);
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
      const state = `picker_${c.state}`;
      option.textContent = c.state === "open" ? c.title
        : Object.hasOwn(texts, state) ? say(state, { title: c.title }) : `${c.title} (${c.state})`;
      return option;
    }));
    picker.value = current;
  }

  // Each table's columns: [the title's text key ("" for none), the row's field or a function].
  const LETTERS = [["", "label"], ["col_drafted", "drafted"], ["col_sent", "sent"]];
  const GROUPS = [["", label], ["col_supporters", "supporters"], ["col_writers", "writers"],
    ["col_drafted", "drafted"], ["col_sent", "sent"]];

  function stateWords(state) {
    if (state === "open") return "";
    const key = `campaign_${state}`;
    return ` · ${Object.hasOwn(texts, key) ? say(key) : state}`;
  }

  function render(data) {
    campaign = data.campaign.id;
    $("title").textContent = data.campaign.title;
    const at = new Date(data.computed_at);
    const when = moment(at);
    $("as-of").textContent = say("as_of", { when, seconds: number(REFRESH_MS / 1000) }) +
      stateWords(data.campaign.state);
    renderPicker(data.campaigns, data.campaign.id);
    renderTotals(data.totals);
    DashboardCharts.daily($("chart"), data.by_day, words);
    renderScore(data);
    DashboardCharts.map($("map"), data.map, words);
    renderFreshness(data.freshness);
    table($("by-demand"), LETTERS, data.by_demand);
    table($("by-recipient"), [["", (r) => r.office ? `${r.label}, ${r.office}` : r.label],
      ["col_drafted", "drafted"], ["col_sent", "sent"]], data.by_recipient);
    $("members-box").hidden = !data.members.length;
    table($("members"), LETTERS, data.members);
    table($("by-state"), GROUPS, data.by_state);
    table($("by-source"), GROUPS, data.by_source);
    $("party-box").hidden = !data.by_party.length;
    table($("by-party"), LETTERS, data.by_party);
    table($("by-campaign"), [["", "title"], ["col_joined", "joined"], ["col_writers", "writers"],
      ["col_drafted", "drafted"], ["col_sent", "sent"]], data.by_campaign);
    $("error").hidden = true;
    $("content").hidden = false;
  }

  async function load() {
    const asked = campaign ? `?campaign=${encodeURIComponent(campaign)}` : "";
    try {
      render(await MiniApp.api(`${PREFIX}/api/dashboard${asked}`));
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
    status.textContent = say("preparing");
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
      status.textContent = say("saved", { name });
    } catch (error) {
      status.textContent = extra.confirm === "no" ? say("confirm_first")
        : say("download_failed", { reason: reason(error) });
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
  translatePage();
  wire();
  if (!MiniApp.initData) {
    showError({ status: 401, message: "" });
  } else {
    load();
    start();
  }
})();

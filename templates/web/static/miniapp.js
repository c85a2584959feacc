// What every Mini App page shares: Telegram's launch parameters (read from the URL's fragment,
// as Telegram passes them, so no script loads from another site), the theme's colours, and
// requests to the bot that carry initData for the server to check.
"use strict";

const MiniApp = (() => {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const initData = fragment.get("tgWebAppData") || "";
  let theme = {};
  try {
    theme = JSON.parse(fragment.get("tgWebAppThemeParams") || "{}");
  } catch (error) {
    theme = {};
  }

  function applyTheme() {
    const root = document.documentElement.style;
    for (const [key, value] of Object.entries(theme)) {
      if (/^[a-z_]+$/.test(key) && /^#[0-9a-fA-F]{3,8}$/.test(String(value))) {
        root.setProperty(`--tg-theme-${key.replace(/_/g, "-")}`, value);
      }
    }
  }

  function user() {
    try {
      return JSON.parse(new URLSearchParams(initData).get("user") || "null");
    } catch (error) {
      return null;
    }
  }

  // A request to the bot: JSON back, or an Error with the status, a message the page can show
  // and the bot's `reason` (a key the page can word in its own language).
  async function api(path, options = {}) {
    const headers = { Authorization: `tma ${initData}`, ...(options.headers || {}) };
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      options = { ...options, body: JSON.stringify(options.json) };
    }
    const response = await fetch(path, { ...options, headers });
    const type = response.headers.get("Content-Type") || "";
    const body = type.includes("application/json") ? await response.json() : null;
    if (!response.ok) {
      const error = new Error((body && body.error) || `HTTP ${response.status}`);
      error.status = response.status;
      error.reason = body && body.reason;
      throw error;
    }
    return body === null ? response : body;
  }

  // Telegram's own client object, when the page runs inside Telegram with its script.
  function telegram() {
    return window.Telegram && window.Telegram.WebApp ? window.Telegram.WebApp : null;
  }

  // The language of a page's words: `asked` (the bot's pick for this person), else their
  // Telegram app's, else English; always one that `texts` (language -> words) has.
  function language(asked, texts) {
    const app = telegram();
    const person = user() || (app && app.initDataUnsafe ? app.initDataUnsafe.user : null) || {};
    const code = String(asked || person.language_code || "en").slice(0, 2).toLowerCase();
    return Object.hasOwn(texts, code) ? code : "en";
  }

  // say(key, values): the words of `key` in `code` (English where that language lacks them),
  // with {names} filled in from `values`.
  function sayer(texts, code) {
    return (key, values = {}) => {
      const text = texts[code][key] || texts.en[key] || key;
      return text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
    };
  }

  // Every element marked data-t="key" gets the words of its key; <html lang> the language.
  function translate(say, code) {
    document.documentElement.lang = code;
    for (const element of document.querySelectorAll("[data-t]")) {
      element.textContent = say(element.dataset.t);
    }
  }

  applyTheme();
  return { initData, theme, user, api, telegram, language, sayer, translate };
})();

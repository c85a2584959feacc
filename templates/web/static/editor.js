// The letter editor: the letter named by ?letter=<id>, its text in a textarea, the score of
// what is typed (asked of the bot once typing pauses), Save and back to the drafted text. Every
// request carries initData; the bot answers only the supporter whose letter it is.
"use strict";

(() => {
  const SCORE_DELAY_MS = 400;
  const $ = (id) => document.getElementById(id);
  const letterId = new URLSearchParams(window.location.search).get("letter") || "";
  const state = { letter: null, saved: "", limits: { min: 20, max: 4000 }, asked: 0, armed: false };
  let language = MiniApp.language(null, EditorTexts);
  let say = MiniApp.sayer(EditorTexts, language);
  let scoreTimer = null;

  function translatePage() {
    MiniApp.translate(say, language);
    document.title = say("title");
  }

  // What to tell the supporter about a refusal, in their language.
  function problem(error) {
    if (error.status === 401) return say("expired");
    if (error.status === 404) return say("not_found");
    if (error.reason && EditorTexts[language][error.reason]) return say(error.reason, state.limits);
    return error.message || say("failed");
  }

  function showError(text) {
    $("error").textContent = text;
    $("error").hidden = !text;
    if (text) $("notice").hidden = true;
  }

  function showNotice(text) {
    $("notice").textContent = text;
    $("notice").hidden = !text;
    if (text) $("error").hidden = true;
  }

  function showScore(score) {
    const percent = Math.round(Math.max(0, Math.min(1, Number(score) || 0)) * 100);
    $("score").textContent = `${percent}%`;
    $("score-bar").style.width = `${percent}%`;
  }

  function showCount(length) {
    const count = $("count");
    count.textContent = say("count", { n: length, max: state.limits.max });
    const wrong = length > state.limits.max || length < state.limits.min;
    count.classList.toggle("over", wrong);
  }

  function showLetter(letter) {
    state.letter = letter;
    state.limits = letter.limits;
    state.saved = letter.text;
    language = MiniApp.language(letter.language, EditorTexts);
    say = MiniApp.sayer(EditorTexts, language);
    translatePage();
    $("recipient").textContent = letter.recipient;
    $("text").value = letter.text;
    $("text").maxLength = letter.limits.max * 2;
    $("edited").hidden = !letter.edited;
    showScore(letter.score);
    showCount(letter.text.trim().length);
    $("status").hidden = true;
    $("editor").hidden = false;
    setEditable(letter.editable);
    if (!letter.editable) showError(say(letter.closed) || letter.closed_error);
  }

  function setEditable(editable) {
    $("text").disabled = !editable;
    $("reset").disabled = !editable;
    disarm();
    updateSave();
  }

  function updateSave() {
    const editable = state.letter && state.letter.editable;
    $("save").disabled = !editable || $("text").value === state.saved;
  }

  function disarm() {
    state.armed = false;
    $("reset").textContent = say("reset");
  }

  async function askScore() {
    const asked = ++state.asked;
    try {
      const json = { text: $("text").value };
      const found = await MiniApp.api(`${base()}/score`, { method: "POST", json });
      if (asked !== state.asked) return; // a newer text is being scored
      showScore(found.score);
      showCount(found.length);
    } catch (error) {
      if (asked === state.asked) showError(problem(error));
    }
  }

  function onInput() {
    showCount($("text").value.trim().length);
    updateSave();
    disarm();
    clearTimeout(scoreTimer);
    scoreTimer = setTimeout(askScore, SCORE_DELAY_MS);
  }

  async function change(path, method, json, done) {
    clearTimeout(scoreTimer);
    state.asked++; // a score still on its way is for the old text
    $("save").disabled = $("reset").disabled = true;
    try {
      const letter = await MiniApp.api(path, { method, json });
      showLetter(letter);
      showNotice(letter.chat_updated === false ? say("saved_no_chat") : say(done));
    } catch (error) {
      showError(problem(error));
      setEditable(state.letter.editable && error.status !== 409 && error.status !== 404);
    }
  }

  function save() {
    $("save").textContent = say("saving");
    change(base(), "PUT", { text: $("text").value }, "saved").finally(() => {
      $("save").textContent = say("save");
    });
  }

  function reset() {
    const changed = state.letter.edited || $("text").value !== state.saved;
    if (changed && !state.armed) {
      state.armed = true;
      $("reset").textContent = say("reset_confirm");
      return;
    }
    change(`${base()}/reset`, "POST", undefined, "reset_done");
  }

  function base() {
    return `/app/api/letters/${encodeURIComponent(letterId)}`;
  }

  async function start() {
    translatePage();
    if (!/^\d+$/.test(letterId)) {
      $("status").hidden = true;
      showError(say("no_letter"));
      return;
    }
    $("text").addEventListener("input", onInput);
    $("save").addEventListener("click", save);
    $("reset").addEventListener("click", reset);
    try {
      showLetter(await MiniApp.api(base()));
    } catch (error) {
      $("status").hidden = true;
      showError(problem(error));
    }
    const telegram = MiniApp.telegram();
    if (telegram) telegram.ready();
  }

  start();
})();

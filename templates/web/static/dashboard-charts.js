// The dashboard's pictures, drawn here so nothing loads from another site: letters per day as
// an inline SVG bar chart, and the US as a tile grid (one square per state and DC). Their words,
// numbers and dates come from `words` (dashboard.js): say(key, values), number(n), day(iso) and
// compact(n), in the organizer's language.
"use strict";

const DashboardCharts = (() => {
  const SVG = "http://www.w3.org/2000/svg";
  // [row, column] of each state's tile: the usual tile-grid layout of the 50 states and DC.
  const TILES = {
    AK: [0, 0], ME: [0, 10],
    VT: [1, 9], NH: [1, 10],
    WA: [2, 0], ID: [2, 1], MT: [2, 2], ND: [2, 3], MN: [2, 4], IL: [2, 5], WI: [2, 6],
    MI: [2, 7], NY: [2, 8], RI: [2, 9], MA: [2, 10],
    OR: [3, 0], NV: [3, 1], WY: [3, 2], SD: [3, 3], IA: [3, 4], IN: [3, 5], OH: [3, 6],
    PA: [3, 7], NJ: [3, 8], CT: [3, 9],
    CA: [4, 0], UT: [4, 1], CO: [4, 2], NE: [4, 3], MO: [4, 4], KY: [4, 5], WV: [4, 6],
    VA: [4, 7], MD: [4, 8], DE: [4, 9],
    AZ: [5, 1], NM: [5, 2], KS: [5, 3], AR: [5, 4], TN: [5, 5], NC: [5, 6], SC: [5, 7],
    DC: [5, 8],
    OK: [6, 3], LA: [6, 4], MS: [6, 5], AL: [6, 6], GA: [6, 7],
    HI: [7, 0], TX: [7, 3], FL: [7, 8],
  };

  function svg(name, attributes, text) {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    if (text !== undefined) element.textContent = text;
    return element;
  }

  // Bars of letters drafted (pale) with those sent in front (solid), one pair a day.
  function daily(box, days, words) {
    const width = 320, height = 150, left = 28, bottom = 18, top = 8;
    const most = Math.max(1, ...days.map((d) => Math.max(d.drafted, d.sent)));
    const step = (width - left) / Math.max(1, days.length);
    const y = (n) => top + (height - top - bottom) * (1 - n / most);
    const chart = svg("svg", {
      viewBox: `0 0 ${width} ${height}`, class: "daily", role: "img",
      "aria-label": days.length
        ? words.say("chart_label", {
          first: words.day(days[0].day), last: words.day(days[days.length - 1].day),
        })
        : words.say("per_day"),
    });
    chart.append(svg("line", { x1: left, x2: width, y1: y(0), y2: y(0), class: "axis" }));
    chart.append(svg("text", { x: left - 4, y: y(most) + 4, class: "label end" },
      words.number(most)));
    chart.append(svg("text", { x: left - 4, y: y(0), class: "label end" }, words.number(0)));
    days.forEach((day, index) => {
      const x = left + index * step + step * 0.15, w = step * 0.7;
      const bar = (n, kind) => svg("rect", {
        x, width: w, y: y(n), height: Math.max(0, y(0) - y(n)), class: kind,
      });
      const drafted = bar(day.drafted, "drafted");
      drafted.append(svg("title", {}, words.say("chart_day", {
        day: words.day(day.day), drafted: words.number(day.drafted), sent: words.number(day.sent),
      })));
      chart.append(drafted, bar(day.sent, "sent"));
    });
    if (days.length) {
      const at = height - 4;
      chart.append(svg("text", { x: left, y: at, class: "label" }, words.day(days[0].day)));
      chart.append(svg("text", { x: width, y: at, class: "label end" },
        words.day(days[days.length - 1].day)));
    }
    const legend = document.createElement("p");
    legend.className = "legend hint";
    const key = (kind) => {
      const swatch = document.createElement("span");
      swatch.className = `key ${kind}`;
      return swatch;
    };
    legend.append(key("drafted"), ` ${words.say("legend_drafted")} `,
      key("sent"), ` ${words.say("legend_sent")}`);
    box.replaceChildren(chart, legend);
  }

  // One tile per state, darker with more letters; its title gives the numbers.
  function map(box, states, words) {
    const most = Math.max(1, ...Object.values(states).map((s) => s.drafted));
    const tiles = Object.entries(TILES).map(([code, [row, column]]) => {
      const numbers = states[code] || { drafted: 0, sent: 0, supporters: 0 };
      const share = numbers.drafted ? Math.sqrt(numbers.drafted / most) : 0;
      const tile = document.createElement("div");
      tile.className = "tile" + (share > 0.55 ? " dark" : "");
      tile.dataset.state = code;
      tile.dataset.letters = String(numbers.drafted);
      tile.style.gridRow = String(row + 1);
      tile.style.gridColumn = String(column + 1);
      tile.style.setProperty("--share", `${Math.round(share * 100)}%`);
      tile.title = words.say("tile", {
        state: code, drafted: words.number(numbers.drafted), sent: words.number(numbers.sent),
        supporters: words.number(numbers.supporters),
      });
      const name = document.createElement("b");
      name.textContent = code;
      const count = document.createElement("small");
      count.textContent = numbers.drafted ? words.compact(numbers.drafted) : "";
      tile.append(name, count);
      return tile;
    });
    box.replaceChildren(...tiles);
  }

  // A short count for a tile in `locale`: 950, 1.2K, 12K, 1.5M (as that language shortens them).
  function compact(n, locale = "en-US") {
    const digits = (n >= 1e3 && n < 1e4) || (n >= 1e6 && n < 1e7) ? 1 : 0;
    return new Intl.NumberFormat(locale, {
      notation: "compact", compactDisplay: "short", maximumFractionDigits: digits,
    }).format(n);
  }

  return { daily, map, compact, TILES };
})();

// Search as you type, for `hint serve`. Served as a file: the pages allow no inline script (CSP).
// - Nothing is sent while an IME composition is in progress (compositionstart .. compositionend).
// - After typing stops (or a composition ends) one request after DEBOUNCE_MS.
// - The results are built as DOM nodes and every text is set with textContent: never as HTML.
// Without JavaScript the form is a plain GET form and the server renders the same page.
"use strict";
(function () {
  var DEBOUNCE_MS = 250;
  var FIRST_RESULTS = 5;
  var input = document.getElementById("q");
  var main = document.getElementById("main");
  if (!input || !main || !window.fetch) return;
  var form = input.form;
  var composing = false;
  var timer = null;
  var latest = 0;
  var lastSent = null;
  var weakLabel = "";

  function el(name, cls, text) {
    var node = document.createElement(name);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function link(href, cls, text) {
    var a = el("a", cls, text);
    a.setAttribute("href", href);
    return a;
  }

  function params() {
    var data = new URLSearchParams();
    var fields = form.elements;
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.name && f.value) data.set(f.name, f.value);
    }
    return data;
  }

  function markedText(text, spans) {
    var frag = document.createDocumentFragment();
    var at = 0;
    (spans || []).forEach(function (s) {
      if (s[0] < at) return;
      frag.appendChild(document.createTextNode(text.slice(at, s[0])));
      frag.appendChild(el("mark", "", text.slice(s[0], s[1])));
      at = s[1];
    });
    frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  function entryText(e) {
    var span = el("span", "text");
    span.appendChild(markedText(e.text, e.spans));
    if (e.agency) span.appendChild(el("span", "agency", "（" + e.agency + "）"));
    if (e.fixed) span.appendChild(el("span", "fix", "†"));
    if (e.source_note) span.appendChild(el("span", "source", e.source_note));
    return span;
  }

  function resultItem(r) {
    var li = el("li", "result box kind-" + r.kind);
    li.setAttribute("value", String(r.rank));
    var h3 = el("h3");
    h3.appendChild(el("span", "rank", r.rank));
    h3.appendChild(document.createTextNode(" " + r.heading));
    if (r.weak) h3.appendChild(el("span", "weak", weakLabel));
    li.appendChild(h3);
    var p = el("p", "text");
    p.appendChild(entryText(r));
    li.appendChild(p);
    var meta = el("p", "meta");
    meta.appendChild(link(r.url, "id", r.id));
    li.appendChild(meta);
    return li;
  }

  function groups(list, nodes) {
    list.forEach(function (g) {
      var section = el("section", "place-group");
      section.appendChild(el("h2", "place", g.place));
      var ol = el("ol", "results");
      g.results.forEach(function (r) { ol.appendChild(resultItem(r)); });
      section.appendChild(ol);
      nodes.push(section);
    });
  }

  function suggestionBlock(b) {
    var box = el("section", "box kind-suggestion");
    var h2 = el("h2", "", b.title);
    if (b.left_out) h2.appendChild(el("span", "count", "（ほか" + b.left_out + "件は上の結果に）"));
    box.appendChild(h2);
    var ul = el("ul", "entries");
    b.entries.forEach(function (e) {
      var li = el("li", "entry kind-suggestion");
      li.appendChild(entryText(e));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(link(e.url, "id", e.id));
      ul.appendChild(li);
    });
    box.appendChild(ul);
    var more = el("p", "more");
    more.appendChild(link(b.url, "", "場面" + b.scene + "をすべて読む"));
    box.appendChild(more);
    return box;
  }

  function show(data) {
    var nodes = [];
    var h1 = el("h1", "", "「" + data.query + "」の検索結果" + (data.filters ? "（" + data.filters + "）" : "") + " ");
    var count = el("span", "count", data.shown < data.total ? data.shown + "件／全" + data.total + "件 " : data.shown + "件");
    if (data.shown < data.total) count.appendChild(link(data.all_url, "", "すべて表示"));
    h1.appendChild(count);
    nodes.push(h1);
    weakLabel = data.weak_label;
    data.notices.forEach(function (n) { nodes.push(el("p", "notice", n)); });
    if (data.message) nodes.push(el("p", "lead", data.message));
    groups(data.first, nodes);
    data.suggestions.forEach(function (b) { nodes.push(suggestionBlock(b)); });
    if (data.rest.length) {
      nodes.push(el("p", "note", "ほかの結果（" + (FIRST_RESULTS + 1) + "～" + data.shown + "件目）"));
      groups(data.rest, nodes);
    }
    main.replaceChildren.apply(main, nodes);
  }

  function updateLinks(query) {
    var url = "/" + (query ? "?" + query : "");
    if (window.history && history.replaceState) history.replaceState(null, "", url);
    var box = document.querySelector(".downloads");
    if (box) box.hidden = !query;
    var links = document.querySelectorAll("a[download]");
    for (var i = 0; i < links.length; i++) {
      var target = new URL(links[i].getAttribute("href"), location.href);
      var fmt = target.searchParams.get("format");
      var next = new URLSearchParams(query);
      if (fmt) next.set("format", fmt);
      links[i].setAttribute("href", "/?" + next.toString());
    }
  }

  function run() {
    timer = null;
    if (composing) return;
    var data = params();
    var q = (data.get("q") || "").trim();
    var query = data.toString();
    if (query === lastSent) return;
    lastSent = query;
    if (!q) return;
    var mine = ++latest;
    fetch("/api/results?" + query, { headers: { "Accept": "application/json" } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (json) {
        if (json && mine === latest) { show(json); updateLinks(query); }
      })
      .catch(function () { /* offline or stopped: the form still works */ });
  }

  function schedule() {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  }

  lastSent = params().toString();
  input.addEventListener("compositionstart", function () {
    composing = true;
    if (timer !== null) { clearTimeout(timer); timer = null; }
  });
  input.addEventListener("compositionend", function () { composing = false; schedule(); });
  input.addEventListener("input", function (e) {
    if (composing || e.isComposing) return;
    schedule();
  });
  Array.prototype.forEach.call(form.querySelectorAll("select"), function (s) {
    s.addEventListener("change", schedule);
  });
})();

// "Copy link" and "Cite" for headings and paragraphs. Without this script the
// controls are plain links to the anchor.
//
// Cite opens a panel with the paragraph's permalink, a link to its exact
// passage (a text fragment), the page's citation in the site's style, BibTeX
// and RIS (from <script type="application/json" id="cite-data">, made by the
// build), each with a copy button that says when it copied. The reader's
// date of access fills the tokens {Y2} {MMMM2} {MMM2} {MM2} {D2} {DD2}.
(function () {
  "use strict";
  var article = document.querySelector("[data-cite-url]");
  if (!article) return;
  var meta = {
    title: article.getAttribute("data-cite-title") || document.title,
    url: article.getAttribute("data-cite-url")
  };
  var data = {};
  var dataEl = document.getElementById("cite-data");
  if (dataEl) {
    try { data = JSON.parse(dataEl.textContent); } catch (e) { data = {}; }
  }

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  // The tokens of the date of access, filled with today's date.
  function accessed(text) {
    var d = new Date();
    var m = d.getMonth();
    var numeric = text.indexOf("{MM2}") >= 0;
    return text
      .split("{Y2}").join(String(d.getFullYear()))
      .split("{MMMM2}").join(MONTHS[m])
      .split("{MMM2}").join(MONTHS[m].slice(0, 3))
      .split("{MM2}").join(pad(m + 1))
      .split("{DD2}").join(pad(d.getDate()))
      .split("{D2}").join(numeric ? pad(d.getDate()) : String(d.getDate()));
  }

  function permalink(id) { return meta.url + "#" + encodeURIComponent(id); }

  // Where a marker (citation, footnote) stands in the text of an element.
  var MARK = "\u2063";

  // The text of an element without its controls and tooltips, each marker
  // replaced by MARK, white space folded.
  function markedText(el) {
    var copy = el.cloneNode(true);
    var drop = copy.querySelectorAll(".para-link, .heading-anchor, .cite-tip, .fn-tip, .term-tip, .sb-cite-button, .sb-copied");
    for (var i = 0; i < drop.length; i++) drop[i].remove();
    var sups = copy.querySelectorAll("sup");
    for (var j = 0; j < sups.length; j++) sups[j].replaceWith(document.createTextNode(MARK));
    return copy.textContent.replace(/\u2060/g, "").replace(/\s+/g, " ").trim();
  }

  // The runs of visible text of the selected sentence if the selection is
  // inside the element, else of its first sentence: the pieces between
  // markers that hold a letter or digit, each with whether a marker follows
  // it.
  function sentenceRuns(el) {
    var sel = window.getSelection && window.getSelection();
    var text;
    if (sel && !sel.isCollapsed && el.contains(sel.anchorNode)) {
      text = sel.toString().replace(/\u2060/g, "").replace(/\[\d+\]|\[[a-z]+\]/g, MARK).replace(/\s+/g, " ").trim();
    }
    if (!text) {
      var all = markedText(el);
      var m = all.match(/^.+?[.!?](?=[\s\u2063]|$)/);
      text = m ? m[0] : all;
    }
    var parts = text.split(MARK);
    var runs = [];
    for (var i = 0; i < parts.length; i++) {
      var r = parts[i].trim();
      if (!/[0-9A-Za-z\u00C0-\uFFFF]/.test(r)) continue;
      // A marker right after the run's last word (no space between them).
      var joined = i < parts.length - 1 && !/\s$/.test(parts[i]);
      runs.push({ text: r, joined: joined });
    }
    return runs;
  }

  function fragmentPart(s) {
    return encodeURIComponent(s).replace(/-/g, "%2D").replace(/,/g, "%2C").replace(/&/g, "%26");
  }

  // The last words of a run for the end of a text fragment. A marker is
  // joined to the word before it (a word joiner keeps them on one line), so
  // that word does not end at a word boundary and cannot end a fragment:
  // the fragment ends one word earlier.
  function endWords(run, n) {
    var words = run.text.split(" ");
    if (run.joined && words.length > 1) words = words.slice(0, -1);
    return words.slice(-n);
  }

  // A text fragment (`text=start,end`) that matches the page as rendered:
  // its start and end each lie within one run of text between markers.
  function textFragment(el) {
    var runs = sentenceRuns(el);
    if (!runs.length) return "";
    var first = runs[0].text.split(" ");
    var last = runs[runs.length - 1];
    if (runs.length === 1 && first.length <= 8 && !last.joined) return "text=" + fragmentPart(runs[0].text);
    if (runs.length === 1 && first.length <= 8) return "text=" + fragmentPart(endWords(last, 8).join(" "));
    if (runs.length === 1) {
      return "text=" + fragmentPart(first.slice(0, 4).join(" ")) + "," + fragmentPart(endWords(last, 4).join(" "));
    }
    return "text=" + fragmentPart(first.slice(0, 4).join(" ")) + "," + fragmentPart(endWords(last, 4).join(" "));
  }

  function exactPassage(el) {
    if (/^H[1-6]$/.test(el.tagName)) return "";
    var fragment = textFragment(el);
    return fragment ? permalink(el.id) + ":~:" + fragment : "";
  }

  // Copies `text`; calls `done(true)` when it is on the clipboard.
  function copy(text, done) {
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "sb-offscreen";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      done(ok);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }

  // A short message for everyone, screen readers included.
  var status = document.createElement("div");
  status.className = "sb-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  document.body.appendChild(status);
  var statusTimer = null;
  function say(text) {
    status.textContent = text;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(function () { status.textContent = ""; }, 2500);
  }

  // A copy button for the text `get()` gives.
  function copyButton(label, get) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "sb-copy";
    b.textContent = "Copy";
    b.setAttribute("aria-label", "Copy " + label);
    b.addEventListener("click", function () {
      copy(get(), function (ok) {
        b.textContent = ok ? "Copied" : "Select and copy";
        say(ok ? label.charAt(0).toUpperCase() + label.slice(1) + " copied" : "Copying was refused: select the text and copy it");
        setTimeout(function () { b.textContent = "Copy"; }, 2500);
      });
    });
    return b;
  }

  var box = null;
  var fields = {};
  function field(name, label, rows) {
    var wrap = document.createElement("div");
    wrap.className = "sb-field sb-field-" + name;
    var id = "sb-cite-" + name;
    var l = document.createElement("label");
    l.setAttribute("for", id);
    l.textContent = label;
    var area = document.createElement("textarea");
    area.id = id;
    area.readOnly = true;
    area.rows = rows;
    area.spellcheck = false;
    wrap.appendChild(l);
    wrap.appendChild(copyButton(label.toLowerCase(), function () { return area.value; }));
    wrap.appendChild(area);
    fields[name] = { wrap: wrap, area: area };
    return wrap;
  }
  function close() {
    if (!box || box.hidden) return;
    box.hidden = true;
    if (box.opener) box.opener.focus();
  }
  function show(target, opener) {
    if (!box) {
      box = document.createElement("div");
      box.className = "sb-cite-box";
      box.setAttribute("role", "dialog");
      box.setAttribute("aria-label", "Cite this");
      var head = document.createElement("p");
      head.className = "sb-cite-title";
      head.textContent = "Cite this";
      box.appendChild(head);
      box.appendChild(field("link", "Link", 1));
      box.appendChild(field("passage", "Exact passage", 2));
      box.appendChild(field("citation", "Citation", 3));
      box.appendChild(field("bibtex", "BibTeX", 5));
      box.appendChild(field("ris", "RIS", 5));
      var x = document.createElement("button");
      x.type = "button";
      x.className = "sb-close";
      x.textContent = "Close";
      x.addEventListener("click", close);
      box.appendChild(x);
      document.body.appendChild(box);
    }
    box.opener = opener;
    var passage = exactPassage(target);
    fields.link.area.value = permalink(target.id);
    fields.passage.area.value = passage;
    fields.passage.wrap.hidden = !passage;
    fields.citation.area.value = data.text ? accessed(data.text) : "";
    fields.citation.wrap.hidden = !data.text;
    fields.bibtex.area.value = data.bibtex ? accessed(data.bibtex) : "";
    fields.bibtex.wrap.hidden = !data.bibtex;
    fields.ris.area.value = data.ris ? accessed(data.ris) : "";
    fields.ris.wrap.hidden = !data.ris;
    box.hidden = false;
    fields.link.area.focus();
    fields.link.area.select();
  }

  function addCite(anchor, target) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "sb-cite-button";
    b.textContent = "Cite";
    b.setAttribute("aria-label", "Cite this " + (/^H[1-6]$/.test(target.tagName) ? "section" : "paragraph"));
    b.setAttribute("aria-haspopup", "dialog");
    b.addEventListener("click", function () { show(target, b); });
    anchor.insertAdjacentElement("afterend", b);
  }

  var links = article.querySelectorAll("a.para-link, a.heading-anchor");
  for (var i = 0; i < links.length; i++) {
    var a = links[i];
    var target = a.closest("[id]");
    if (!target) continue;
    a.addEventListener("click", function (e) {
      var link = e.currentTarget;
      var t = link.closest("[id]");
      copy(permalink(t.id), function (ok) {
        if (ok) say("Link to this " + (/^H[1-6]$/.test(t.tagName) ? "section" : "paragraph") + " copied");
        link.setAttribute("data-copied", ok ? "true" : "false");
      });
    });
    addCite(a, target);
  }

  // On touch screens, a tap on a paragraph shows its controls.
  var lastPointer = "mouse";
  document.addEventListener("pointerdown", function (e) { lastPointer = e.pointerType; }, true);
  article.addEventListener("click", function (e) {
    if (lastPointer !== "touch" && lastPointer !== "pen") return;
    if (e.target.closest("a, button, textarea")) return;
    var p = e.target.closest("p[id]");
    var active = article.querySelectorAll(".sb-active");
    for (var k = 0; k < active.length; k++) if (active[k] !== p) active[k].classList.remove("sb-active");
    if (p) p.classList.toggle("sb-active");
  });

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") close();
  });
})();

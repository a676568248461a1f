// "Copy link" and "Cite" for headings and paragraphs. Without this script the
// controls are plain links to the anchor.
(function () {
  "use strict";
  var article = document.querySelector("[data-cite-url]");
  if (!article) return;
  var meta = {
    title: article.getAttribute("data-cite-title") || document.title,
    site: article.getAttribute("data-cite-site") || "",
    updated: article.getAttribute("data-cite-updated") || "",
    url: article.getAttribute("data-cite-url")
  };

  function permalink(id) { return meta.url + "#" + encodeURIComponent(id); }

  // The nearest heading before the element, in document order.
  function headingOf(el) {
    var all = article.querySelectorAll("h2[id], h3[id], h4[id], h5[id], h6[id], p[id], li[id]");
    var found = null;
    for (var i = 0; i < all.length; i++) {
      if (all[i] === el) break;
      if (/^H[2-6]$/.test(all[i].tagName)) found = all[i];
    }
    return found;
  }

  // Where a marker (citation, footnote) stands in the text of an element.
  var MARK = "\u2063";

  // The text of an element without its controls and tooltips, each marker
  // replaced by MARK, white space folded.
  function markedText(el) {
    var copy = el.cloneNode(true);
    var drop = copy.querySelectorAll(".para-link, .heading-anchor, .cite-tip, .fn-tip, .term-tip, .sb-cite-button");
    for (var i = 0; i < drop.length; i++) drop[i].remove();
    var sups = copy.querySelectorAll("sup");
    for (var j = 0; j < sups.length; j++) sups[j].replaceWith(document.createTextNode(MARK));
    return copy.textContent.replace(/\u2060/g, "").replace(/\s+/g, " ").trim();
  }

  // The text of an element as a reader quotes it: no markers, and no space
  // left before the punctuation that followed one.
  function plainText(el) {
    return markedText(el).split(MARK).join("").replace(/\s+([.,;:!?)])/g, "$1").replace(/\s+/g, " ").trim();
  }

  // The runs of visible text of the selected sentence if the selection is
  // inside the element, else of its first sentence: the pieces between
  // markers that hold a letter or digit.
  function sentenceRuns(el) {
    var sel = window.getSelection && window.getSelection();
    var text;
    if (sel && !sel.isCollapsed && el.contains(sel.anchorNode)) {
      text = sel.toString().replace(/\[\d+\]|\[[a-z]\]/g, MARK).replace(/\s+/g, " ").trim();
    }
    if (!text) {
      var all = markedText(el);
      var m = all.match(/^.+?[.!?](?=[\s\u2063]|$)/);
      text = m ? m[0] : all;
    }
    return text.split(MARK).map(function (r) { return r.trim(); }).filter(function (r) { return /[0-9A-Za-z\u00C0-\uFFFF]/.test(r.replace(MARK, "")); });
  }

  function fragmentPart(s) {
    return encodeURIComponent(s).replace(/-/g, "%2D").replace(/,/g, "%2C");
  }

  // A text fragment (`text=start,end`) that matches the page as rendered:
  // its start and end each lie within one run of text between markers.
  function textFragment(el) {
    var runs = sentenceRuns(el);
    if (!runs.length) return "";
    var first = runs[0].split(" ");
    var last = runs[runs.length - 1].split(" ");
    if (runs.length === 1 && first.length <= 8) return "text=" + fragmentPart(runs[0]);
    if (runs.length === 1) {
      return "text=" + fragmentPart(first.slice(0, 4).join(" ")) + "," + fragmentPart(first.slice(-4).join(" "));
    }
    return "text=" + fragmentPart(first.slice(0, 4).join(" ")) + "," + fragmentPart(last.slice(-4).join(" "));
  }

  function citation(el) {
    var heading = /^H[1-6]$/.test(el.tagName) ? el : headingOf(el);
    var parts = ["\u201c" + meta.title + "\u201d"];
    if (heading) parts[0] += ", section \u201c" + plainText(heading) + "\u201d";
    var line = parts[0] + ". " + meta.site + (meta.updated ? ", last updated " + meta.updated : "") + ". " + permalink(el.id);
    if (!/^H[1-6]$/.test(el.tagName)) {
      var fragment = textFragment(el);
      if (fragment) line += " (exact passage: " + permalink(el.id) + ":~:" + fragment + ")";
    }
    return line;
  }

  function copy(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).catch(function () {});
    }
  }

  var box = null;
  function show(text, opener) {
    if (!box) {
      box = document.createElement("div");
      box.className = "sb-cite-box";
      box.setAttribute("role", "dialog");
      box.setAttribute("aria-label", "Citation");
      var label = document.createElement("p");
      label.textContent = "Citation (copied to the clipboard where the browser allows):";
      var area = document.createElement("textarea");
      area.readOnly = true;
      area.rows = 5;
      area.setAttribute("aria-label", "Citation text");
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Close";
      close.addEventListener("click", function () { box.hidden = true; if (box.opener) box.opener.focus(); });
      box.appendChild(label);
      box.appendChild(area);
      box.appendChild(close);
      document.body.appendChild(box);
    }
    box.opener = opener;
    box.querySelector("textarea").value = text;
    box.hidden = false;
    box.querySelector("textarea").focus();
    box.querySelector("textarea").select();
  }

  function addCite(anchor, target) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "sb-cite-button";
    b.textContent = "Cite";
    b.setAttribute("aria-label", "Cite this " + (/^H[1-6]$/.test(target.tagName) ? "section" : "paragraph"));
    b.addEventListener("click", function () {
      var text = citation(target);
      copy(text);
      show(text, b);
    });
    anchor.insertAdjacentElement("afterend", b);
  }

  var links = article.querySelectorAll("a.para-link, a.heading-anchor");
  for (var i = 0; i < links.length; i++) {
    var a = links[i];
    var target = a.closest("[id]");
    if (!target) continue;
    a.addEventListener("click", function (e) {
      var t = e.currentTarget.closest("[id]");
      copy(permalink(t.id));
    });
    addCite(a, target);
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && box && !box.hidden) { box.hidden = true; if (box.opener) box.opener.focus(); }
  });
})();

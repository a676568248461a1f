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

  // The text of an element without its controls, tooltips and markers.
  function plainText(el) {
    var copy = el.cloneNode(true);
    var drop = copy.querySelectorAll(".para-link, .heading-anchor, .cite-tip, .fn-tip, sup, .sb-cite-button");
    for (var i = 0; i < drop.length; i++) drop[i].remove();
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  // The selected sentence if the selection is inside the element, else its first sentence.
  function sentenceOf(el) {
    var sel = window.getSelection && window.getSelection();
    if (sel && !sel.isCollapsed && el.contains(sel.anchorNode)) {
      var s = sel.toString().replace(/\s+/g, " ").trim();
      if (s) return s;
    }
    var text = plainText(el);
    var m = text.match(/^.+?[.!?](?=\s|$)/);
    return m ? m[0] : text;
  }

  function fragmentPart(s) {
    return encodeURIComponent(s).replace(/-/g, "%2D").replace(/,/g, "%2C");
  }

  function textFragment(sentence) {
    var words = sentence.split(" ");
    if (words.length <= 8) return "text=" + fragmentPart(sentence);
    return "text=" + fragmentPart(words.slice(0, 4).join(" ")) + "," + fragmentPart(words.slice(-4).join(" "));
  }

  function citation(el) {
    var heading = /^H[1-6]$/.test(el.tagName) ? el : headingOf(el);
    var parts = ["\u201c" + meta.title + "\u201d"];
    if (heading) parts[0] += ", section \u201c" + plainText(heading) + "\u201d";
    var line = parts[0] + ". " + meta.site + (meta.updated ? ", last updated " + meta.updated : "") + ". " + permalink(el.id);
    if (!/^H[1-6]$/.test(el.tagName)) {
      line += " (exact passage: " + permalink(el.id) + ":~:" + textFragment(sentenceOf(el)) + ")";
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

// Reading aids. Without this script, previews show on hover and focus (CSS)
// and markers are plain links.
//
// - A tap on a citation, note or glossary marker opens a card with its
//   preview and links (the reference, the passage, the PDF), instead of
//   jumping to the reference list; a tap outside or Escape closes it. The
//   card stays inside the viewport and never widens the page.
// - A link to a claim (a back-link from the references, a source page's
//   link to a paragraph) highlights the claim's paragraph and scrolls it
//   into view with its start visible.
// - Glossary terms lose their native `title` tooltip, which would double
//   the preview.
(function () {
  "use strict";
  var root = document.documentElement;
  var lastPointer = "mouse";
  document.addEventListener("pointerdown", function (e) {
    lastPointer = e.pointerType;
    if (e.pointerType === "touch" || e.pointerType === "pen") root.classList.add("sb-touch");
  }, true);

  var abbrs = document.querySelectorAll(".term-wrap abbr[title]");
  for (var i = 0; i < abbrs.length; i++) abbrs[i].removeAttribute("title");

  var MARKERS = "sup.cite > a, sup.fnref > a, .term-wrap > a.term";
  var card = null;
  var opener = null;

  function closeCard(refocus) {
    if (!card) return;
    card.remove();
    card = null;
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
      if (refocus) opener.focus();
    }
    opener = null;
  }

  function link(href, text, cls) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    a.className = cls;
    return a;
  }

  function place(el, anchor) {
    var margin = 8;
    var vw = document.documentElement.clientWidth;
    var vh = window.innerHeight;
    var width = Math.min(352, vw - 2 * margin);
    el.style.width = width + "px";
    var r = anchor.getBoundingClientRect();
    var left = r.left + r.width / 2 - width / 2;
    left = Math.max(margin, Math.min(left, vw - width - margin));
    var top = r.bottom + 6;
    var h = el.offsetHeight;
    if (top + h > vh - margin && r.top - 6 - h >= margin) top = r.top - 6 - h;
    el.style.left = (left + window.scrollX) + "px";
    el.style.top = (top + window.scrollY) + "px";
  }

  function openCard(a) {
    closeCard(false);
    var tipId = a.getAttribute("aria-describedby");
    var tip = tipId && document.getElementById(tipId);
    var kind = a.closest("sup.cite") ? "citation" : (a.closest("sup.fnref") ? "note" : "term");
    card = document.createElement("div");
    card.className = "sb-popover sb-popover-" + kind;
    card.setAttribute("role", "dialog");
    card.setAttribute("aria-label", kind === "citation" ? "Citation " + a.textContent : (kind === "note" ? "Note " + a.textContent : a.textContent));
    card.tabIndex = -1;
    var body = document.createElement("div");
    body.className = "sb-popover-body";
    if (tip) {
      for (var i = 0; i < tip.childNodes.length; i++) body.appendChild(tip.childNodes[i].cloneNode(true));
    }
    card.appendChild(body);
    var links = document.createElement("p");
    links.className = "sb-popover-links";
    var target = a.getAttribute("href");
    if (kind === "citation") {
      links.appendChild(link(target, "Reference", "sb-popover-ref"));
      var entry = target.charAt(0) === "#" ? document.getElementById(decodeURIComponent(target.slice(1))) : null;
      var pdf = entry && entry.querySelector(".ref-out");
      if (pdf) links.appendChild(link(pdf.getAttribute("href"), pdf.textContent, "sb-popover-pdf"));
    } else if (kind === "note") {
      links.appendChild(link(target, "Go to the note", "sb-popover-ref"));
    } else {
      links.appendChild(link(target, "Glossary entry", "sb-popover-ref"));
    }
    card.appendChild(links);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "sb-popover-close";
    close.setAttribute("aria-label", "Close");
    close.textContent = "\u00d7";
    close.addEventListener("click", function () { closeCard(true); });
    card.appendChild(close);
    document.body.appendChild(card);
    place(card, a);
    opener = a;
    a.setAttribute("aria-expanded", "true");
    card.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest(MARKERS);
    if (a && (lastPointer === "touch" || lastPointer === "pen")) {
      e.preventDefault();
      if (opener === a) closeCard(false);
      else openCard(a);
      return;
    }
    if (card && !card.contains(e.target)) closeCard(false);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && card) closeCard(true);
  });
  window.addEventListener("resize", function () { if (card && opener) place(card, opener); });

  // Back to the claim.
  var BLOCKS = "p, li, td, th, dd, blockquote";
  function claim() {
    var prev = document.querySelectorAll(".sb-claim");
    for (var i = 0; i < prev.length; i++) prev[i].classList.remove("sb-claim");
    var raw = location.hash.slice(1);
    if (!raw) return;
    var id;
    try { id = decodeURIComponent(raw); } catch (e) { id = raw; }
    var el = document.getElementById(id);
    if (!el) return;
    var block = null;
    if (el.matches("sup.cite, sup.fnref")) block = el.parentElement && el.parentElement.closest(BLOCKS);
    else if (el.matches("article p[id], article li[id]") && !el.closest(".references")) block = el;
    if (!block) return;
    block.classList.add("sb-claim");
    var top = block.getBoundingClientRect().top;
    var margin = 16;
    if (top < margin || top > window.innerHeight / 3) {
      window.scrollTo(window.scrollX, window.scrollY + top - margin);
    }
  }
  window.addEventListener("hashchange", claim);
  if (document.readyState === "complete") claim();
  else window.addEventListener("load", function () { setTimeout(claim, 0); });
})();

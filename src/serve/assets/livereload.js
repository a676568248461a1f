// Live reload for `sourcebrief serve` (never part of a built site).
//
// Listens to the server's build events: after a successful rebuild the page
// reloads and keeps its scroll position; after a failed one an overlay shows
// the errors (built with DOM calls and textContent, styled by overlay.css, so
// it works under the site's Content-Security-Policy) until a rebuild succeeds.
(() => {
  "use strict";
  const script = document.currentScript;
  const pageSite = script ? script.dataset.site : null;
  const scrollKey = "sourcebrief-scroll:" + location.pathname;
  const OVERLAY_ID = "sourcebrief-overlay";

  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    try {
      const [x, y] = JSON.parse(saved);
      const restore = () => window.scrollTo(x, y);
      if (document.readyState === "complete") {
        restore();
      } else {
        window.addEventListener("load", restore, { once: true });
      }
    } catch (_) {
      // A malformed entry: keep the browser's own scroll position.
    }
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    el.className = className;
    if (text !== undefined) {
      el.textContent = text;
    }
    return el;
  }

  function hideOverlay() {
    const old = document.getElementById(OVERLAY_ID);
    if (old) {
      old.remove();
    }
  }

  function showOverlay(errors) {
    hideOverlay();
    const overlay = element("div", "sourcebrief-overlay");
    overlay.id = OVERLAY_ID;
    overlay.setAttribute("role", "alert");
    const box = element("div", "sourcebrief-overlay__box");
    const close = element("button", "sourcebrief-overlay__close", "\u00d7");
    close.type = "button";
    close.setAttribute("aria-label", "Hide until the next build");
    close.addEventListener("click", hideOverlay);
    box.append(close);
    box.append(
      element(
        "p",
        "sourcebrief-overlay__title",
        "Build failed \u2014 showing the last good version of the site",
      ),
    );
    for (const e of errors) {
      const section = element("section", "sourcebrief-overlay__error");
      let where = e.file || "";
      if (where && e.line) {
        where += ":" + e.line + (e.column ? ":" + e.column : "");
      }
      if (where) {
        section.append(element("h2", "sourcebrief-overlay__where", where));
      }
      section.append(element("p", "sourcebrief-overlay__message", e.message));
      section.append(element("pre", "sourcebrief-overlay__report", e.report));
      box.append(section);
    }
    overlay.append(box);
    document.body.append(overlay);
  }

  const events = new EventSource("/__sourcebrief/events");
  events.addEventListener("build", (event) => {
    const state = JSON.parse(event.data);
    document.documentElement.dataset.sourcebriefLive = "connected";
    if (state.errors.length > 0) {
      showOverlay(state.errors);
      return;
    }
    hideOverlay();
    if (String(state.site) !== pageSite) {
      sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY]));
      events.close();
      location.reload();
    }
  });
})();

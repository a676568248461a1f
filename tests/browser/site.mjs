// The built site in a real browser, as a reader meets it.
//
//   node site.mjs CONFIG.json
//
// CONFIG: {
//   "pages": ["http://127.0.0.1:PORT/", ...],   every page to load and check with axe
//   "csp": "...",                              the policy pages are served with
//   "screenshots": "DIR",                      where to save screenshots
//   "shots": {"home": URL, "briefing": URL},   pages to photograph, light and dark
//   "previews": URL,                           a page with a citation, a footnote and a glossary term
//   "moved": {"url": URL, "to": ID},           a page#old-id that must land on #ID
//   "cite": {"url": URL, "id": ID, "citation": TEXT}  what a paragraph's Cite gives: its
//                                              permalink, and the page's citation (tokens
//                                              of the date of access left in)
//   "passage": {"url": URL, "entry": ID, "mark": TEXT}  a reference entry leads to its marked passage
//   "fragment": {"url": URL, "id": ID}  the exact passage of a paragraph's Cite scrolls to it
//   "fragments": [URL, ...]            pages each of whose paragraphs' exact passage is followed
//   "tap": [URL, ...]                  pages each of whose markers is tapped on a phone
//   "claim": {"source": URL}           a source page whose links to claims are followed
//   "foreign": URL                     the site built for another address, served here
//   "references": URL                  a page whose reference list is photographed
// }
// Prints one line per check and "ok" at the end; exits 1 on the first failure.

import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { check, enforceCsp, launch } from "./lib.mjs";

const require = createRequire(import.meta.url);
const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const TIMEOUT = 20_000;
const browser = await launch();
// A phone: touch screen, 390 px wide.
const phone = await launch({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 844 } });
await browser.context.grantPermissions(["clipboard-read", "clipboard-write"]);

async function freshPage({ csp = true, width = 1280, height = 900, scheme = "light", on = browser } = {}) {
  const page = await on.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.setViewportSize({ width, height });
  await page.emulateMedia({ colorScheme: scheme });
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  const violations = csp ? await enforceCsp(page, config.csp) : [];
  return { page, errors, violations };
}

try {
  // 1. Every page loads under the site's CSP without console errors or
  //    violations, and has no horizontal scroll at phone and desktop widths.
  for (const width of [320, 390, 1280]) {
    const { page, errors, violations } = await freshPage({ width });
    for (const url of config.pages) {
      const response = await page.goto(url, { waitUntil: "load" });
      check(response && response.status() < 400, `${url}: status ${response && response.status()}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(overflow <= 0, `${url} at ${width}px scrolls sideways by ${overflow}px`);
    }
    check(violations.length === 0, `CSP violations:\n${violations.join("\n")}`);
    check(errors.length === 0, `console errors:\n${errors.join("\n")}`);
    await page.close();
    console.log(`pages load cleanly at ${width}px: ${config.pages.length}`);
  }

  // 1b. The body measure: no line of a paragraph of the briefing holds more
  //     than 70 characters at 1280 px.
  {
    const { page } = await freshPage({ width: 1280 });
    let widest = 0;
    for (const url of config.tap || []) {
      await page.goto(url);
      const most = await page.evaluate(() => {
        let most = 0;
        for (const p of document.querySelectorAll("article .content > p, article > p")) {
          // Characters per line: each character's line from its rectangle.
          const lines = new Map();
          const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (n.parentElement.closest("sup, .para-link, .sb-cite-button, .term-tip")) continue;
            for (let i = 0; i < n.length; i++) {
              const r = document.createRange();
              r.setStart(n, i);
              r.setEnd(n, i + 1);
              const rect = r.getBoundingClientRect();
              if (rect.width === 0) continue;
              const key = Math.round(rect.bottom / 4);
              lines.set(key, (lines.get(key) || 0) + 1);
            }
          }
          for (const c of lines.values()) most = Math.max(most, c);
        }
        return most;
      });
      widest = Math.max(widest, most);
    }
    await page.close();
    check(widest <= 70, `a line holds ${widest} characters`);
    console.log(`measure: at most ${widest} characters a line`);
  }

  // 2. Accessibility: axe-core finds no WCAG 2.2 A/AA violations (target
  //    size included): every
  //    page in light, and the photographed pages and the previews page in
  //    dark (the dark scheme changes colours only).
  const axe = require.resolve("axe-core/axe.min.js");
  const darkPages = [...Object.values(config.shots), config.previews];
  for (const [scheme, urls] of [["light", config.pages], ["dark", darkPages]]) {
    const { page } = await freshPage({ csp: false, scheme });
    for (const url of urls) {
      await page.goto(url, { waitUntil: "load" });
      await page.addScriptTag({ path: axe });
      const result = await page.evaluate(async () =>
        // eslint-disable-next-line no-undef
        axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } }),
      );
      const found = result.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("\n    ")}`,
      );
      check(found.length === 0, `${url} (${scheme}) has accessibility violations:\n  ${found.join("\n  ")}`);
    }
    await page.close();
    console.log(`axe: no WCAG 2.2 AA violations (${scheme})`);
  }

  // 3. Previews show on hover and on keyboard focus, with no native title
  //    tooltip doubling them.
  {
    const { page, violations } = await freshPage();
    await page.goto(config.previews);
    await page.waitForLoadState("load");
    check((await page.locator(".term-wrap [title], sup.cite [title], sup.fnref [title]").count()) === 0, "a native title tooltip doubles a preview");
    for (const [trigger, tip] of [
      ["sup.cite > a", ".cite-tip"],
      ["sup.fnref > a", ".fn-tip"],
      [".term-wrap > a.term", ".term-tip"],
    ]) {
      const link = page.locator(trigger).first();
      const tipId = await link.getAttribute("aria-describedby");
      const tipEl = page.locator(`[id="${tipId}"]`);
      check((await tipEl.count()) === 1 && (await tipEl.getAttribute("class")).includes(tip.slice(1)), `${trigger}: no ${tip}`);
      check(!(await tipEl.isVisible()), `${tip} shows before hover`);
      await link.hover();
      await tipEl.waitFor({ state: "visible" });
      await page.mouse.move(0, 0);
      await tipEl.waitFor({ state: "hidden" });
      await link.focus();
      await tipEl.waitFor({ state: "visible" });
      const text = (await tipEl.innerText()).trim();
      check(text.length > 0, `${tip} is empty`);
      await page.locator("body").press("Escape");
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
      console.log(`preview on hover and focus: ${trigger} → "${text.slice(0, 60)}"`);
    }
    // 4. A marker leads to its reference entry, and the entry back to the marker.
    const marker = page.locator("sup.cite > a").first();
    const markerId = await page.locator("sup.cite").first().getAttribute("id");
    const entry = (await marker.getAttribute("href")).slice(1);
    await marker.click();
    await page.waitForFunction((id) => location.hash === `#${id}`, entry);
    check(await page.evaluate((id) => document.querySelector(":target") === document.getElementById(id), entry), "the entry is not the target");
    await page.locator(`[id="${entry}"] .backrefs a`).first().click();
    await page.waitForFunction((id) => location.hash === `#${id}`, markerId);
    // Back to the claim: its paragraph is highlighted, its start in view.
    await page.waitForFunction((id) => document.getElementById(id).closest(".sb-claim"), markerId);
    const claim = await page.evaluate((id) => {
      const p = document.getElementById(id).closest(".sb-claim");
      return { top: p.getBoundingClientRect().top, h: window.innerHeight, tag: p.tagName };
    }, markerId);
    check(claim.top >= 0 && claim.top < claim.h / 3, `the claim's start is not in view: ${JSON.stringify(claim)}`);
    console.log(`back-link → the claim's ${claim.tag} highlighted, its start ${Math.round(claim.top)}px from the top`);
    check(violations.length === 0, `CSP violations:\n${violations.join("\n")}`);
    await page.close();
    console.log(`citation marker → #${entry} → back to #${markerId}`);
  }

  // 5. A moved anchor leads to its new place.
  if (config.moved) {
    const { page, violations } = await freshPage();
    await page.goto(config.moved.url);
    await page.waitForFunction((id) => location.hash === `#${id}`, config.moved.to);
    check(await page.evaluate((id) => document.querySelector(":target")?.id === id, config.moved.to), "the new anchor is not the target");
    check(violations.length === 0, `CSP violations:\n${violations.join("\n")}`);
    await page.close();
    console.log(`${config.moved.url} → #${config.moved.to}`);
  }

  // 6. The Cite control: the paragraph's permalink, the page's citation in
  //    the site's style with today's date of access, BibTeX, RIS; each copy
  //    button copies and says so; the ¶ link says when it copied.
  if (config.cite) {
    const { page, violations } = await freshPage();
    await page.goto(config.cite.url);
    const para = page.locator(`[id="${config.cite.id}"]`);
    const before = await para.evaluate((p) => p.getBoundingClientRect().height);
    await para.hover();
    const after = await para.evaluate((p) => p.getBoundingClientRect().height);
    check(before === after, `showing the controls reflowed the paragraph (${before} → ${after})`);
    await para.locator(".sb-cite-button").click();
    await page.locator(".sb-cite-box").waitFor({ state: "visible" });
    const value = (id) => page.locator(`#sb-cite-${id}`).inputValue();
    const permalink = `${config.cite.url}#${config.cite.id}`;
    check((await value("link")) === permalink, `the link is ${await value("link")}`);
    const d = new Date();
    const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    const pad = (n) => String(n).padStart(2, "0");
    const expected = config.cite.citation
      .replace("{Y2}", d.getFullYear()).replace("{MMMM2}", months[d.getMonth()]).replace("{D2}", d.getDate());
    const citation = await value("citation");
    check(citation === expected, `the citation is\n  ${citation}\nnot\n  ${expected}`);
    const iso = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    const bibtex = await value("bibtex");
    check(bibtex.startsWith("@online{") && bibtex.includes(`urldate = {${iso}}`) && bibtex.includes(`url = {${config.cite.url}}`), `BibTeX:\n${bibtex}`);
    const ris = await value("ris");
    check(ris.startsWith("TY  - ELEC\n") && ris.includes(`\nY2  - ${iso.replaceAll("-", "/")}\n`) && ris.endsWith("ER  - "), `RIS:\n${ris}`);
    // Copy buttons copy and say so.
    for (const id of ["link", "citation", "bibtex", "ris"]) {
      const button = page.locator(`.sb-field-${id} .sb-copy`);
      await button.click();
      await page.waitForFunction((id) => document.querySelector(`.sb-field-${id} .sb-copy`).textContent === "Copied", id);
      const clip = await page.evaluate(() => navigator.clipboard.readText());
      check(clip === (await value(id)), `${id}: the clipboard holds ${clip}`);
      check(/copied$/.test(await page.locator(".sb-status").textContent()), `no status for ${id}`);
    }
    await page.keyboard.press("Escape");
    await page.locator(".sb-cite-box").waitFor({ state: "hidden" });
    // The ¶ link copies the permalink and says so.
    await page.evaluate(() => navigator.clipboard.writeText(""));
    await para.hover();
    await para.locator(".para-link").click();
    await page.waitForFunction(() => document.querySelector(".sb-status").textContent === "Link to this paragraph copied");
    check((await page.evaluate(() => navigator.clipboard.readText())) === permalink, "the ¶ link did not copy the permalink");
    check(violations.length === 0, `CSP violations:\n${violations.join("\n")}`);
    await page.close();
    console.log(`cite: ${citation}`);
    console.log("copy buttons and the ¶ link say when they copied");
  }

  // 7. A reference entry leads to the quoted passage of the source, marked.
  if (config.passage) {
    const { page, violations } = await freshPage();
    await page.goto(config.passage.url);
    const link = page.locator(`[id="${config.passage.entry}"] .ref-passage`);
    const href = await link.getAttribute("href");
    check(/#q-/.test(href), `the entry links to ${href}, not to a passage`);
    await link.click();
    const id = href.split("#")[1];
    // The new document is the target once it has loaded.
    await page.waitForFunction((id) => location.hash === `#${id}` && document.querySelector(":target")?.id === id, id);
    const target = await page.evaluate(() => {
      const t = document.querySelector(":target");
      return t ? { cls: t.className, mark: (t.querySelector("mark") || {}).textContent } : null;
    });
    check(target && target.cls === "passage", `the target is ${JSON.stringify(target)}`);
    check(target && target.mark === config.passage.mark, `the marked words are ${target && target.mark}`);
    check(await page.locator(`[id="${id}"] mark`).isVisible(), "the passage is not visible");
    check(violations.length === 0, `CSP violations:\n${violations.join("\n")}`);
    await page.close();
    console.log(`reference entry → ${href} → “${target.mark}”`);
  }

  // 8. The Cite control's exact passage: Chromium scrolls to the paragraph.
  if (config.fragment) {
    const { page, violations } = await freshPage();
    await page.goto(config.fragment.url);
    const para = page.locator(`[id="${config.fragment.id}"]`);
    await para.hover();
    await para.locator(".sb-cite-button").click();
    await page.locator(".sb-cite-box").waitFor({ state: "visible" });
    const url = await page.locator("#sb-cite-passage").inputValue();
    check(url.includes(":~:text="), `no exact passage: ${url}`);
    check(!/%5B|\[/.test(url.split(":~:")[1]), `the fragment holds marker text: ${url}`);
    check(!/%20[.,;:]|%20%2C/.test(url), `the fragment has a space before punctuation: ${url}`);
    check(violations.length === 0, `CSP violations:\n${violations.join("\n")}`);
    await page.close();
    const fresh = await freshPage();
    await fresh.page.goto(url);
    // Chromium scrolls to a text fragment some time after the load.
    await fresh.page.waitForFunction(() => window.scrollY > 300, null, { timeout: 5000 }).catch(() => {});
    const seen = await fresh.page.evaluate((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return { y: window.scrollY, top: r.top, bottom: r.bottom, h: window.innerHeight };
    }, config.fragment.id);
    check(seen.y > 300 && seen.top < seen.h && seen.bottom > 0,
      `the text fragment did not scroll to the paragraph: ${JSON.stringify(seen)} for ${url}`);
    await fresh.page.close();
    console.log(`exact passage ${url} → scrolled to #${config.fragment.id}`);
  }

  // 10. The exact passage of every paragraph of these pages: Chromium
  //     scrolls to it and it is highlighted (its the target; the address
  //     without the id finds it by its text alone).
  if (config.fragments) {
    let followed = 0;
    let visibleAtTop = 0;
    const { page } = await freshPage({ width: 390, height: 300 });
    for (const url of config.fragments) {
      await page.goto(url);
      const ids = await page.evaluate(() => [...document.querySelectorAll("article p[id]")].filter((p) => p.querySelector(".sb-cite-button")).map((p) => p.id));
      for (const id of ids) {
        const passage = await page.evaluate((id) => {
          document.getElementById(id).querySelector(".sb-cite-button").click();
          const v = document.getElementById("sb-cite-passage").value;
          document.querySelector(".sb-cite-box .sb-close").click();
          return v;
        }, id);
        check(/^.+#.+:~:text=/.test(passage), `${url}#${id}: no exact passage (${passage})`);
        check(!/%5B|\[/.test(passage.split(":~:")[1]), `the fragment holds marker text: ${passage}`);
        check(!/%20[.,;:]|%E2%81%A0/.test(passage), `a stray space or joiner: ${passage}`);
        // By its text alone (no id to fall back on).
        const byText = passage.replace(/#[^:]*:~:/, "#:~:");
        const fresh = await freshPage({ width: 390, height: 300 });
        await fresh.page.goto(byText);
        const seen = await fresh.page.waitForFunction((id) => {
          const r = document.getElementById(id).getBoundingClientRect();
          return r.top < window.innerHeight && r.bottom > 0 && (window.scrollY > 0 || document.readyState === "complete") ? { y: window.scrollY, top: r.top } : null;
        }, id, { timeout: 5000 }).then((h) => h.jsonValue()).catch(() => null);
        await fresh.page.close();
        check(seen, `${byText}: Chromium did not scroll to #${id}`);
        if (seen.y === 0) visibleAtTop += 1;
        // With its id: the paragraph is the target, highlighted.
        const withId = await freshPage({ width: 390, height: 300 });
        await withId.page.goto(passage);
        await withId.page.waitForFunction((id) => document.getElementById(id).classList.contains("sb-claim"), id, { timeout: 5000 })
          .catch(() => check(false, `${passage}: #${id} is not highlighted`));
        await withId.page.close();
        followed += 1;
      }
    }
    await page.close();
    console.log(`exact passages of ${followed} paragraphs found and highlighted (${visibleAtTop} already in view at the top)`);
  }

  // 11. Tap previews on a phone: every marker of these pages opens a card
  //     inside the viewport that never widens the page; a tap outside and
  //     Escape close it. Markers are 24×24 px targets and do not change the
  //     line height.
  if (config.tap) {
    let tapped = 0;
    const runs = [["light", 320, config.tap], ["dark", 390, [config.previews]], ["light", 1280, [config.previews]]];
    for (const [scheme, width, urls] of runs) {
      for (const url of urls) {
        const { page, errors, violations } = await freshPage({ on: phone, width, height: 844, scheme });
        await page.goto(url);
        const count = await page.locator("sup.cite > a, sup.fnref > a, .term-wrap > a.term").count();
        for (let i = 0; i < count; i++) {
          const marker = page.locator("sup.cite > a, sup.fnref > a, .term-wrap > a.term").nth(i);
          await marker.scrollIntoViewIfNeeded();
          const size = await marker.evaluate((a) => { const r = a.getBoundingClientRect(); return [r.width, r.height]; });
          check(size[0] >= 24 && size[1] >= 24, `${url}: marker ${i} is ${size[0]}×${size[1]} px`);
          const hash = await page.evaluate(() => location.hash);
          await marker.tap();
          const card = page.locator(".sb-popover");
          await card.waitFor({ state: "visible" });
          const box = await card.evaluate((c) => {
            const r = c.getBoundingClientRect();
            return { left: r.left, right: r.right, vw: document.documentElement.clientWidth, sw: document.documentElement.scrollWidth, text: c.innerText };
          });
          check(box.left >= 0 && box.right <= box.vw, `${url} at ${width}px: card ${i} leaves the viewport: ${JSON.stringify(box)}`);
          check(box.sw <= box.vw, `${url}: card ${i} widens the page to ${box.sw}px`);
          check(box.text.trim().length > 0, `${url}: card ${i} is empty`);
          check((await page.evaluate(() => location.hash)) === hash, `${url}: tapping marker ${i} jumped away`);
          if (i === 0) {
            await page.keyboard.press("Escape");
            await card.waitFor({ state: "detached" });
            await marker.tap();
            await card.waitFor({ state: "visible" });
          }
          await page.locator("main h1").first().tap();
          await card.waitFor({ state: "detached" });
          tapped += 1;
        }
        // Line height: every line of a paragraph with markers is as tall as
        // the paragraph's line height.
        const uneven = await page.evaluate(() => {
          const bad = [];
          for (const p of document.querySelectorAll("article p")) {
            if (!p.querySelector("sup.cite, sup.fnref")) continue;
            // The lines of the paragraph's own text (not of its markers).
            const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
            const bottoms = [];
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              if (n.parentElement !== p) continue;
              const range = document.createRange();
              range.selectNodeContents(n);
              for (const r of range.getClientRects()) if (r.height > 0 && r.width > 1) bottoms.push(Math.round(r.bottom));
            }
            const tops = [...new Set(bottoms)].sort((a, b) => a - b);
            const lh = parseFloat(getComputedStyle(p).lineHeight);
            const pitches = tops.slice(1).map((t, k) => t - tops[k]).filter((d) => d > lh / 2);
            // (A line with no text of the paragraph's own is skipped: two lines' pitch.)
            if (pitches.some((d) => Math.abs(d - Math.round(d / lh) * lh) > 1.5)) bad.push(`${p.id}: ${pitches.join(",")} vs ${lh}`);
          }
          return bad;
        });
        check(uneven.length === 0, `${url}: markers change the line height:\n${uneven.join("\n")}`);
        check(violations.length === 0, `CSP violations:\n${violations.join("\n")}`);
        check(errors.length === 0, `console errors:\n${errors.join("\n")}`);
        await page.close();
      }
    }
    console.log(`tap previews: ${tapped} markers open a card inside the viewport and close (320 px light, 390 px dark, 1280 px)`);

    // A citation's card links to the reference, the passage and the PDF.
    {
      const { page } = await freshPage({ on: phone, width: 390, height: 844 });
      await page.goto(config.previews);
      await page.locator("sup.cite > a").first().tap();
      const card = page.locator(".sb-popover");
      await card.waitFor({ state: "visible" });
      const links = await card.evaluate((c) => [...c.querySelectorAll("a")].map((a) => a.getAttribute("href")));
      check(links.some((h) => /^#cite-/.test(h)), `no link to the reference: ${links}`);
      check(links.some((h) => /\/sources\/report\/#[pq]-/.test(h)), `no link to the passage: ${links}`);
      check(links.some((h) => /report\.pdf#page=\d+$/.test(h)), `no link to the PDF: ${links}`);
      await page.close();
      console.log(`a citation's card links to ${links.join(", ")}`);
    }

    // A tap on a paragraph shows its ¶ and Cite controls, without moving
    // its text.
    const { page } = await freshPage({ on: phone, width: 390, height: 844 });
    await page.goto(config.tap[0]);
    const para = page.locator("article p[id]").first();
    const before = await para.evaluate((p) => [p.getBoundingClientRect().height, p.getBoundingClientRect().top]);
    check((await para.locator(".sb-cite-button").evaluate((b) => getComputedStyle(b).opacity)) === "0", "the controls show before a tap");
    const box = await para.boundingBox();
    await page.touchscreen.tap(box.x + 4, box.y + box.height - 4);
    await page.waitForFunction(() => document.querySelector("article p.sb-active"));
    const shown = await para.evaluate((p) => [getComputedStyle(p.querySelector(".sb-cite-button")).opacity, getComputedStyle(p.querySelector(".para-link")).opacity]);
    check(shown[0] === "1" && shown[1] === "1", `a tap did not show the controls: ${shown}`);
    const after = await para.evaluate((p) => [p.getBoundingClientRect().height, p.getBoundingClientRect().top]);
    check(before[0] === after[0], `the controls reflowed the paragraph: ${before} → ${after}`);
    await page.close();
    console.log("a tap on a paragraph shows its controls");
  }

  // 12. A source page's link to a claim: the claim's paragraph highlighted,
  //     its start in view.
  if (config.claim) {
    const { page } = await freshPage({ width: 390, height: 700 });
    await page.goto(config.claim.source);
    const href = await page.locator(".claims a[href*='#p-']").first().getAttribute("href");
    await page.goto(href);
    const id = decodeURIComponent(href.split("#")[1]);
    await page.waitForFunction((id) => document.getElementById(id).classList.contains("sb-claim"), id);
    const top = await page.evaluate((id) => document.getElementById(id).getBoundingClientRect().top, id);
    check(top >= 0 && top < 700 / 3, `the claim starts at ${top}px`);
    await page.close();
    console.log(`source page → ${href}: highlighted, its start ${Math.round(top)}px from the top`);
  }

  // 13. The site built for its production address, served from here,
  //     loads its styles and scripts.
  if (config.foreign) {
    const { page, errors, violations } = await freshPage();
    const failed = [];
    page.on("requestfailed", (r) => failed.push(r.url()));
    page.on("response", (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
    await page.goto(config.foreign, { waitUntil: "load" });
    const styled = await page.evaluate(() => ({
      accent: getComputedStyle(document.documentElement).getPropertyValue("--accent").trim(),
      sheets: document.styleSheets.length,
      cite: !!document.querySelector(".sb-cite-button"),
    }));
    check(styled.accent !== "" && styled.sheets >= 1, `unstyled from another address: ${JSON.stringify(styled)}`);
    check(styled.cite, "the scripts did not run");
    check(failed.length === 0, `failed requests:\n${failed.join("\n")}`);
    check(violations.length === 0 && errors.length === 0, `errors:\n${violations.concat(errors).join("\n")}`);
    await page.close();
    console.log(`built for its production address and served at ${config.foreign}: styled`);
  }

  // 14. Print: markers readable (8 pt and up), internal links without
  //     printed addresses, each source's address printed once, no
  //     back-links.
  if (config.references) {
    const { page } = await freshPage();
    await page.goto(config.references);
    await page.emulateMedia({ media: "print" });
    const printed = await page.evaluate(() => {
      const origin = location.origin;
      const px = (el) => parseFloat(getComputedStyle(el).fontSize);
      const markers = [...document.querySelectorAll("sup.cite > a, sup.fnref > a")].map(px);
      const after = (a) => getComputedStyle(a, "::after").content;
      const shown = (el) => el.getClientRects().length > 0;
      const internal = [...document.querySelectorAll("main a[href]")]
        .filter((a) => shown(a) && a.href.startsWith(origin) && after(a) !== "none" && after(a) !== "normal")
        .map((a) => a.href);
      const backrefs = [...document.querySelectorAll(".backrefs a, .fn-back")].filter(shown).length;
      // The printed text of the references, addresses printed by ::after included.
      let text = "";
      for (const a of document.querySelectorAll(".references a")) {
        if (shown(a)) text += " " + a.textContent + " " + (after(a).startsWith('"') ? after(a) : "");
      }
      const urls = [...document.querySelectorAll(".references .ref-entry a[href^='http']:not(.ref-source)")].map((a) => a.href);
      const counts = urls.map((u) => [u, text.split(u).length - 1]);
      return { smallest: Math.min(...markers), internal, backrefs, counts };
    });
    check(printed.smallest >= 8 * 96 / 72 - 0.01, `markers print at ${printed.smallest}px`);
    check(printed.internal.length === 0, `internal links print their address: ${printed.internal.slice(0, 3)}`);
    check(printed.backrefs === 0, `${printed.backrefs} back-links print`);
    check(printed.counts.length > 0 && printed.counts.every(([, n]) => n === 1), `source addresses print ${JSON.stringify(printed.counts)}`);
    await page.pdf({ path: join(config.screenshots, "print.pdf") }).catch(() => {});
    await page.close();
    console.log(`print: markers ${printed.smallest.toFixed(1)}px, each source's address once, no back-links`);
  }

  // 9. Screenshots, light and dark, as test artifacts.
  mkdirSync(config.screenshots, { recursive: true });
  for (const [name, url] of Object.entries(config.shots)) {
    for (const scheme of ["light", "dark"]) {
      for (const width of [320, 390, 1280]) {
        const { page } = await freshPage({ scheme, width });
        await page.goto(url);
        const file = join(config.screenshots, `${name}-${scheme}-${width}.png`);
        await page.screenshot({ path: file, fullPage: false });
        await page.close();
      }
    }
  }
  if (config.references) {
    for (const scheme of ["light", "dark"]) {
      const { page } = await freshPage({ scheme, width: 1280 });
      await page.goto(config.references);
      await page.locator("section.references").screenshot({ path: join(config.screenshots, `references-${scheme}-1280.png`) });
      await page.close();
      const mobile = await freshPage({ on: phone, scheme, width: 390, height: 844 });
      await mobile.page.goto(config.references);
      const marker = mobile.page.locator("sup.cite > a").nth(2);
      await marker.scrollIntoViewIfNeeded();
      await marker.tap();
      await mobile.page.locator(".sb-popover").waitFor({ state: "visible" });
      await mobile.page.screenshot({ path: join(config.screenshots, `popover-${scheme}-390.png`) });
      await mobile.page.close();
    }
  }
  console.log(`screenshots in ${config.screenshots}`);
  console.log("ok");
} catch (e) {
  console.error(String(e && e.stack ? e.stack : e));
  process.exitCode = 1;
} finally {
  await browser.close();
  await phone.close();
}

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
//   "cite": {"url": URL, "id": ID, "expect": TEXT}  the citation a paragraph's Cite gives
//   "passage": {"url": URL, "entry": ID, "mark": TEXT}  a reference entry leads to its marked passage
//   "fragment": {"url": URL, "id": ID}  the exact passage of a paragraph's Cite scrolls to it
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

async function freshPage({ csp = true, width = 1280, height = 900, scheme = "light" } = {}) {
  const page = await browser.newPage();
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
  for (const width of [375, 1280]) {
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

  // 2. Accessibility: axe-core finds no WCAG 2.1 A/AA violations: every
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
        axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
      );
      const found = result.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("\n    ")}`,
      );
      check(found.length === 0, `${url} (${scheme}) has accessibility violations:\n  ${found.join("\n  ")}`);
    }
    await page.close();
    console.log(`axe: no WCAG 2.1 AA violations (${scheme})`);
  }

  // 3. Previews show on hover and on keyboard focus.
  {
    const { page, violations } = await freshPage();
    await page.goto(config.previews);
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

  // 6. The Cite control gives a ready citation.
  if (config.cite) {
    const { page, violations } = await freshPage();
    await page.goto(config.cite.url);
    const para = page.locator(`[id="${config.cite.id}"]`);
    await para.hover();
    await para.locator(".sb-cite-button").click();
    const box = page.locator(".sb-cite-box textarea");
    await box.waitFor({ state: "visible" });
    const text = await box.inputValue();
    check(text === config.cite.expect, `the citation is\n  ${text}\nnot\n  ${config.cite.expect}`);
    check(violations.length === 0, `CSP violations:\n${violations.join("\n")}`);
    await page.close();
    console.log(`cite: ${text}`);
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
    const box = page.locator(".sb-cite-box textarea");
    await box.waitFor({ state: "visible" });
    const text = await box.inputValue();
    const m = text.match(/\(exact passage: (\S+)\)$/);
    check(m, `no exact passage in ${text}`);
    const url = m[1];
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

  // 9. Screenshots, light and dark, as test artifacts.
  mkdirSync(config.screenshots, { recursive: true });
  for (const [name, url] of Object.entries(config.shots)) {
    for (const scheme of ["light", "dark"]) {
      for (const width of [375, 1280]) {
        const { page } = await freshPage({ scheme, width });
        await page.goto(url);
        const file = join(config.screenshots, `${name}-${scheme}-${width}.png`);
        await page.screenshot({ path: file, fullPage: false });
        await page.close();
      }
    }
  }
  console.log(`screenshots in ${config.screenshots}`);
  console.log("ok");
} catch (e) {
  console.error(String(e && e.stack ? e.stack : e));
  process.exitCode = 1;
} finally {
  await browser.close();
}

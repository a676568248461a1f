// Live reload in a real browser: open a page served by `sourcebrief serve`,
// edit its Markdown file, and see the page reload by itself with the new
// text and its scroll position kept; break its front matter and see the
// error overlay, fix it and see the overlay go.
//
//   node live-reload.mjs URL FILE
//
// URL is a page of the served site whose source is FILE (long enough to
// scroll). Prints "ok" and exits 0 on success.

import { readFileSync, writeFileSync } from "node:fs";
import { check, enforceCsp, launch, trackRequests } from "./lib.mjs";

const [url, file] = process.argv.slice(2);
if (!url || !file) {
  console.error("usage: node live-reload.mjs URL FILE");
  process.exit(2);
}
const TIMEOUT = 20_000;

const browser = await launch();
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const violations = await enforceCsp(page);
  const pending = trackRequests(page);
  await page.goto(url).catch((e) => {
    throw new Error(`${e.message}\nrequests not finished:\n${pending().join("\n")}`);
  });
  await page.waitForSelector('html[data-sourcebrief-live="connected"]');

  // A mark that only a reload clears, and a scroll position to keep.
  await page.evaluate(() => {
    window.sourcebriefTestMark = true;
    window.scrollTo(0, 600);
  });
  await page.waitForFunction(() => window.scrollY === 600);

  // 1. An edit reloads the page with the new text.
  const original = readFileSync(file, "utf8");
  const stamp = `Edited live ${Date.now()}.`;
  writeFileSync(file, `${original}\n${stamp}\n`);
  await page.waitForFunction((text) => document.body && document.body.innerText.includes(text), stamp);
  await page.waitForSelector('html[data-sourcebrief-live="connected"]');
  check(await page.evaluate(() => window.sourcebriefTestMark === undefined), "the page was not reloaded");
  await page.waitForFunction(() => Math.abs(window.scrollY - 600) <= 1);

  // 2. A broken front matter shows the overlay, without a reload.
  await page.evaluate(() => {
    window.sourcebriefTestMark = true;
  });
  writeFileSync(file, original.replace(/^\+\+\+\n/, '+++\nunknown_key = "<b>x</b>"\n'));
  const overlay = await page.waitForSelector("#sourcebrief-overlay");
  const text = await overlay.innerText();
  const shown = file.replace(/^.*\/(content\/)/, "$1");
  check(text.includes(`${shown}:2:1`), `the overlay does not name ${shown}:2:1:\n${text}`);
  check(text.includes('unknown_key = "<b>x</b>"'), `the overlay does not show the line as text:\n${text}`);
  check(await page.evaluate(() => window.sourcebriefTestMark === true), "the overlay reloaded the page");
  check(await page.$("#sourcebrief-overlay b") === null, "the overlay rendered markup from the file");
  const position = await overlay.evaluate((el) => getComputedStyle(el).position);
  check(position === "fixed", `the overlay is not styled by overlay.css (position: ${position})`);

  // 3. Fixing it removes the overlay and shows the fixed page.
  const fixed = `Fixed live ${Date.now()}.`;
  writeFileSync(file, `${original}\n${fixed}\n`);
  await page.waitForFunction((t) => document.body && document.body.innerText.includes(t), fixed);
  await page.waitForSelector("#sourcebrief-overlay", { state: "detached" });

  check(violations.length === 0, `Content-Security-Policy violations:\n${violations.join("\n")}`);
  console.log("ok");
} finally {
  await browser.close();
}

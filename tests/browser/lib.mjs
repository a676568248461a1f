// Shared harness for browser tests: Debian's Chromium, driven by
// playwright-core, headless, with a fresh profile that is deleted on close.
//
// Usage:
//   import { launch, check } from "./lib.mjs";
//   const b = await launch();
//   const page = await b.newPage();
//   ...
//   await b.close();

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

/// The Chromium to drive: $CHROMIUM, or Debian's.
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/// The flags every test browser runs with.
export const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

/// The Content-Security-Policy the published site is served with
/// (netlify.toml), for tests that check pages work under it.
export const SITE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
  "font-src 'self'; connect-src 'self'; manifest-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Starts Chromium with a fresh user-data-dir. Returns the browser context
/// and a `close` that also removes the profile. `options` go to
/// playwright's `launchPersistentContext` (`{ hasTouch: true, isMobile:
/// true }` for a phone's touch screen).
export async function launch(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), "sourcebrief-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1000, height: 700 },
    ...options,
  });
  return {
    context,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/// Serves every document of `page` with `csp` as its Content-Security-Policy
/// (other requests, event streams included, pass through untouched), and
/// collects the policy's violations into the returned array.
export async function enforceCsp(page, csp = SITE_CSP) {
  const violations = [];
  await page.route("**/*", async (route) => {
    if (route.request().resourceType() !== "document") {
      return route.continue();
    }
    const response = await route.fetch();
    const headers = { ...response.headers(), "content-security-policy": csp };
    return route.fulfill({ response, headers });
  });
  page.on("console", (msg) => {
    if (msg.text().includes("Content Security Policy")) {
      violations.push(msg.text());
    }
  });
  return violations;
}

/// Fails the test with `message` unless `condition` holds.
export function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

/// Records the requests of `page` that have not finished, for error messages:
/// `pending()` lists their URLs.
export function trackRequests(page) {
  const open = new Map();
  page.on("request", (r) => open.set(r, Date.now()));
  page.on("requestfinished", (r) => open.delete(r));
  page.on("requestfailed", (r) => open.delete(r));
  return () => [...open.entries()].map(([r, t]) => `${r.method()} ${r.url()} (${Date.now() - t} ms)`);
}

/**
 * Real headless Chromium for the report tests: Debian's `chromium` (or CHROMIUM_PATH), driven by
 * playwright-core (no browser download), and a page opener that collects console errors, uncaught
 * exceptions and failed loads.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * One browser for the test file (or describe block) it is called in: launched before its tests,
 * closed after them. Returns a getter, since the browser exists only once beforeAll has run.
 */
export function sharedBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("the browser is not launched yet: call the getter inside a test");
    return browser;
  };
}

export interface PageCheck {
  /** Console errors, uncaught exceptions and failed requests, as text. */
  errors: string[];
  /** The value of `expression` evaluated in the page after load. */
  value: unknown;
}

/** Opens `url` in a new page, waits for load, evaluates `expression` and returns it with any errors seen. */
export async function openPage(browser: Browser, url: string, expression: string): Promise<PageCheck> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "assert") errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`exception: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`log: failed ${r.url()}`));
  try {
    await page.goto(url, { waitUntil: "load" });
    return { errors, value: await page.evaluate(expression) };
  } finally {
    await page.close();
  }
}

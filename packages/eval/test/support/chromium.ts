/**
 * Opens pages in real headless Chromium (Debian's `chromium`, or CHROMIUM_PATH) over the DevTools
 * protocol (chrome-remote-interface), collecting console errors, uncaught exceptions and failed loads.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import CDP from "chrome-remote-interface";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface Browser {
  port: number;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  const profile = mkdtempSync(join(tmpdir(), "rerankit-chromium-"));
  const child: ChildProcess = spawn(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--no-default-browser-check",
      `--user-data-dir=${profile}`,
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      "about:blank",
    ],
    // Its own process group, so that closing ends the helpers (renderer, crashpad) it started too.
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`Chromium did not start in 30 s:\n${seen}`)), 30_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited with ${code}:\n${seen}`));
    });
  });
  return {
    port,
    close: async () => {
      if (child.exitCode === null && child.pid !== undefined) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        process.kill(-child.pid, "SIGTERM");
        await exited;
      }
      // A helper may still be flushing into the profile for a moment after the browser exits.
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

export interface PageCheck {
  /** Console errors, uncaught exceptions and log errors (failed loads), as text. */
  errors: string[];
  /** The value of `expression` evaluated in the page after load. */
  value: unknown;
}

/** Opens `url` in a new tab, waits for load, evaluates `expression` and returns it with any errors seen. */
export async function openPage(browser: Browser, url: string, expression: string): Promise<PageCheck> {
  const target = await CDP.New({ port: browser.port, url: "about:blank" });
  const client = await CDP({ port: browser.port, target });
  const errors: string[] = [];
  try {
    const { Page, Runtime, Log } = client;
    Runtime.consoleAPICalled(({ type, args }) => {
      if (type === "error" || type === "assert") errors.push(`console.${type}: ${args.map((a) => a.value ?? a.description).join(" ")}`);
    });
    Runtime.exceptionThrown(({ exceptionDetails }) =>
      errors.push(`exception: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`),
    );
    Log.entryAdded(({ entry }) => {
      if (entry.level === "error") errors.push(`log: ${entry.text} ${entry.url ?? ""}`);
    });
    await Promise.all([Page.enable(), Runtime.enable(), Log.enable()]);
    const loaded = Page.loadEventFired();
    await Page.navigate({ url });
    await loaded;
    const { result } = await Runtime.evaluate({ expression, returnByValue: true });
    return { errors, value: result.value };
  } finally {
    await client.close();
    await CDP.Close({ port: browser.port, id: target.id });
  }
}

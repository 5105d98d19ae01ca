/**
 * Starts a real `redis-server` (Debian's package) for a test: a free loopback port, a fresh temp
 * directory, no persistence, never the system service. `stop()` ends it (SIGTERM, then SIGKILL)
 * and removes the directory; `kill()` makes it vanish mid-run as a crash would; `freeze()` makes it
 * hang with its connections open (SIGSTOP) until `thaw()`; `restart()` brings
 * it back on the same port (empty, as a restarted cache without persistence is).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RedisServer {
  url: string;
  port: number;
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open and nothing answers, as a hung host. */
  freeze(): void;
  /** Lets a frozen server go on (SIGCONT). */
  thaw(): void;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function launch(port: number, dir: string, extraArgs: readonly string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        "--protected-mode",
        "yes",
        ...extraArgs,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`redis-server did not start within 10 s:\n${output}`));
    }, 10_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`redis-server could not start (is Debian's redis-server installed?): ${error.message}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
}

function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** `extraArgs` go to redis-server after ours, e.g. `["--requirepass", "secret"]`. */
export async function startRedisServer(extraArgs: readonly string[] = []): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), "rerankit-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(port, dir, extraArgs);
  const kill = async () => {
    if (!child) return;
    const c = child;
    child = undefined;
    c.kill("SIGKILL");
    await ended(c);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    freeze() {
      child?.kill("SIGSTOP");
    },
    thaw() {
      child?.kill("SIGCONT");
    },
    async restart() {
      await kill();
      child = await launch(port, dir, extraArgs);
    },
    async stop() {
      if (child) {
        const c = child;
        child = undefined;
        c.kill("SIGCONT"); // a frozen server would not handle SIGTERM
        c.kill("SIGTERM");
        const timer = setTimeout(() => c.kill("SIGKILL"), 3_000);
        await ended(c);
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A loopback origin that accepts no connections, for tests and figures of the client's lifecycle
 * (packages/core/test/lifecycle.test.ts, test/faults/lifecycle-figures.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";

/**
 * A loopback origin that accepts no connections: a listening socket with a backlog of one, in a
 * child process whose event loop is blocked for good, so it never calls accept(). Once two
 * connections fill its accept queue, the kernel drops every further SYN and a connect hangs in
 * SYN_SENT (until undici's 10 s connect timeout, unless the client drops it).
 */
export async function startBlackhole(): Promise<{ port: number; child: ChildProcess; plugs: net.Socket[] }> {
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const s = require("node:net").createServer();
       s.listen({ host: "127.0.0.1", port: 0, backlog: 1 }, () => {
         process.stdout.write(s.address().port + "\\n", () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0));
       });`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const port = await new Promise<number>((resolve) => child.stdout!.once("data", (d) => resolve(Number(String(d).trim()))));
  // Fill the accept queue, so that every later connection attempt hangs.
  const plugs: net.Socket[] = [];
  for (let i = 0; i < 2; i++) {
    const plug = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => plug.once("connect", resolve).once("error", reject));
    plugs.push(plug);
  }
  return { port, child, plugs };
}

/** Our sockets to `port` still in SYN_SENT (a connection attempt the server never answered), from /proc/net/tcp. */
export function pendingConnects(port: number): number {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  let count = 0;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[2]?.endsWith(hex) && f[3] === "02") count++;
    }
  }
  return count;
}

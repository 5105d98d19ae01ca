/** The `rerankit` bin. All logic is in ./cli/main.ts (tested in-process); this wires the process to it. */
import { runCli } from "./cli/main.js";

const shutdown = new AbortController();
process.once("SIGINT", () => shutdown.abort());
process.once("SIGTERM", () => shutdown.abort());

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // A getter, so the stdin stream is only opened when documents are read from it.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  signal: shutdown.signal,
});

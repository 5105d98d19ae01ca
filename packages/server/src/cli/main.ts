/**
 * The `rerankit` dispatcher: finds the command, prints help and the version, and turns every error
 * into one line on stderr and an exit code.
 *
 * Exit codes: 0 success; 1 the command failed (a RerankError, a port in use…); 2 the command line
 * was wrong (unknown command or flag, a missing or blank argument), and bare `rerankit`.
 */
import { readFileSync } from "node:fs";
import type { CliIo, Command } from "./command.js";
import { commands } from "./commands/index.js";
import { HelpRequested, UsageError } from "./flags.js";

export type { CliIo, Command } from "./command.js";
export { commands } from "./commands/index.js";
export { DEFAULT_PORT } from "./commands/serve.js";

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

/** The main help: every registered command with its usage and summary. */
export function mainHelp(list: readonly Command[] = commands): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    "rerankit: rerank documents through any rerank API, or serve a local one.",
    "",
    "Usage:",
    ...list.map((c) => `  ${c.usage}`),
    "  rerankit help <command>      (or rerankit <command> --help)",
    "  rerankit --version",
    "",
    "Commands:",
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
  ].join("\n");
}

/**
 * Runs the `rerankit` command line and resolves its exit code. Errors are printed to stderr as
 * one `Name: message` line (never with an API key in it).
 */
export async function runCli(argv: readonly string[], io: CliIo, list: readonly Command[] = commands): Promise<number> {
  const [first, ...rest] = argv;
  let command: Command | undefined;
  try {
    if (first === undefined) {
      io.stderr.write(mainHelp(list));
      return EXIT_USAGE;
    }
    if (first === "--help" || first === "-h") {
      io.stdout.write(mainHelp(list));
      return 0;
    }
    if (first === "--version" || first === "-v") {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (first === "help") {
      if (rest[0] === undefined) {
        io.stdout.write(mainHelp(list));
        return 0;
      }
      io.stdout.write(find(list, rest[0]).help);
      return 0;
    }
    command = find(list, first);
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof HelpRequested && command !== undefined) {
      io.stdout.write(command.help);
      return 0;
    }
    io.stderr.write(`${errorLine(error)}\n`);
    return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
  }
}

function find(list: readonly Command[], name: string): Command {
  const command = list.find((c) => c.name === name);
  if (command) return command;
  const hint = name.startsWith("-") ? `unknown flag ${name}` : `unknown command ${JSON.stringify(name)}`;
  throw new UsageError(`${hint}; commands: ${list.map((c) => c.name).join(", ")} (see rerankit --help)`);
}

function errorLine(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.replace(/\s*\n\s*/g, " ")}`;
  return `Error: ${String(error)}`;
}

let cachedVersion: string | undefined;

/**
 * The version of @rerankit/server. Read from its package.json, found upwards from this module: one
 * level up from the bundled bin (dist/cli.js), two from the sources (src/cli/main.ts).
 */
export function version(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  for (const up of ["../package.json", "../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "@rerankit/server" && typeof pkg.version === "string") {
        cachedVersion = pkg.version;
        return cachedVersion;
      }
    } catch {
      // not this level
    }
  }
  return "unknown";
}

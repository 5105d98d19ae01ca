/** What every `rerankit` command is: a name, its help and a `run` that resolves an exit code. */
import type { ParseArgsConfig } from "node:util";

/** Where the CLI reads and writes; the bin passes the process's own, tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Read only when a command reads stdin (e.g. `rank` with `-` or no FILE). */
  stdin?: AsyncIterable<string | Buffer> & { isTTY?: boolean };
  /** Environment (API keys, e.g. `RERANKIT_API_KEY` for serve; the preset's variable for rank). */
  env: Record<string, string | undefined>;
  /** Long-running commands (`serve`) run until this aborts; the bin aborts it on SIGINT and SIGTERM. */
  signal?: AbortSignal;
}

/**
 * One `rerankit` command. A new command is one file exporting a `Command`, added to the list in
 * `commands/index.ts`; the dispatcher then lists it in `rerankit --help` and serves
 * `rerankit help <name>` and `rerankit <name> --help` from its `help`.
 */
export interface Command {
  /** The word after `rerankit`. */
  name: string;
  /** One line for the command list in `rerankit --help`. */
  summary: string;
  /** The usage line(s), shown in `rerankit --help` and at the top of `help`. */
  usage: string;
  /** The full help text: usage, what it does, every flag with its default. */
  help: string;
  /**
   * The command's flags, as it passes them to `util.parseArgs`. docs/CLI.md is generated from them
   * and from `help` (`pnpm docs:cli`), and a test fails when a flag is missing from either.
   */
  flags?: NonNullable<ParseArgsConfig["options"]>;
  /**
   * Runs the command with the arguments after its name; resolves the exit code (0 on success).
   * Parse flags with `parseFlags` (flags.ts): it turns `--help` into this command's help, and bad
   * flags into a {@link UsageError} (exit 2). Any other thrown error prints as one line, exit 1.
   */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

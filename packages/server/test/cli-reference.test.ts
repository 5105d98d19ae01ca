/**
 * docs/CLI.md is generated from the CLI (`pnpm docs:cli`); these fail when the two drift: a flag
 * added to a command without regenerating, or a command whose help leaves out one of its flags
 * (or names one it does not accept).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Command } from "../src/cli/command.js";
import { commands } from "../src/cli/commands/index.js";
import { flagsInHelp, helpDrift, renderCliReference } from "../src/cli/reference.js";

const committed = readFileSync(new URL("../../../docs/CLI.md", import.meta.url), "utf8");

describe("docs/CLI.md", () => {
  it("is what `pnpm docs:cli` renders from the commands today (regenerate it after changing a command)", () => {
    expect(committed).toBe(renderCliReference(commands));
  });

  it("lists every flag of every command in its flag table", () => {
    for (const command of commands) {
      expect(command.flags, `${command.name} has a flag table`).toBeDefined();
      for (const flag of Object.keys(command.flags ?? {})) {
        expect(committed, `rerankit ${command.name} --${flag}`).toContain(`\`--${flag}\` |`);
      }
    }
  });
});

describe.each(commands.map((c) => [c.name, c] as const))("rerankit %s --help", (_name, command) => {
  it("mentions every flag the command accepts, and no flag it does not", () => {
    expect(helpDrift(command)).toEqual({ undocumented: [], unknown: [] });
  });
});

describe("the drift checks", () => {
  const command: Command = {
    name: "demo",
    summary: "a command",
    usage: "rerankit demo [--port N]",
    help: "Usage: rerankit demo [--port N]\n  --port N  the port\n  --gone    a flag that was removed\n  -h, --help\n",
    flags: { port: { type: "string" }, "new-flag": { type: "boolean" }, help: { type: "boolean", short: "h" } },
    run: async () => 0,
  };

  it("finds flags in a help text, not words with dashes", () => {
    expect([...flagsInHelp("use --port N, not pre--fix or -p; (--api-key K) and --max-body-bytes")]).toEqual([
      "port",
      "api-key",
      "max-body-bytes",
    ]);
  });

  it("names a flag missing from the help, and a flag the help names that is not accepted", () => {
    expect(helpDrift(command)).toEqual({ undocumented: ["new-flag"], unknown: ["gone"] });
  });

  it("renders a new flag, so a stale docs/CLI.md fails the comparison", () => {
    const rendered = renderCliReference([command]);
    expect(rendered).toContain("| `--new-flag` | none (a switch) | no |");
    expect(rendered).toContain("| `-h`, `--help` | none (a switch) | no |");
    expect(rendered).not.toBe(renderCliReference([{ ...command, flags: { port: { type: "string" } } }]));
  });
});

/**
 * Flag parsing shared by the commands, on Node's `util.parseArgs`, and the wording of errors for
 * the command line: flags, never API option names.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { RerankInputError } from "@rerankit/core";

/** A command line the CLI cannot run: a wrong or missing flag, a missing argument, an unreadable input. Exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Thrown by {@link parseFlags} for `-h`/`--help`: the dispatcher prints the command's help. */
export class HelpRequested extends Error {
  override readonly name = "HelpRequested";
}

/** Flag definitions, as `util.parseArgs` takes them. */
export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;
/** What {@link parseFlags} returns for `F`: typed `values` and the `positionals`. */
export type ParsedFlags<F extends FlagSpec> = ReturnType<
  typeof parseArgs<{ args: string[]; options: F; allowPositionals: true; strict: true }>
>;

/**
 * Parses `args` strictly against `flags` (plus `-h, --help`), positionals allowed. Unknown flags and
 * flags missing their value become one-line {@link UsageError}s naming the flag.
 */
export function parseFlags<const F extends FlagSpec>(command: string, args: readonly string[], flags: F): ParsedFlags<F> {
  let parsed: ParsedFlags<F>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...flags, help: { type: "boolean", short: "h" } } as F,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageErrorOf(command, error);
  }
  if ((parsed.values as { help?: boolean }).help) throw new HelpRequested(command);
  return parsed;
}

/** parseArgs' own messages are long and aimed at programmers; these name the flag and the fix. */
function usageErrorOf(command: string, error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'(-[^']*)'/.exec(message)?.[1]?.split(", ").at(-1)?.split(" ")[0];
  const see = `see rerankit ${command} --help`;
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return new UsageError(`unknown flag ${flag ?? message} for ${command}; ${see}`);
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (message.includes("argument missing")) return new UsageError(`${flag ?? "a flag"} needs a value; ${see}`);
      if (message.includes("ambiguous")) {
        return new UsageError(
          `${flag} needs a value, and the next word starts with "-"; write ${flag}=VALUE for a value that does; ${see}`,
        );
      }
      if (message.includes("does not take an argument")) return new UsageError(`${flag ?? "a flag"} takes no value; ${see}`);
      return new UsageError(`${message.replace(/\s*\n\s*/g, " ")}; ${see}`);
    default:
      return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS") ? new UsageError(`${message}; ${see}`) : error;
  }
}

/** An integer flag in `min..max`, or undefined when the flag was not given. */
export function integerFlag(value: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new UsageError(
      `${flag} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`}, not ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** A finite number flag (negative allowed: logit scores are), or undefined when not given. */
export function numberFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, not ${JSON.stringify(value)}`);
  return n;
}

/** A flag that must not be blank (an empty or whitespace-only value would silently change the result). */
export function requiredText(value: string | undefined, flag: string, what: string): string {
  if (value === undefined) throw new UsageError(`${flag} is required (${what})`);
  if (value.trim() === "") throw new UsageError(`${flag} is blank; give ${what}`);
  return value;
}

/**
 * The flag that sets each API option a `RerankInputError` can name in its `field`, and the API
 * wording core's messages use, rewritten as the command line spells it. Phrases before single
 * words, so `allowInsecureHttp: true` becomes `--allow-insecure-http` and not `--allow-insecure-http: true`.
 */
const FIELD_FLAGS: Record<string, string> = {
  query: "--query",
  documents: "FILE",
  model: "--model",
  apiKey: "--api-key",
  baseURL: "--base-url",
  topN: "--top-n",
  minScore: "--min-score",
  instruct: "--instruct",
  instructMode: "--instruct-mode",
  extraBody: "--extra-body",
  timeoutMs: "--timeout",
  maxRetries: "--max-retries",
  provider: "--provider",
};
const API_WORDING: [RegExp, string][] = [
  [/\bset allowInsecureHttp: true\b/g, "pass --allow-insecure-http"],
  [/\ballowInsecureHttp(: true)?/g, "--allow-insecure-http"],
  [/\bset instructMode: "prefix"/g, "pass --instruct-mode prefix"],
  [/\binstructMode: "(\w+)"/g, "--instruct-mode $1"],
  [/\binstructMode\b/g, "--instruct-mode"],
  [/\bpass apiKey\b/g, "pass --api-key"],
  [/\bpass baseURL\b/g, "pass --base-url"],
  [/\bpass model\b/g, "pass --model"],
  [/\bbaseURL(\[\d+\])?/g, "--base-url"],
  [/\bapiKey\b/g, "--api-key"],
  [/\btopN\b/g, "--top-n"],
  [/\bminScore\b/g, "--min-score"],
  [/\btimeoutMs\b/g, "--timeout"],
  [/\bmaxRetries\b/g, "--max-retries"],
  [/\bextraBody\b/g, "--extra-body"],
  [/\bprepend instruct\b/g, "prepend --instruct"],
  [/\bleave instruct unset\b/g, "leave out --instruct"],
];

/** The flag that set a `RerankInputError`'s field (`baseURL[1]` → `--base-url`), when there is one. */
export function flagOfField(field: string): string | undefined {
  return FIELD_FLAGS[field.replace(/\[\d+\]$/, "")];
}

/** Rewrites a `RerankInputError` from core in the command line's words, naming the flag first. */
export function inputErrorForCli(error: RerankInputError): RerankInputError {
  let message = error.message;
  for (const [pattern, replacement] of API_WORDING) message = message.replace(pattern, replacement);
  const flag = flagOfField(error.field);
  if (flag !== undefined && !message.startsWith(flag)) message = `${flag}: ${message}`;
  return new RerankInputError(message, { field: error.field, provider: error.provider });
}

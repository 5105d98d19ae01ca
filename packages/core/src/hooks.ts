/**
 * Hooks: combining several sets, guarding the call against a hook that throws, and the
 * `DEBUG=rerankit` logger (itself a hook set).
 */
import { runtimeEnv } from "./internal/env.js";
import type { RerankCallInfo, RerankHooks } from "./types.js";

type HookName = keyof RerankHooks;
const HOOK_NAMES: readonly HookName[] = ["onCallStart", "onRequest", "onResponse", "onRetry", "onResult", "onError", "onWarning"];

/**
 * One hook set that calls every given set in order (undefined entries are skipped). Every hook
 * runs even if an earlier one throws; the first error is rethrown afterwards (the client reports
 * it through `onWarning` and carries on).
 *
 * @example new RerankClient({ provider: "cohere", hooks: combineHooks(tracing, metrics) })
 */
export function combineHooks(...sets: (RerankHooks | undefined)[]): RerankHooks {
  const combined: Record<string, (event: never) => void> = {};
  for (const name of HOOK_NAMES) {
    const fns: ((event: never) => void)[] = [];
    for (const set of sets) {
      const fn = set?.[name];
      if (typeof fn === "function") fns.push(fn.bind(set) as (event: never) => void);
    }
    if (fns.length === 1) combined[name] = fns[0]!;
    else if (fns.length > 1) {
      combined[name] = (event) => {
        let first: { error: unknown } | undefined;
        for (const fn of fns) {
          try {
            fn(event);
          } catch (error) {
            first ??= { error };
          }
        }
        if (first) throw first.error;
      };
    }
  }
  return combined as RerankHooks;
}

type OnWarning = NonNullable<RerankHooks["onWarning"]>;

/** Tells `event` to each `onWarning` given (undefined entries skipped): one that throws never breaks the call, nor stops the next. */
export function tellWarning(event: Parameters<OnWarning>[0], ...listeners: (OnWarning | undefined)[]): void {
  for (const onWarning of listeners) {
    try {
      onWarning?.(event);
    } catch {
      // A hook that throws never breaks the call.
    }
  }
}

/**
 * Wraps a hook set so that a throwing hook never breaks the call: the first throw of each hook is
 * reported through `onWarning` (or `warn`, e.g. the debug log, when `onWarning` is the one that
 * threw or is missing); later throws of the same hook are dropped. Only the hooks present are
 * defined, so `hooks.onRequest === undefined` still tells the hot path to build no event.
 * Returns undefined for no hooks at all.
 */
export function guardHooks(hooks: RerankHooks | undefined, warn?: (message: string) => void): RerankHooks | undefined {
  if (hooks === undefined) return undefined;
  const guarded: Record<string, (event: never) => void> = {};
  let any = false;
  for (const name of HOOK_NAMES) {
    const fn = hooks[name];
    if (typeof fn !== "function") continue;
    any = true;
    let reported = false;
    guarded[name] = (event: never) => {
      try {
        (fn as (event: never) => void).call(hooks, event);
      } catch (error) {
        if (reported) return;
        reported = true;
        const message = `rerankit: the ${name} hook threw (${error instanceof Error ? error.message : String(error)}); the call goes on, and later throws of this hook are not reported`;
        const call = (event as { call?: RerankCallInfo } | undefined)?.call;
        if (name !== "onWarning" && typeof hooks.onWarning === "function") {
          try {
            hooks.onWarning.call(hooks, { call, message, error });
            return;
          } catch {
            // fall through to `warn`
          }
        }
        warn?.(message);
      }
    };
  }
  return any ? (guarded as RerankHooks) : undefined;
}

/**
 * Whether `DEBUG` enables `namespace`, by the `debug` package's rules: names separated by commas
 * or spaces, `*` matches anything, a leading `-` excludes. Read by hand rather than through the
 * `debug` package: that package is CommonJS-only and brings its own global state and color
 * detection, for one fixed namespace this needs a dozen lines.
 */
export function debugEnabled(namespace: string, pattern: string | undefined): boolean {
  if (!pattern) return false;
  let enabled = false;
  for (const part of pattern.split(/[\s,]+/)) {
    if (part === "") continue;
    const negated = part.startsWith("-");
    const body = negated ? part.slice(1) : part;
    const re = new RegExp(`^${body.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*?")}$`);
    if (re.test(namespace)) {
      if (negated) return false;
      enabled = true;
    }
  }
  return enabled;
}

/**
 * The `DEBUG=rerankit` logger: one stderr line per request, response, retry, result and error.
 * Events carry no document text and the URL is already redacted; error messages are scrubbed of
 * the key where they are built.
 */
export function debugHooks(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): RerankHooks {
  const log = (call: RerankCallInfo | undefined, text: string) => write(`rerankit ${call ? `${call.id} ` : ""}${text}`);
  return {
    onCallStart: ({ call }) =>
      log(
        call,
        `start ${call.provider} model=${call.model} documents=${call.documents}${call.topN === undefined ? "" : ` topN=${call.topN}`}`,
      ),
    onRequest: ({ call, attempt, batch, url, documents }) =>
      log(call, `request batch=${batch} attempt=${attempt} POST ${url} documents=${documents}`),
    onResponse: ({ call, attempt, batch, status, durationMs, requestId }) =>
      log(
        call,
        `response batch=${batch} attempt=${attempt} status=${status} ${durationMs.toFixed(1)}ms${requestId ? ` requestId=${requestId}` : ""}`,
      ),
    onRetry: ({ call, attempt, batch, delayMs, error }) =>
      log(call, `retry batch=${batch} after attempt=${attempt} in ${Math.round(delayMs)}ms: ${error.name}: ${error.message}`),
    onResult: ({ call, response, durationMs }) =>
      log(call, `result ${response.results.length} results, ${response.usage.requests} requests, ${durationMs.toFixed(1)}ms`),
    onError: ({ call, error, durationMs }) =>
      log(call, `error after ${durationMs.toFixed(1)}ms: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`),
    onWarning: ({ call, message }) => log(call, `warning: ${message}`),
  };
}

/** The hooks a client runs: the caller's, plus the debug logger when `DEBUG` names rerankit; guarded. */
export function resolveHooks(
  hooks: RerankHooks | undefined,
  env: Record<string, string | undefined> = runtimeEnv(),
): RerankHooks | undefined {
  const debug = debugEnabled("rerankit", env.DEBUG) ? debugHooks() : undefined;
  const all = debug ? combineHooks(hooks, debug) : hooks;
  return guardHooks(all, debug ? (message) => process.stderr.write(`rerankit warning: ${message}\n`) : undefined);
}

/** The process environment where there is one (Node, Bun, Deno); none in an edge runtime or a browser. */
export function runtimeEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

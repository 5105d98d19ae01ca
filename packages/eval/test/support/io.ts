/** An in-memory stdout/stderr and the given env for runEvalCommand, so tests read what the command printed. */
export function capture(isTTY = false, env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t), isTTY, columns: 100 },
      env,
    },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

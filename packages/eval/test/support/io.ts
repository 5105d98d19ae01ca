/** An in-memory stdout/stderr/env for runEvalCommand, so tests read what the command printed. */
export function capture(isTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t), isTTY, columns: 100 },
      env: {} as Record<string, string | undefined>,
    },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

import type { ChildProcess } from "node:child_process";

/** The URL a spawned `rerankit serve` prints once it listens; rejects if it exits first. */
export function listening(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on("exit", (code) => reject(new Error(`serve exited early with ${code}`)));
  });
}

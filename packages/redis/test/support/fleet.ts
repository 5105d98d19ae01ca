/** Starts worker processes (worker.ts) and collects what each reports. */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface WorkerReport {
  outcomes: { ok: boolean; error?: string; cacheHits?: number; requests: number; top?: number[] }[];
  warnings: string[];
  dispatched: number[];
}

export function runWorker(task: Record<string, unknown>): Promise<WorkerReport> {
  const child = fork(fileURLToPath(new URL("./worker.ts", import.meta.url)), [JSON.stringify(task)], {
    execArgv: ["--conditions=@rerankit/source", "--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    let report: WorkerReport | undefined;
    child.once("message", (message) => {
      report = message as WorkerReport;
    });
    child.once("error", reject);
    child.once("exit", (code) => (report ? resolve(report) : reject(new Error(`worker exited with ${code} before reporting`))));
  });
}

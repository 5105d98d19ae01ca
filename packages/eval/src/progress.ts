/** A progress bar on stderr (cli-progress), with ETA; nothing at all when stderr is not a terminal. */
import cliProgress from "cli-progress";
import type { DownloadProgress } from "./datasets.js";
import type { EvalProgress } from "./evaluate.js";
import { safeText } from "./quote.js";

/** A writable stream as the CLI sees it. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Returns an `onProgress` callback that draws one bar per system, and a `stop` to call at the end. */
export function progressBar(stream: ProgressStream): { onProgress: (p: EvalProgress) => void; stop: () => void } {
  if (!stream.isTTY) return { onProgress: () => {}, stop: () => {} };
  let bar: cliProgress.SingleBar | undefined;
  let current: string | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    onProgress: ({ system, done, total }) => {
      if (system !== current) {
        stop();
        current = system;
        bar = new cliProgress.SingleBar(
          {
            stream: stream as unknown as NodeJS.WritableStream,
            // Escaped (a name from input must not drive the terminal), braces dropped (cli-progress placeholders).
            format: `${safeText(system).replace(/[{}]/g, "").padEnd(24).slice(0, 24)} [{bar}] {value}/{total} queries | {eta_formatted} left`,
            etaBuffer: 50,
            hideCursor: false,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
      }
      bar?.update(done);
    },
    stop,
  };
}

/** A byte progress bar for a dataset download on stderr; nothing when stderr is not a terminal. */
export function downloadBar(stream: ProgressStream): { onProgress: (p: DownloadProgress) => void; stop: () => void } {
  if (!stream.isTTY) return { onProgress: () => {}, stop: () => {} };
  let bar: cliProgress.SingleBar | undefined;
  const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);
  return {
    onProgress: ({ received, total }) => {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            stream: stream as unknown as NodeJS.WritableStream,
            format:
              total === undefined ? "download {mb} MB" : "download [{bar}] {percentage}% | {mb} of {totalMb} MB | {eta_formatted} left",
            hideCursor: false,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total ?? 0, 0, { mb: "0.0", totalMb: total === undefined ? "?" : mb(total) });
      }
      bar.update(received, { mb: mb(received) });
    },
    stop: () => {
      bar?.stop();
      bar = undefined;
    },
  };
}

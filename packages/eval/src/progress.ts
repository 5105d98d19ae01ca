/** A progress bar on stderr (cli-progress), with ETA; nothing at all when stderr is not a terminal. */
import cliProgress from "cli-progress";
import type { EvalProgress } from "./evaluate.js";

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
            format: `${system.padEnd(24).slice(0, 24)} [{bar}] {value}/{total} queries | {eta_formatted} left`,
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

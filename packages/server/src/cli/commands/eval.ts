/** `rerankit eval`: ranking quality on a BEIR collection or a TREC run. All logic is in @rerankit/eval. */
import { EVAL_FLAGS, EVAL_HELP, type EvalCommandIo, runEvalCommand } from "@rerankit/eval";
import type { CliIo, Command } from "../command.js";
import { inputErrorForCli } from "../flags.js";

export const evalCommand: Command = {
  name: "eval",
  summary: "measure ranking quality: BM25 first stage, rerankers, trec_eval metrics, significance, cost",
  usage: "rerankit eval --collection DIR | --dataset beir/NAME [--rerank SPEC]... [options]",
  help: EVAL_HELP,
  flags: EVAL_FLAGS,
  run: (args: readonly string[], io: CliIo) =>
    runEvalCommand(args, {
      stdout: io.stdout,
      // The bin passes process.stderr, whose isTTY turns the progress bar on.
      stderr: io.stderr as EvalCommandIo["stderr"],
      env: io.env,
      // Core's words rewritten as flags (`apiKey` → `--api-key`), exactly as `rank` says them.
      cliError: inputErrorForCli,
      ...(io.signal ? { signal: io.signal } : {}),
    }),
};

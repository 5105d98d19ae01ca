/** A tiny bin over runEvalCommand, for tests that spawn a real process (and for trying the command by hand). */
import { runEvalCommand } from "../../src/cli.js";

process.exitCode = await runEvalCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });

import type { Command } from "../command.js";
import { rank } from "./rank.js";
import { serve } from "./serve.js";

/** Every `rerankit` command, in the order `rerankit --help` lists them. A new command is one file and one entry here. */
export const commands: readonly Command[] = [serve, rank];

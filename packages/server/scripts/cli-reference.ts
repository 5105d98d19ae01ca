/** `pnpm docs:cli`: writes docs/CLI.md from the commands' help texts and flag tables. */
import { writeFileSync } from "node:fs";
import { commands } from "../src/cli/commands/index.js";
import { renderCliReference } from "../src/cli/reference.js";

const target = new URL("../../../docs/CLI.md", import.meta.url);
writeFileSync(target, renderCliReference(commands));
console.log(`wrote ${target.pathname}`);

import { register } from "node:module";
register("./block-undici.mjs", import.meta.url);

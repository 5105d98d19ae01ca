/**
 * Where downloaded models live, and what to say when the Hub cannot be reached. transformers.js
 * keeps its downloads in `.cache` inside its own installed package by default, so every reinstall
 * (or a second project) downloads them again; ours is a per-user cache folder instead.
 */
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The folder models downloaded from the Hugging Face Hub are kept in, unless a reranker's
 * `cacheDir` says otherwise: `RERANKIT_MODELS_DIR` when set; else `rerankit/models` in the user's
 * cache folder (`$XDG_CACHE_HOME`, else `~/.cache`; `%LOCALAPPDATA%` on Windows). It survives
 * reinstalls and is shared by every project of the user.
 */
export function defaultModelCacheDir(
  env: Record<string, string | undefined> = process.env,
  home: string = homedir(),
  platform: NodeJS.Platform = process.platform,
): string {
  const explicit = env.RERANKIT_MODELS_DIR?.trim();
  if (explicit) return explicit;
  const xdg = env.XDG_CACHE_HOME?.trim();
  if (xdg) return join(xdg, "rerankit", "models");
  const local = env.LOCALAPPDATA?.trim();
  if (platform === "win32" && local) return join(local, "rerankit", "models");
  return join(home, ".cache", "rerankit", "models");
}

/** Error codes of a connection that never got a reply: no route, no DNS, refused, reset, timed out. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/**
 * Whether `error` is a download that never reached the Hub: fetch's `TypeError: fetch failed`, or
 * any error whose `code` (on it or along its `cause` chain) is a network one.
 */
export function isUnreachable(error: unknown): boolean {
  for (let e = error, depth = 0; e !== null && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, message, code } = e as { name?: unknown; message?: unknown; code?: unknown };
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    if (name === "TypeError" && message === "fetch failed") return true;
  }
  return false;
}

/** The message for a Hub id whose download could not start: what failed, and the offline way. */
export function unreachableHubMessage(who: string, model: string, cacheDir: string | undefined, detail: string): string {
  return (
    `${who}: model "${model}" could not be downloaded from the Hugging Face Hub: ${detail}. ` +
    `Check the network (or HTTPS_PROXY), or use a local copy: download the model's folder once (e.g. ` +
    `git clone https://huggingface.co/${model}) and pass that folder as the model, with localOnly ` +
    `(rerankit serve --model ./folder --local-only)` +
    (cacheDir ? `; or place it in the cache as "${join(cacheDir, model)}".` : ".")
  );
}

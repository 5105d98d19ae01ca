/**
 * Named datasets: `beir/<name>` fetched once from BEIR's publisher (TU Darmstadt's UKP Lab) into
 * `RERANKIT_DATA_DIR/beir/<name>/`, checked against the md5 BEIR publishes, unpacked in the BEIR
 * layout (corpus.jsonl, queries.jsonl, qrels/<split>.tsv) and read from there offline ever after.
 */
import { createHash } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, writeSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join, normalize, sep } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Unzip, UnzipInflate, UnzipPassThrough } from "fflate";
import { quote } from "./quote.js";

/**
 * The public BEIR datasets: name → md5 of the zip, as published in the BEIR README
 * (github.com/beir-cellar/beir, "Available Datasets"). The four that BEIR cannot redistribute
 * (bioasq, signal1m, trec-news, robust04) are not here.
 */
export const BEIR_DATASETS: Readonly<Record<string, string>> = Object.freeze({
  msmarco: "444067daf65d982533ea17ebd59501e4",
  "trec-covid": "ce62140cb23feb9becf6270d0d1fe6d1",
  nfcorpus: "a89dba18a62ef92f7d323ec890a0d38d",
  nq: "d4d3d2e48787a744b6f6e691ff534307",
  hotpotqa: "f412724f78b0d91183a0e86805e16114",
  fiqa: "17918ed23cd04fb15047f73e6c3bd9d9",
  arguana: "8ad3e3c2a5867cdced806d6503f29b99",
  "webis-touche2020": "46f650ba5a527fc69e0a6521c5a23563",
  cqadupstack: "4e41456d7df8ee7760a7f866133bda78",
  quora: "18fb154900ba42a600f84b839c173167",
  "dbpedia-entity": "c2a39eb420a3164af735795df012ac2c",
  scidocs: "38121350fc3a4d2f48850f6aff52e4a9",
  fever: "5a818580227bfb4b35bb6fa46d9b6c03",
  "climate-fever": "8b66f0a9126c521bae2bde127b4dc99d",
  scifact: "5f7d1de60b170fc8027bb7898e2efca1",
});

/** Where BEIR's zips are published: `<base>/<name>.zip`. */
export const BEIR_BASE_URL = "https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets";

/** A dataset that cannot be had: unknown name, no network, a bad download. The message is one line. */
export class DatasetError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatasetError";
  }
}

/**
 * The per-user data folder: `RERANKIT_DATA_DIR`, else the platform's cache folder + `rerankit`
 * (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on
 * Windows). Written by hand: env-paths, the usual library, is ESM-only and this package also
 * ships CommonJS.
 */
export function dataDir(env: Record<string, string | undefined> = process.env, platform: string = process.platform): string {
  if (env.RERANKIT_DATA_DIR) return env.RERANKIT_DATA_DIR;
  const home = env.HOME || env.USERPROFILE || homedir();
  if (platform === "darwin") return join(home, "Library", "Caches", "rerankit");
  if (platform === "win32") return join(env.LOCALAPPDATA || join(home, "AppData", "Local"), "rerankit", "Cache");
  return join(env.XDG_CACHE_HOME || join(home, ".cache"), "rerankit");
}

/** Download progress, in bytes (`total` is undefined when the server sends no length). */
export interface DownloadProgress {
  received: number;
  total: number | undefined;
}

/** Options of {@link ensureBeirDataset}. */
export interface EnsureDatasetOptions {
  /** The data folder. @default dataDir(env) */
  dataDir?: string;
  /** Where the zips are fetched from. @default env.RERANKIT_BEIR_BASE_URL, else {@link BEIR_BASE_URL} */
  baseURL?: string;
  /** Environment read for `RERANKIT_DATA_DIR` and `RERANKIT_BEIR_BASE_URL`. @default process.env */
  env?: Record<string, string | undefined>;
  /** Dataset name → expected md5 of its zip. @default BEIR_DATASETS */
  checksums?: Readonly<Record<string, string>>;
  /** Called as the zip arrives. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Called once when a download starts (not when the dataset is already there). */
  onDownload?: (info: { name: string; url: string; folder: string; total: number | undefined }) => void;
  signal?: AbortSignal;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** Whether `folder` holds a BEIR collection (queries and qrels, and a corpus). */
function isCollection(folder: string): boolean {
  return (
    existsSync(join(folder, "queries.jsonl")) &&
    existsSync(join(folder, "qrels")) &&
    (existsSync(join(folder, "corpus.jsonl")) || existsSync(join(folder, "corpus.jsonl.gz")))
  );
}

/** Parses `beir/<name>`; a `DatasetError` for anything else. */
export function parseDatasetName(spec: string, checksums: Readonly<Record<string, string>> = BEIR_DATASETS): string {
  const match = /^beir\/([a-z0-9-]+)$/.exec(spec.trim());
  if (!match || !Object.hasOwn(checksums, match[1]!)) {
    throw new DatasetError(`unknown dataset ${quote(spec)}: expected beir/<name> with a name among ${Object.keys(checksums).join(", ")}`);
  }
  return match[1]!;
}

/**
 * Makes sure `beir/<name>` is in the data folder and returns its folder. Already there: no network
 * at all. Missing: downloads `<baseURL>/<name>.zip` (streamed to disk, md5 checked before anything
 * is unpacked), unpacks it to a temporary folder and moves that into place, so a folder that exists
 * is always complete. Any failure is one {@link DatasetError} line naming the folder to fill and the URL.
 */
export async function ensureBeirDataset(spec: string, options: EnsureDatasetOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const checksums = options.checksums ?? BEIR_DATASETS;
  const name = parseDatasetName(spec, checksums);
  const root = join(options.dataDir ?? dataDir(env), "beir");
  const folder = join(root, name);
  if (isCollection(folder)) return folder;

  const base = (options.baseURL ?? env.RERANKIT_BEIR_BASE_URL ?? BEIR_BASE_URL).replace(/\/+$/, "");
  const url = `${base}/${name}.zip`;
  const fill = `put BEIR's ${name} folder (corpus.jsonl, queries.jsonl, qrels/) at ${folder}, from ${url}`;
  await mkdir(root, { recursive: true });
  const zipFile = join(root, `${name}.zip.part`);
  const tmp = join(root, `.${name}.unpacking`);
  try {
    const doFetch = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await doFetch(url, options.signal ? { signal: options.signal } : {});
    } catch (error) {
      throw new DatasetError(`beir/${name} is not in ${folder} and cannot be downloaded (${describe(error)}): ${fill}`, {
        cause: error,
      });
    }
    if (!response.ok || !response.body) {
      throw new DatasetError(`beir/${name} is not in ${folder} and the download answered HTTP ${response.status}: ${fill}`);
    }
    const length = Number(response.headers.get("content-length"));
    const total = Number.isFinite(length) && length > 0 ? length : undefined;
    options.onDownload?.({ name, url, folder, total });
    const md5 = createHash("md5");
    let received = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        received += chunk.length;
        options.onProgress?.({ received, total });
        done(null, chunk);
      },
    });
    const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
    try {
      await pipeline(body, count, createWriteStream(zipFile));
    } catch (error) {
      throw new DatasetError(`the download of beir/${name} broke off (${describe(error)}): ${fill}`, { cause: error });
    }
    const digest = md5.digest("hex");
    if (digest !== checksums[name]) {
      throw new DatasetError(`the download of beir/${name} has md5 ${digest}, expected ${checksums[name]}: refused. ${fill}`);
    }
    await rm(tmp, { recursive: true, force: true });
    await unzipTo(zipFile, tmp);
    // BEIR's zips hold one top folder (scifact/…): that folder becomes beir/<name>.
    const inner = isCollection(join(tmp, name)) ? join(tmp, name) : tmp;
    if (!isCollection(inner)) throw new DatasetError(`the zip of beir/${name} holds no BEIR collection: ${fill}`);
    await rm(folder, { recursive: true, force: true });
    await rename(inner, folder);
    return folder;
  } finally {
    await rm(zipFile, { force: true });
    await rm(tmp, { recursive: true, force: true });
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Unpacks `zipFile` into `dir` as a stream (fflate): entries are written as they inflate, so a
 * large zip never sits in memory. An entry that would land outside `dir` (zip slip) is refused.
 */
async function unzipTo(zipFile: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const root = normalize(dir + sep);
  let failure: Error | undefined;
  const unzip = new Unzip((entry) => {
    const target = normalize(join(dir, entry.name));
    if (!target.startsWith(root) || entry.name.includes("\0")) {
      failure ??= new DatasetError(`the zip holds an entry outside its folder: ${quote(entry.name)}`);
      return;
    }
    if (entry.name.endsWith("/")) {
      mkdirSync(target, { recursive: true });
      return;
    }
    mkdirSync(join(target, ".."), { recursive: true });
    const fd = openSync(target, "w");
    entry.ondata = (error, data, final) => {
      if (error) {
        failure ??= new DatasetError(`the zip is damaged (${error.message})`);
        closeSync(fd);
        return;
      }
      writeSync(fd, data);
      if (final) closeSync(fd);
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  for await (const chunk of createReadStream(zipFile) as AsyncIterable<Buffer>) {
    unzip.push(chunk);
    if (failure) throw failure;
  }
  unzip.push(new Uint8Array(0), true);
  if (failure) throw failure;
}

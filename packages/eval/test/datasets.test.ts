/**
 * Named datasets (`--dataset beir/<name>`), against a real HTTP server on 127.0.0.1 serving a small
 * BEIR-layout zip made here: downloaded once, md5-checked, unpacked, then read with no network; a
 * bad checksum, a zip slip, a missing dataset with no network are each one clear line. Nothing
 * reaches the internet.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import {
  BEIR_BASE_URL,
  BEIR_DATASETS,
  DatasetError,
  dataDir,
  type DownloadProgress,
  ensureBeirDataset,
  runEvalCommand,
} from "../src/index.js";
import { fixtureDocs, fixtureQrels, fixtureQueries } from "./support/fixture.js";
import { capture } from "./support/io.js";

/** A BEIR zip as the publisher lays it out: one top folder named after the dataset. */
function beirZip(name: string, extra: Record<string, Uint8Array> = {}): Uint8Array {
  return zipSync({
    [`${name}/corpus.jsonl`]: strToU8(`${fixtureDocs.map((d) => JSON.stringify(d)).join("\n")}\n`),
    [`${name}/queries.jsonl`]: strToU8(`${fixtureQueries.map((q) => JSON.stringify(q)).join("\n")}\n`),
    [`${name}/qrels/test.tsv`]: strToU8(`query-id\tcorpus-id\tscore\r\n${fixtureQrels.map((r) => r.join("\t")).join("\r\n")}\r\n`),
    ...extra,
  });
}

const md5 = (data: Uint8Array) => createHash("md5").update(data).digest("hex");

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** Serves `files` (path → bytes); counts requests per path. */
async function serve(files: Record<string, Uint8Array>): Promise<{ base: string; hits: Map<string, number> }> {
  const hits = new Map<string, number>();
  server = createServer((req, res) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
    const body = files[req.url!];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/zip", "content-length": body.length });
    // Two writes: the client sees the body arrive in parts.
    res.write(body.subarray(0, body.length >> 1));
    res.end(body.subarray(body.length >> 1));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/datasets`, hits };
}

/** A base URL on which nothing listens: a port just closed. */
async function deadBase(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return `http://127.0.0.1:${port}/datasets`;
}

describe("named datasets", () => {
  it("knows the published BEIR zips and their md5", () => {
    expect(BEIR_BASE_URL).toBe("https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets");
    expect(BEIR_DATASETS.scifact).toBe("5f7d1de60b170fc8027bb7898e2efca1");
    expect(BEIR_DATASETS.nfcorpus).toBe("a89dba18a62ef92f7d323ec890a0d38d");
  });

  it("puts the data in RERANKIT_DATA_DIR, else the per-user cache folder", () => {
    expect(dataDir({ RERANKIT_DATA_DIR: "/data/x", HOME: "/home/u" }, "linux")).toBe("/data/x");
    expect(dataDir({ HOME: "/home/u" }, "linux")).toBe("/home/u/.cache/rerankit");
    expect(dataDir({ HOME: "/home/u", XDG_CACHE_HOME: "/xdg" }, "linux")).toBe("/xdg/rerankit");
    expect(dataDir({ HOME: "/Users/u" }, "darwin")).toBe("/Users/u/Library/Caches/rerankit");
  });

  it("downloads once, checks the md5, unpacks the BEIR layout, then works offline", async () => {
    const zip = beirZip("tiny");
    const { base, hits } = await serve({ "/datasets/tiny.zip": zip });
    const root = mkdtempSync(join(tmpdir(), "rerankit-data-"));
    const progress: DownloadProgress[] = [];
    const folder = await ensureBeirDataset("beir/tiny", {
      dataDir: root,
      baseURL: base,
      checksums: { tiny: md5(zip) },
      onProgress: (p) => progress.push({ ...p }),
    });
    expect(folder).toBe(join(root, "beir", "tiny"));
    expect(readdirSync(folder).sort()).toEqual(["corpus.jsonl", "qrels", "queries.jsonl"]);
    expect(readFileSync(join(folder, "qrels", "test.tsv"), "utf8")).toContain("q1\td1\t2");
    expect(hits.get("/datasets/tiny.zip")).toBe(1);
    expect(progress.at(-1)).toEqual({ received: zip.length, total: zip.length });
    // No leftovers beside it.
    expect(readdirSync(join(root, "beir"))).toEqual(["tiny"]);

    // Second time: no request at all, even with the server gone.
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const again = await ensureBeirDataset("beir/tiny", { dataDir: root, baseURL: await deadBase(), checksums: { tiny: md5(zip) } });
    expect(again).toBe(folder);
  });

  it("refuses a download whose md5 differs, and leaves nothing behind", async () => {
    const zip = beirZip("tiny");
    const { base } = await serve({ "/datasets/tiny.zip": zip });
    const root = mkdtempSync(join(tmpdir(), "rerankit-data-"));
    const error = await ensureBeirDataset("beir/tiny", { dataDir: root, baseURL: base, checksums: { tiny: "0".repeat(32) } }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.message).toContain(`has md5 ${md5(zip)}, expected ${"0".repeat(32)}: refused`);
    expect(readdirSync(join(root, "beir"))).toEqual([]);
  });

  it("refuses a zip entry that would land outside the folder", async () => {
    const zip = beirZip("tiny", { "../escaped.txt": strToU8("x") });
    const { base } = await serve({ "/datasets/tiny.zip": zip });
    const root = mkdtempSync(join(tmpdir(), "rerankit-data-"));
    await expect(ensureBeirDataset("beir/tiny", { dataDir: root, baseURL: base, checksums: { tiny: md5(zip) } })).rejects.toThrow(
      /outside its folder: "..\/escaped.txt"/,
    );
    expect(existsSync(join(root, "escaped.txt"))).toBe(false);
    expect(existsSync(join(root, "beir", "escaped.txt"))).toBe(false);
    expect(readdirSync(join(root, "beir"))).toEqual([]);
  });

  it("refuses an unknown name, listing the known ones", async () => {
    await expect(ensureBeirDataset("beir/nope", { dataDir: mkdtempSync(join(tmpdir(), "rerankit-data-")) })).rejects.toThrow(
      /unknown dataset "beir\/nope": expected beir\/<name> with a name among msmarco, .*scifact/,
    );
  });

  it("rerankit eval --dataset: missing with no network is one line naming the folder and the URL", async () => {
    const root = mkdtempSync(join(tmpdir(), "rerankit-data-"));
    const base = await deadBase();
    const c = capture(false, { RERANKIT_DATA_DIR: root, RERANKIT_BEIR_BASE_URL: base });
    expect(await runEvalCommand(["--dataset", "beir/scifact"], c.io)).toBe(1);
    const text = c.stderr();
    expect(text.split("\n").filter(Boolean)).toHaveLength(1);
    expect(text).toMatch(/^DatasetError: beir\/scifact is not in .* and cannot be downloaded \(ECONNREFUSED\)/);
    expect(text).toContain(`at ${join(root, "beir", "scifact")}, from ${base}/scifact.zip`);
  });

  it("rerankit eval --dataset: a dataset already in the folder is used with no network", async () => {
    // Fill the folder by hand, as the one-line message says, then evaluate with no server at all.
    const zip = beirZip("scifact");
    const { base } = await serve({ "/datasets/scifact.zip": zip });
    const root = mkdtempSync(join(tmpdir(), "rerankit-data-"));
    await ensureBeirDataset("beir/scifact", { dataDir: root, baseURL: base, checksums: { scifact: md5(zip) } });
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const c = capture(false, { RERANKIT_DATA_DIR: root, RERANKIT_BEIR_BASE_URL: await deadBase() });
    expect(await runEvalCommand(["--dataset", "beir/scifact", "--json"], c.io)).toBe(0);
    expect(JSON.parse(c.stdout()).queries).toBe(3);
  });

  it("rerankit eval --dataset: a download whose checksum differs is refused (the real md5 is required)", async () => {
    const zip = beirZip("scifact");
    const { base, hits } = await serve({ "/datasets/scifact.zip": zip });
    const root = mkdtempSync(join(tmpdir(), "rerankit-data-"));
    const c = capture(false, { RERANKIT_DATA_DIR: root, RERANKIT_BEIR_BASE_URL: base });
    expect(await runEvalCommand(["--dataset", "beir/scifact"], c.io)).toBe(1);
    expect(hits.get("/datasets/scifact.zip")).toBe(1);
    expect(c.stderr()).toContain(`Downloading ${base}/scifact.zip into ${join(root, "beir", "scifact")}`);
    expect(c.stderr()).toMatch(
      /DatasetError: the download of beir\/scifact has md5 [0-9a-f]{32}, expected 5f7d1de60b170fc8027bb7898e2efca1: refused/,
    );
    expect(readdirSync(join(root, "beir"))).toEqual([]);
  });
});

describe("--help", () => {
  it("says where datasets come from, where they go, and SciFact's origin and licence", async () => {
    const { EVAL_HELP } = await import("../src/index.js");
    expect(EVAL_HELP).toContain("--dataset beir/NAME");
    expect(EVAL_HELP).toContain(`${BEIR_BASE_URL}/NAME.zip`);
    expect(EVAL_HELP).toContain("$RERANKIT_DATA_DIR/beir/NAME");
    expect(EVAL_HELP).toMatch(/SciFact \(Wadden et al\., 2020, github\.com\/allenai\/scifact\)/);
    expect(EVAL_HELP).toMatch(/CC BY 4\.0[\s\S]*ODC-By 1\.0[\s\S]*CC BY-NC 2\.0/);
  });
});

describe("download progress bar", () => {
  it("draws bytes received of the total on a terminal, and nothing elsewhere", async () => {
    const { downloadBar } = await import("../src/index.js");
    const drawn: string[] = [];
    const bar = downloadBar({ write: (t: string) => drawn.push(t), isTTY: true });
    bar.onProgress({ received: 1_048_576, total: 4_194_304 });
    bar.onProgress({ received: 4_194_304, total: 4_194_304 });
    bar.stop();
    expect(drawn.join("")).toMatch(/download \[.*\] 100% \| 4\.0 of 4\.0 MB/);
    const silent: string[] = [];
    const none = downloadBar({ write: (t: string) => silent.push(t) });
    none.onProgress({ received: 1, total: 2 });
    none.stop();
    expect(silent).toEqual([]);
  });
});

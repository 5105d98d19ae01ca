/**
 * Loaders for BEIR collection folders and TREC run / qrels files. Every malformed line is an
 * {@link EvalDataError} naming the file, the line and what was expected; nothing is skipped silently.
 */
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { isSafeId, quote, safeText, safeToken } from "./quote.js";

/** A malformed or inconsistent input file. `file` and `line` (1-based, when it applies) say where. */
export class EvalDataError extends Error {
  /** The file at fault. */
  readonly file: string;
  /** The 1-based line number, when the fault is on one line. */
  readonly line: number | undefined;
  constructor(message: string, file: string, line?: number) {
    super(safeText(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`));
    this.name = "EvalDataError";
    this.file = file;
    this.line = line;
  }
}

/** One corpus document. */
export interface EvalDocument {
  id: string;
  title: string;
  text: string;
}

/** One query. */
export interface EvalQuery {
  id: string;
  text: string;
}

/** Relevance judgments: query id → document id → grade (0 or less is non-relevant). */
export type Qrels = Map<string, Map<string, number>>;

/** A ranking per query: query id → hits, best first. */
export type Run = Map<string, RunHit[]>;

/** One ranked document of a {@link Run}. */
export interface RunHit {
  id: string;
  score: number;
}

/** A loaded BEIR collection. */
export interface Collection {
  /** Every corpus document, in file order. */
  documents: EvalDocument[];
  /** The split's queries (those with judgments), in the order of the qrels file. */
  queries: EvalQuery[];
  /** The split's judgments. */
  qrels: Qrels;
  /** Every query of `queries.jsonl`, judged or not. */
  allQueries: EvalQuery[];
}

/** Receives one line (CR stripped) and its 1-based number. */
type LineSink = (line: string, lineNo: number) => void;

/** Feeds the lines of `text` to `sink`, tolerating CRLF; a final empty line (trailing newline) is not a line. */
function eachTextLine(text: string, sink: LineSink): void {
  const all = text.split("\n");
  if (all.length > 0 && all[all.length - 1] === "") all.pop();
  for (let i = 0; i < all.length; i++) {
    const l = all[i]!;
    sink(l.endsWith("\r") ? l.slice(0, -1) : l, i + 1);
  }
}

/** Limits of the streaming reader. */
export interface ReadLimits {
  /**
   * The longest line accepted, in bytes: a file with no line breaks (or a gzip bomb of zeros) fails
   * here instead of filling memory.
   * @default 64 MiB
   */
  maxLineBytes?: number;
  /**
   * The largest gunzip expansion accepted (output bytes per input byte), checked once the output
   * passes 64 MiB: JSON text compresses 3–10×; a gzip bomb, 1000× and more.
   * @default 200
   */
  maxGzipRatio?: number;
}

const MiB = 1024 * 1024;

/**
 * Streams `file` (gunzipped when it ends in `.gz`) to `sink` line by line, so that corpora larger
 * than one string (~512 MiB, MS MARCO-sized) load. Hand-written over `readline` because readline
 * has no cap on a line's length: one endless line would fill memory.
 */
async function eachFileLine(file: string, sink: LineSink, limits: ReadLimits = {}): Promise<void> {
  const maxLine = limits.maxLineBytes ?? 64 * MiB;
  const maxRatio = limits.maxGzipRatio ?? 200;
  const raw = createReadStream(file);
  let inBytes = 0;
  const gzip = file.endsWith(".gz");
  const source: Readable = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) {
    // Compressed bytes read so far, for the expansion ratio (pipe already reads in flowing mode).
    raw.on("data", (chunk) => {
      inBytes += chunk.length;
    });
    raw.once("error", (error) => source.destroy(error));
  }
  let outBytes = 0;
  let parts: Buffer[] = [];
  let partLen = 0;
  let lineNo = 0;
  const emit = (bytes: Buffer) => {
    const line = bytes.toString("utf8");
    sink(line.endsWith("\r") ? line.slice(0, -1) : line, ++lineNo);
  };
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      outBytes += chunk.length;
      if (gzip && outBytes > 64 * MiB && outBytes > maxRatio * Math.max(1, inBytes)) {
        throw new EvalDataError(`gunzips to over ${maxRatio} times its size: refused as a likely gzip bomb`, file);
      }
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl < 0) {
          const rest = chunk.subarray(start);
          partLen += rest.length;
          if (partLen > maxLine) throw new EvalDataError(`a line is longer than ${maxLine} bytes`, file, lineNo + 1);
          if (rest.length > 0) parts.push(rest);
          break;
        }
        const piece = chunk.subarray(start, nl);
        emit(partLen > 0 ? Buffer.concat([...parts, piece]) : piece);
        parts = [];
        partLen = 0;
        start = nl + 1;
      }
    }
    if (partLen > 0) emit(Buffer.concat(parts));
  } catch (error) {
    raw.destroy();
    source.destroy();
    if (error instanceof EvalDataError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (code === "ENOENT") throw new EvalDataError("file not found", file);
    if (code.startsWith("Z_") || code === "ERR_INVALID_ARG_TYPE") throw new EvalDataError("not a valid gzip file", file);
    if (code === "EISDIR") throw new EvalDataError("is a folder, expected a file", file);
    throw new EvalDataError(`cannot read (${code || String(error)})`, file);
  }
}

/** A line-by-line parser: `line` for each line, `end` for the result. */
interface LineParser<T> {
  line: LineSink;
  end(): T;
}

function parseText<T>(text: string, parser: LineParser<T>): T {
  eachTextLine(text, parser.line);
  return parser.end();
}

async function parseFile<T>(file: string, parser: LineParser<T>, limits?: ReadLimits): Promise<T> {
  await eachFileLine(file, parser.line, limits);
  return parser.end();
}

/** Checks an id read from `file`: ids with whitespace or control characters would corrupt `--run-out`'s TREC lines. */
function checkId(id: string, what: string, file: string, line: number): string {
  if (!isSafeId(id)) throw new EvalDataError(`${what} ${quote(id)} is empty or holds whitespace or a control character`, file, line);
  return id;
}

function jsonLines<T>(
  file: string,
  expected: string,
  pick: (value: Record<string, unknown>, lineNo: number) => T | undefined,
): LineParser<T[]> {
  const out: T[] = [];
  return {
    line: (line, lineNo) => {
      if (line.trim() === "") return; // blank lines carry nothing
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new EvalDataError(`expected a JSON object ${expected}, got invalid JSON`, file, lineNo);
      }
      const picked =
        value !== null && typeof value === "object" && !Array.isArray(value) ? pick(value as Record<string, unknown>, lineNo) : undefined;
      if (picked === undefined) throw new EvalDataError(`expected a JSON object ${expected}`, file, lineNo);
      out.push(picked);
    },
    end: () => out,
  };
}

function corpusParser(file: string): LineParser<EvalDocument[]> {
  const seen = new Map<string, number>();
  return jsonLines(file, 'with a string "_id" and "text" (and optional string "title")', (v, lineNo) => {
    const id = v._id;
    if (typeof id !== "string" || id === "" || typeof v.text !== "string") return undefined;
    if (v.title !== undefined && v.title !== null && typeof v.title !== "string") return undefined;
    checkId(id, "document id", file, lineNo);
    const first = seen.get(id);
    if (first !== undefined) throw new EvalDataError(`duplicate document id ${quote(id)} (first on line ${first})`, file, lineNo);
    seen.set(id, lineNo);
    return { id, title: typeof v.title === "string" ? v.title : "", text: v.text };
  });
}

function queriesParser(file: string): LineParser<EvalQuery[]> {
  const seen = new Map<string, number>();
  return jsonLines(file, 'with a string "_id" and "text"', (v, lineNo) => {
    if (typeof v._id !== "string" || v._id === "" || typeof v.text !== "string") return undefined;
    const id = checkId(v._id, "query id", file, lineNo);
    const first = seen.get(id);
    if (first !== undefined) throw new EvalDataError(`duplicate query id ${quote(id)} (first on line ${first})`, file, lineNo);
    seen.set(id, lineNo);
    return { id, text: v.text };
  });
}

/** Parses a BEIR `corpus.jsonl`: one `{"_id", "title"?, "text"}` per line. Ids are unique and hold no whitespace. */
export function parseCorpus(text: string, file = "corpus.jsonl"): EvalDocument[] {
  return parseText(text, corpusParser(file));
}

/** Parses a BEIR `queries.jsonl`: one `{"_id", "text"}` per line. Ids are unique and hold no whitespace. */
export function parseQueries(text: string, file = "queries.jsonl"): EvalQuery[] {
  return parseText(text, queriesParser(file));
}

function grade(raw: string, file: string, line: number, what: string): number {
  const g = Number(raw);
  if (raw === "" || !Number.isInteger(g))
    throw new EvalDataError(`expected an integer relevance grade ${what}, got ${quote(raw)}`, file, line);
  return g;
}

function addJudgment(qrels: Qrels, qid: string, docid: string, g: number, file: string, line: number): void {
  checkId(qid, "query id", file, line);
  checkId(docid, "document id", file, line);
  let judged = qrels.get(qid);
  if (!judged) {
    judged = new Map();
    qrels.set(qid, judged);
  }
  const previous = judged.get(docid);
  if (previous !== undefined && previous !== g) {
    throw new EvalDataError(
      `query ${quote(qid)} judges document ${quote(docid)} twice with different grades (${previous}, ${g})`,
      file,
      line,
    );
  }
  judged.set(docid, g);
}

function beirQrelsParser(file: string): LineParser<Qrels> {
  const qrels: Qrels = new Map();
  let headerSeen = false;
  return {
    line: (line, lineNo) => {
      if (!headerSeen) {
        const header = line.split("\t");
        if (header.length !== 3 || header[0] !== "query-id" || header[1] !== "corpus-id" || header[2] !== "score") {
          throw new EvalDataError('expected the header "query-id<TAB>corpus-id<TAB>score"', file, 1);
        }
        headerSeen = true;
        return;
      }
      if (line.trim() === "") return;
      const fields = line.split("\t");
      if (fields.length !== 3 || fields[0] === "" || fields[1] === "") {
        throw new EvalDataError(`expected 3 tab-separated fields "query-id corpus-id score", got ${fields.length}`, file, lineNo);
      }
      addJudgment(qrels, fields[0]!, fields[1]!, grade(fields[2]!.trim(), file, lineNo, "in the third field"), file, lineNo);
    },
    end: () => {
      if (!headerSeen) throw new EvalDataError('expected the header "query-id<TAB>corpus-id<TAB>score"', file, 1);
      return qrels;
    },
  };
}

/** Parses a BEIR qrels TSV: a header `query-id	corpus-id	score`, then one judgment per line. CRLF is fine. */
export function parseBeirQrels(text: string, file = "qrels.tsv"): Qrels {
  return parseText(text, beirQrelsParser(file));
}

function trecQrelsParser(file: string): LineParser<Qrels> {
  const qrels: Qrels = new Map();
  return {
    line: (line, lineNo) => {
      if (line.trim() === "") return;
      const fields = line.trim().split(/\s+/);
      if (fields.length !== 4) throw new EvalDataError(`expected 4 fields "qid 0 docid rel", got ${fields.length}`, file, lineNo);
      addJudgment(qrels, fields[0]!, fields[2]!, grade(fields[3]!, file, lineNo, "in the fourth field"), file, lineNo);
    },
    end: () => qrels,
  };
}

/** Parses TREC qrels: `qid 0 docid rel` per line (whitespace-separated; the second field is ignored). */
export function parseTrecQrels(text: string, file = "qrels"): Qrels {
  return parseText(text, trecQrelsParser(file));
}

function trecRunParser(file: string, tags?: Set<string>): LineParser<Run> {
  const run: Run = new Map();
  const seen = new Map<string, Set<string>>();
  return {
    line: (line, lineNo) => {
      if (line.trim() === "") return;
      const fields = line.trim().split(/\s+/);
      if (fields.length !== 6)
        throw new EvalDataError(`expected 6 fields "qid Q0 docid rank score tag", got ${fields.length}`, file, lineNo);
      const [qid, , docid, , rawScore, tag] = fields as [string, string, string, string, string, string];
      tags?.add(tag);
      checkId(qid, "query id", file, lineNo);
      checkId(docid, "document id", file, lineNo);
      const score = Number(rawScore);
      if (rawScore === "" || !Number.isFinite(score))
        throw new EvalDataError(`expected a number in the score field (5th), got ${quote(rawScore)}`, file, lineNo);
      let ids = seen.get(qid);
      if (!ids) {
        ids = new Set();
        seen.set(qid, ids);
        run.set(qid, []);
      }
      if (ids.has(docid)) throw new EvalDataError(`document ${quote(docid)} is listed twice for query ${quote(qid)}`, file, lineNo);
      ids.add(docid);
      run.get(qid)!.push({ id: docid, score });
    },
    end: () => {
      for (const hits of run.values()) sortHits(hits);
      return run;
    },
  };
}

/**
 * Parses a TREC run: `qid Q0 docid rank score tag` per line. Each query's hits are returned in
 * trec_eval's order (score descending, ties by docid descending), whatever the file's order or
 * rank column. A document listed twice for one query is an error.
 */
export function parseTrecRun(text: string, file = "run"): Run {
  return parseText(text, trecRunParser(file));
}

/** Sorts hits in trec_eval's order: score descending, ties by id descending (string order). */
export function sortHits(hits: RunHit[]): RunHit[] {
  return hits.sort((x, y) => y.score - x.score || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
}

function* trecRunLines(run: Run, tag: string): Generator<string> {
  const safeTag = safeToken(tag) || "run";
  for (const [qid, hits] of run) {
    if (!isSafeId(qid)) throw new RangeError(`query id ${quote(qid)} cannot be written to a TREC run (whitespace or control character)`);
    for (let i = 0; i < hits.length; i++) {
      const h = hits[i]!;
      if (!isSafeId(h.id))
        throw new RangeError(`document id ${quote(h.id)} cannot be written to a TREC run (whitespace or control character)`);
      yield `${qid} Q0 ${h.id} ${i + 1} ${h.score} ${safeTag}\n`;
    }
  }
}

/**
 * Formats a run as TREC run lines (`qid Q0 docid rank score tag`), each query's hits in the given
 * order. An id with whitespace or a control character is a `RangeError` (it would shift the fields).
 */
export function formatTrecRun(run: Run, tag: string): string {
  return [...trecRunLines(run, tag)].join("");
}

/** Writes a run as a TREC run file, streamed (a run too large for one string still writes). */
export async function writeTrecRun(file: string, run: Run, tag: string): Promise<void> {
  await pipeline(Readable.from(trecRunLines(run, tag)), createWriteStream(file));
}

/** Reads a TREC run file with the run tags it names (the sixth field), in order of first use. */
export async function readTrecRun(file: string, limits?: ReadLimits): Promise<{ run: Run; tags: string[] }> {
  const tags = new Set<string>();
  const run = await parseFile(file, trecRunParser(file, tags), limits);
  return { run, tags: [...tags] };
}

/** Reads a TREC run file. */
export async function loadTrecRun(file: string, limits?: ReadLimits): Promise<Run> {
  return parseFile(file, trecRunParser(file), limits);
}

/** Reads a TREC qrels file. */
export async function loadTrecQrels(file: string, limits?: ReadLimits): Promise<Qrels> {
  return parseFile(file, trecQrelsParser(file), limits);
}

/** Options of {@link loadBeir}. */
export interface LoadBeirOptions {
  /**
   * The qrels split: `qrels/<split>.tsv`.
   * @default "test"
   */
  split?: string;
  /**
   * Whether to read the corpus. Off when a TREC run gives the first stage and no reranker needs texts.
   * @default true
   */
  corpus?: boolean;
  /** Judgments to use instead of `qrels/<split>.tsv` (e.g. from `loadTrecQrels`); `source` names them in errors. */
  qrels?: { qrels: Qrels; source: string };
  /** Limits of the streaming reader (line length, gunzip expansion). */
  limits?: ReadLimits;
}

/**
 * Loads a BEIR collection folder: `corpus.jsonl` or `corpus.jsonl.gz`, `queries.jsonl` and
 * `qrels/<split>.tsv`. Throws {@link EvalDataError} for a missing file, a malformed line, an empty
 * split, a judged query missing from `queries.jsonl` or a judged document missing from the corpus.
 */
export async function loadBeir(dir: string, options: LoadBeirOptions = {}): Promise<Collection> {
  const split = options.split ?? "test";
  const qrelsFile = options.qrels?.source ?? join(dir, "qrels", `${split}.tsv`);
  if (!existsSync(dir)) throw new EvalDataError("no such folder (expected a BEIR collection: corpus.jsonl, queries.jsonl, qrels/)", dir);
  const qrels = options.qrels?.qrels ?? (await parseFile(qrelsFile, beirQrelsParser(qrelsFile), options.limits));
  if (qrels.size === 0) throw new EvalDataError(options.qrels ? "no judgments" : `split "${split}" has no judgments`, qrelsFile);

  const queriesFile = join(dir, "queries.jsonl");
  const allQueries = await parseFile(queriesFile, queriesParser(queriesFile), options.limits);
  const byId = new Map(allQueries.map((q) => [q.id, q]));
  const queries: EvalQuery[] = [];
  for (const qid of qrels.keys()) {
    const query = byId.get(qid);
    if (!query) throw new EvalDataError(`query ${quote(qid)} is judged in ${qrelsFile} but missing from queries.jsonl`, queriesFile);
    queries.push(query);
  }

  let documents: EvalDocument[] = [];
  if (options.corpus !== false) {
    const plain = join(dir, "corpus.jsonl");
    const corpusFile = existsSync(plain) ? plain : `${plain}.gz`;
    documents = await parseFile(corpusFile, corpusParser(corpusFile), options.limits);
    const ids = new Set(documents.map((d) => d.id));
    for (const [qid, judged] of qrels) {
      for (const docid of judged.keys()) {
        if (!ids.has(docid))
          throw new EvalDataError(`document ${quote(docid)} (judged for query ${quote(qid)}) is not in the corpus`, qrelsFile);
      }
    }
  }
  return { documents, queries, qrels, allQueries };
}

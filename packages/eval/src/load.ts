/**
 * Loaders for BEIR collection folders and TREC run / qrels files. Every malformed line is an
 * {@link EvalDataError} naming the file, the line and what was expected; nothing is skipped silently.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

/** A malformed or inconsistent input file. `file` and `line` (1-based, when it applies) say where. */
export class EvalDataError extends Error {
  /** The file at fault. */
  readonly file: string;
  /** The 1-based line number, when the fault is on one line. */
  readonly line: number | undefined;
  constructor(message: string, file: string, line?: number) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
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

/** Splits text into lines, tolerating CRLF; a final empty line (trailing newline) is not a line. */
function lines(text: string): string[] {
  const all = text.split("\n");
  if (all.length > 0 && all[all.length - 1] === "") all.pop();
  return all.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

async function readText(file: string): Promise<string> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EvalDataError(code === "ENOENT" ? "file not found" : `cannot read (${code ?? String(error)})`, file);
  }
  if (file.endsWith(".gz")) {
    try {
      data = gunzipSync(data);
    } catch {
      throw new EvalDataError("not a valid gzip file", file);
    }
  }
  return data.toString("utf8");
}

function jsonLines<T>(file: string, text: string, expected: string, pick: (value: Record<string, unknown>) => T | undefined): T[] {
  const out: T[] = [];
  lines(text).forEach((line, i) => {
    if (line.trim() === "") return; // blank lines carry nothing
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new EvalDataError(`expected a JSON object ${expected}, got invalid JSON`, file, i + 1);
    }
    const picked =
      value !== null && typeof value === "object" && !Array.isArray(value) ? pick(value as Record<string, unknown>) : undefined;
    if (picked === undefined) throw new EvalDataError(`expected a JSON object ${expected}`, file, i + 1);
    out.push(picked);
  });
  return out;
}

/** Parses a BEIR `corpus.jsonl`: one `{"_id", "title"?, "text"}` per line. */
export function parseCorpus(text: string, file = "corpus.jsonl"): EvalDocument[] {
  const seen = new Set<string>();
  let lineNo = 0;
  return jsonLines(file, text, 'with a string "_id" and "text" (and optional string "title")', (v) => {
    lineNo++;
    const id = v._id;
    if (typeof id !== "string" || id === "" || typeof v.text !== "string") return undefined;
    if (v.title !== undefined && v.title !== null && typeof v.title !== "string") return undefined;
    if (seen.has(id)) throw new EvalDataError(`duplicate document id "${id}"`, file, lineNo);
    seen.add(id);
    return { id, title: typeof v.title === "string" ? v.title : "", text: v.text };
  });
}

/** Parses a BEIR `queries.jsonl`: one `{"_id", "text"}` per line. */
export function parseQueries(text: string, file = "queries.jsonl"): EvalQuery[] {
  return jsonLines(file, text, 'with a string "_id" and "text"', (v) =>
    typeof v._id === "string" && v._id !== "" && typeof v.text === "string" ? { id: v._id, text: v.text } : undefined,
  );
}

function grade(raw: string, file: string, line: number, what: string): number {
  const g = Number(raw);
  if (raw === "" || !Number.isInteger(g)) throw new EvalDataError(`expected an integer relevance grade ${what}, got "${raw}"`, file, line);
  return g;
}

function addJudgment(qrels: Qrels, qid: string, docid: string, g: number, file: string, line: number): void {
  let judged = qrels.get(qid);
  if (!judged) {
    judged = new Map();
    qrels.set(qid, judged);
  }
  const previous = judged.get(docid);
  if (previous !== undefined && previous !== g) {
    throw new EvalDataError(`query "${qid}" judges document "${docid}" twice with different grades (${previous}, ${g})`, file, line);
  }
  judged.set(docid, g);
}

/** Parses a BEIR qrels TSV: a header `query-id	corpus-id	score`, then one judgment per line. CRLF is fine. */
export function parseBeirQrels(text: string, file = "qrels.tsv"): Qrels {
  const qrels: Qrels = new Map();
  const all = lines(text);
  const header = all[0]?.split("\t");
  if (!header || header.length !== 3 || header[0] !== "query-id" || header[1] !== "corpus-id" || header[2] !== "score") {
    throw new EvalDataError('expected the header "query-id<TAB>corpus-id<TAB>score"', file, 1);
  }
  for (let i = 1; i < all.length; i++) {
    const line = all[i]!;
    if (line.trim() === "") continue;
    const fields = line.split("\t");
    if (fields.length !== 3 || fields[0] === "" || fields[1] === "") {
      throw new EvalDataError(`expected 3 tab-separated fields "query-id corpus-id score", got ${fields.length}`, file, i + 1);
    }
    addJudgment(qrels, fields[0]!, fields[1]!, grade(fields[2]!.trim(), file, i + 1, "in the third field"), file, i + 1);
  }
  return qrels;
}

/** Parses TREC qrels: `qid 0 docid rel` per line (whitespace-separated; the second field is ignored). */
export function parseTrecQrels(text: string, file = "qrels"): Qrels {
  const qrels: Qrels = new Map();
  lines(text).forEach((line, i) => {
    if (line.trim() === "") return;
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 4) throw new EvalDataError(`expected 4 fields "qid 0 docid rel", got ${fields.length}`, file, i + 1);
    addJudgment(qrels, fields[0]!, fields[2]!, grade(fields[3]!, file, i + 1, "in the fourth field"), file, i + 1);
  });
  return qrels;
}

/**
 * Parses a TREC run: `qid Q0 docid rank score tag` per line. Each query's hits are returned in
 * trec_eval's order (score descending, ties by docid descending), whatever the file's order or
 * rank column. A document listed twice for one query is an error.
 */
export function parseTrecRun(text: string, file = "run"): Run {
  const run: Run = new Map();
  const seen = new Map<string, Set<string>>();
  lines(text).forEach((line, i) => {
    if (line.trim() === "") return;
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 6) throw new EvalDataError(`expected 6 fields "qid Q0 docid rank score tag", got ${fields.length}`, file, i + 1);
    const [qid, , docid, , rawScore] = fields as [string, string, string, string, string];
    const score = Number(rawScore);
    if (rawScore === "" || !Number.isFinite(score))
      throw new EvalDataError(`expected a number in the score field (5th), got "${rawScore}"`, file, i + 1);
    let ids = seen.get(qid);
    if (!ids) {
      ids = new Set();
      seen.set(qid, ids);
      run.set(qid, []);
    }
    if (ids.has(docid)) throw new EvalDataError(`document "${docid}" is listed twice for query "${qid}"`, file, i + 1);
    ids.add(docid);
    run.get(qid)!.push({ id: docid, score });
  });
  for (const hits of run.values()) sortHits(hits);
  return run;
}

/** Sorts hits in trec_eval's order: score descending, ties by id descending (string order). */
export function sortHits(hits: RunHit[]): RunHit[] {
  return hits.sort((x, y) => y.score - x.score || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
}

/** Formats a run as TREC run lines (`qid Q0 docid rank score tag`), each query's hits in the given order. */
export function formatTrecRun(run: Run, tag: string): string {
  const safeTag = tag.replace(/\s+/g, "_") || "run";
  const out: string[] = [];
  for (const [qid, hits] of run) {
    hits.forEach((h, i) => {
      out.push(`${qid} Q0 ${h.id} ${i + 1} ${h.score} ${safeTag}\n`);
    });
  }
  return out.join("");
}

/** Reads a TREC run file. */
export async function loadTrecRun(file: string): Promise<Run> {
  return parseTrecRun(await readText(file), file);
}

/** Reads a TREC qrels file. */
export async function loadTrecQrels(file: string): Promise<Qrels> {
  return parseTrecQrels(await readText(file), file);
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
}

/**
 * Loads a BEIR collection folder: `corpus.jsonl` or `corpus.jsonl.gz`, `queries.jsonl` and
 * `qrels/<split>.tsv`. Throws {@link EvalDataError} for a missing file, a malformed line, an empty
 * split, a judged query missing from `queries.jsonl` or a judged document missing from the corpus.
 */
export async function loadBeir(dir: string, options: LoadBeirOptions = {}): Promise<Collection> {
  const split = options.split ?? "test";
  const qrelsFile = options.qrels?.source ?? join(dir, "qrels", `${split}.tsv`);
  const qrels = options.qrels?.qrels ?? parseBeirQrels(await readText(qrelsFile), qrelsFile);
  if (qrels.size === 0) throw new EvalDataError(options.qrels ? "no judgments" : `split "${split}" has no judgments`, qrelsFile);

  const queriesFile = join(dir, "queries.jsonl");
  const allQueries = parseQueries(await readText(queriesFile), queriesFile);
  const byId = new Map(allQueries.map((q) => [q.id, q]));
  const queries: EvalQuery[] = [];
  for (const qid of qrels.keys()) {
    const query = byId.get(qid);
    if (!query) throw new EvalDataError(`query "${qid}" is judged in ${qrelsFile} but missing from queries.jsonl`, queriesFile);
    queries.push(query);
  }

  let documents: EvalDocument[] = [];
  if (options.corpus !== false) {
    const plain = join(dir, "corpus.jsonl");
    const corpusFile = existsSync(plain) ? plain : `${plain}.gz`;
    documents = parseCorpus(await readText(corpusFile), corpusFile);
    const ids = new Set(documents.map((d) => d.id));
    for (const [qid, judged] of qrels) {
      for (const docid of judged.keys()) {
        if (!ids.has(docid)) throw new EvalDataError(`document "${docid}" (judged for query "${qid}") is not in the corpus`, qrelsFile);
      }
    }
  }
  return { documents, queries, qrels, allQueries };
}

/** Checks that every query of `run` is known (in `qrels` or `queries`): an unknown id is an error, not a skip. */
export function checkRunQueries(run: Run, known: ReadonlySet<string>, file: string): void {
  for (const qid of run.keys()) {
    if (!known.has(qid)) throw new EvalDataError(`query "${qid}" is not in the qrels or queries`, file);
  }
}

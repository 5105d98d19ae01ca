/**
 * One memory measurement in a fresh process (run with --expose-gc): open a path, warm it up,
 * note the RSS, build the documents, note the RSS again, make one call, read the peak RSS
 * (getrusage's maxRSS), and report to the parent over IPC.
 */
import { makeDocuments, payloadBytes, QUERY } from "./corpus.js";
import { baselineClientPath, pathByName } from "./paths.js";

export interface MemoryReport {
  path: string;
  payloadBytes: number;
  /** RSS with the path open and warmed, before the documents exist. */
  baselineRss: number;
  /** RSS once the documents (and the framework's objects for them) exist. */
  withDocumentsRss: number;
  /** getrusage max RSS before the call, and at its end. */
  peakBeforeCall: number;
  peakAfterCall: number;
  wallMs: number;
  results: number;
  error?: string;
}

const [pathName, url, count, tokens, baselineDir] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const maxRss = () => process.resourceUsage().maxRSS * 1024;

async function main(): Promise<MemoryReport> {
  const baseline = baselineDir === undefined ? undefined : baselineClientPath(baselineDir);
  const open = await (baseline?.name === pathName ? baseline : pathByName(pathName)).open(url);
  if (typeof open === "string") throw new Error(open);
  const warm = makeDocuments(50, 200, 99);
  await open.call(open.prepare(warm), QUERY);
  gc();
  const baselineRss = process.memoryUsage.rss();
  const docs = makeDocuments(Number(count), Number(tokens), 7);
  const input = open.prepare(docs);
  gc();
  const withDocumentsRss = process.memoryUsage.rss();
  const peakBeforeCall = maxRss();
  const report: MemoryReport = {
    path: pathName,
    payloadBytes: payloadBytes(docs),
    baselineRss,
    withDocumentsRss,
    peakBeforeCall,
    peakAfterCall: 0,
    wallMs: 0,
    results: 0,
  };
  const t0 = performance.now();
  try {
    const output = await open.call(input, QUERY);
    report.results = open.ranking(input, output).length;
  } catch (error) {
    report.error = error instanceof Error ? error.message : String(error);
  }
  report.wallMs = performance.now() - t0;
  report.peakAfterCall = maxRss();
  await open.close();
  return report;
}

main().then(
  (report) => process.send!(report, () => process.exit(0)),
  (error: unknown) => process.send!({ path: pathName, error: String(error) }, () => process.exit(0)),
);

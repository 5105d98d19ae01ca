/**
 * Runs one path in a loop for a CPU profile:
 *   node --conditions=@rerankit/source --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof \
 *     test/bench/profile.ts "RerankClient" 5000 50
 * then `node test/bench/profile-summary.mjs /tmp/prof/<file>.cpuprofile` prints self time by function.
 */
import { makeDocuments, QUERY } from "./corpus.js";
import { pathByName } from "./paths.js";
import { startBenchServerProcess } from "./server.js";

const [name = "RerankClient", calls = "3000", count = "50"] = process.argv.slice(2);
const server = await startBenchServerProcess();
try {
  const open = await pathByName(name).open(server.url);
  if (typeof open === "string") throw new Error(open);
  const input = open.prepare(makeDocuments(Number(count), 200));
  for (let i = 0; i < 300; i++) await open.call(input, QUERY);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < Number(calls); i++) await open.call(input, QUERY);
  const c = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  console.log(
    `${name}: ${(wall / Number(calls)).toFixed(3)} ms per call, ${((c.user + c.system) / Number(calls)).toFixed(0)} µs CPU per call (user ${(c.user / Number(calls)).toFixed(0)}, system ${(c.system / Number(calls)).toFixed(0)})`,
  );
  await open.close();
} finally {
  await server.close();
}

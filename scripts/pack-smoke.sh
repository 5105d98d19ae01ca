#!/usr/bin/env bash
# Pack smoke test: prove the packages work as a user installs them from npm.
#
#   pnpm pack each package → check the packed manifests → npm install the tarballs (plus the peer
#   dependencies and llamaindex, from the npm registry) into a fresh project outside the workspace
#   → one @llamaindex/core, with npm and with pnpm → require()
#   and import them with plain Node → rerank end to end (server, RerankClient, RerankCompressor,
#   RerankPostprocessor; LogprobReranker and ListwiseReranker) → the `rerankit` bin (--help, serve, rank) → tsc on a consumer file with
#   moduleResolution node16 and bundler → @rerankit/transformers in a second fresh project
#   (ONNXRUNTIME_NODE_INSTALL=skip: registry only), scoring the tiny test model from CJS and ESM and
#   behind `rerankit serve --model`.
#
# Needs `pnpm build` first. Exits non-zero on the first failure. Set PACK_SMOKE_KEEP=1 to keep the
# temporary directory for inspection.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HERE="$ROOT/scripts/pack-smoke"
PACKAGES=(core eval langchain llamaindex redis server transformers ai-sdk otel llm)
TSC="$ROOT/node_modules/typescript/bin/tsc"
START=$SECONDS

WORK="$(mktemp -d)"
SERVE_PID=""
cleanup() {
  if [[ -n "$SERVE_PID" ]] && kill -0 "$SERVE_PID" 2>/dev/null; then kill "$SERVE_PID" 2>/dev/null || true; fi
  if [[ "${PACK_SMOKE_KEEP:-}" == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

step() { printf '\n--- %s  [%ss]\n' "$*" "$(( SECONDS - START ))"; }
die() { echo "FAIL: $*" >&2; exit 1; }

case "$WORK" in "$ROOT"/*) die "the temp dir $WORK is inside the workspace" ;; esac

step "pack"
mkdir -p "$WORK/tarballs" "$WORK/extracted"
PACK_PIDS=()
for p in "${PACKAGES[@]}"; do
  [[ -f "$ROOT/packages/$p/dist/index.js" ]] || die "packages/$p/dist is missing: run pnpm build first"
  (cd "$ROOT/packages/$p" && pnpm pack --pack-destination "$WORK/tarballs" >/dev/null) &
  PACK_PIDS+=($!)
done
for pid in "${PACK_PIDS[@]}"; do wait "$pid" || die "pnpm pack failed"; done
for tgz in "$WORK"/tarballs/*.tgz; do
  name="$(basename "$tgz" .tgz)"
  mkdir -p "$WORK/extracted/$name"
  tar -xzf "$tgz" -C "$WORK/extracted/$name"
  printf '  %-34s %6s KB packed, %4s files\n' "$(basename "$tgz")" "$(( $(wc -c <"$tgz") / 1024 ))" "$(tar -tzf "$tgz" | wc -l)"
done
node "$HERE/check-tarballs.mjs" "$WORK/extracted" "$ROOT/packages"
# publint and arethetypeswrong on what pnpm actually packed (`pnpm lint:packages` checks the
# workspace manifest, packed by npm, which does not apply publishConfig).
for tgz in "$WORK"/tarballs/*.tgz; do
  name="$(basename "$tgz" .tgz)"
  OUT="$("$ROOT/node_modules/.bin/publint" --strict --pack false "$WORK/extracted/$name/package" 2>&1)" || { echo "$OUT" >&2; die "publint $name"; }
  grep -q "All good" <<<"$OUT" || { echo "$OUT" >&2; die "publint $name"; }
  "$ROOT/node_modules/.bin/attw" "$tgz" --profile node16 -q || { "$ROOT/node_modules/.bin/attw" "$tgz" --profile node16 >&2 || true; die "attw $name"; }
done
echo "publint --strict and attw --profile node16 on the packed tarballs: ok"

step "install into a fresh project outside the workspace"
CONSUMER="$WORK/consumer"
mkdir -p "$CONSUMER"
cp "$HERE"/consumer/* "$CONSUMER/"
cat >"$CONSUMER/package.json" <<'JSON'
{ "name": "rerankit-pack-smoke-consumer", "version": "0.0.0", "private": true, "type": "module" }
JSON
# The peer ranges as published; npm picks the newest @langchain/core in range. LlamaIndex is
# installed the way the README says, `llamaindex` itself beside our tarball (no @llamaindex/core
# named by hand): our peer must then resolve to the very @llamaindex/core llamaindex pins, not a
# second copy (the registry's `latest` @llamaindex/core, 0.6.23, is deprecated and pinned by no
# llamaindex release).
LANGCHAIN_PEER="$(node -p 'require(process.argv[1]).peerDependencies["@langchain/core"]' "$ROOT/packages/langchain/package.json")"
LLAMAINDEX_VERSION="$(node -p 'require(process.argv[1]).devDependencies.llamaindex' "$ROOT/packages/llamaindex/package.json")"
# @rerankit/transformers gets a project of its own below (its ONNX dependencies are not the
# frameworks' business, and @llamaindex/env's peer range would pull a second transformers.js).
TARBALLS=()
for tgz in "$WORK"/tarballs/*.tgz; do [[ "$(basename "$tgz")" == rerankit-transformers-* ]] || TARBALLS+=("$tgz"); done
(
  cd "$CONSUMER"
  npm install --no-audit --no-fund --loglevel=error \
    "${TARBALLS[@]}" "@langchain/core@$LANGCHAIN_PEER" "llamaindex@$LLAMAINDEX_VERSION" "@types/node@20" \
    "ai@6" "@opentelemetry/api@1"
) || die "npm install of the tarballs failed"
# Exactly one @llamaindex/core in the tree, the one llamaindex pins.
node -e '
  const lock = require(process.argv[1]);
  const copies = Object.entries(lock.packages).filter(([path]) => path.endsWith("node_modules/@llamaindex/core"));
  const pinned = lock.packages["node_modules/llamaindex"].dependencies["@llamaindex/core"];
  if (copies.length !== 1) throw new Error(`expected one @llamaindex/core, found ${copies.map(([p, e]) => `${p}@${e.version}`).join(", ")}`);
  if (copies[0][1].version !== pinned) throw new Error(`@llamaindex/core@${copies[0][1].version}, but llamaindex pins ${pinned}`);
  console.log(`  one @llamaindex/core (${copies[0][1].version}), the one llamaindex@${lock.packages["node_modules/llamaindex"].version} pins`);
' "$CONSUMER/package-lock.json" || die "@llamaindex/core must be installed once, shared by llamaindex and @rerankit/llamaindex"
# One copy of @rerankit/core, from our tarball (not from the registry).
node -e '
  const lock = require(process.argv[1]);
  const copies = Object.entries(lock.packages).filter(([path]) => path.endsWith("node_modules/@rerankit/core"));
  if (copies.length !== 1) throw new Error(`expected one @rerankit/core, found ${copies.map(([p]) => p)}`);
  if (!String(copies[0][1].resolved).startsWith("file:")) throw new Error(`@rerankit/core came from ${copies[0][1].resolved}`);
' "$CONSUMER/package-lock.json" || die "@rerankit/core must be installed once, from the local tarball"
node -e '
  const fs = require("node:fs");
  const names = ["@rerankit/core", "@rerankit/langchain", "@rerankit/llamaindex", "@rerankit/server", "@rerankit/redis", "@langchain/core", "@llamaindex/core", "llamaindex"];
  const version = (n) => JSON.parse(fs.readFileSync(`${process.argv[1]}/node_modules/${n}/package.json`, "utf8")).version;
  console.log(`  installed: ${names.map((n) => `${n}@${version(n)}`).join(", ")}`);
' "$CONSUMER" || die "an installed package is missing"

# The README's `pnpm add @rerankit/llamaindex llamaindex`, done in two steps (the harder case: the
# peer is auto-installed before llamaindex arrives), must leave one @llamaindex/core too. npm
# dedupes this either way; pnpm kept the deprecated 0.6.23 under the former peer range.
PNPM_CONSUMER="$WORK/pnpm-consumer"
mkdir -p "$PNPM_CONSUMER"
node -e '
  const [dir, tarballs, pm] = process.argv.slice(1);
  const core = require("node:fs").readdirSync(tarballs).find((f) => f.startsWith("rerankit-core-"));
  const manifest = { name: "rerankit-pack-smoke-pnpm", private: true, packageManager: pm, pnpm: { overrides: { "@rerankit/core": `file:${tarballs}/${core}` } } };
  require("node:fs").writeFileSync(`${dir}/package.json`, JSON.stringify(manifest, null, 2));
' "$PNPM_CONSUMER" "$WORK/tarballs" "$(node -p 'require(process.argv[1]).packageManager' "$ROOT/package.json")"
(
  cd "$PNPM_CONSUMER"
  pnpm add --reporter=silent "$WORK"/tarballs/rerankit-llamaindex-*.tgz && pnpm add --reporter=silent "llamaindex@$LLAMAINDEX_VERSION"
) || die "pnpm add @rerankit/llamaindex, then llamaindex, failed"
COPIES="$(find "$PNPM_CONSUMER/node_modules/.pnpm" -maxdepth 1 -name '@llamaindex+core@*' -printf '%f ')"
[[ "$(wc -w <<<"$COPIES")" == 1 ]] || die "pnpm installed $(wc -w <<<"$COPIES") copies of @llamaindex/core: $COPIES"
echo "  pnpm add @rerankit/llamaindex, then llamaindex: one @llamaindex/core (${COPIES% })"

# Our engines.node must not promise a Node that one of our dependencies refuses (semver from npm
# itself): what @rerankit/* and their framework peers pull in, found by walking the lockfile.
# `llamaindex` is the user's own choice, installed beside us: its tree is not ours to vouch for.
# Lock entries npm did not install (optional packages for other platforms, e.g. sharp's
# win32-ia32 build) are skipped: nothing of theirs runs here.
NPM_SEMVER="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/semver"
check_engines() {
  node -e '
  const semver = require(process.argv[1]);
  const lock = require(`${process.argv[2]}/package-lock.json`);
  const installed = (path) => require("node:fs").existsSync(`${process.argv[2]}/${path}`);
  const ours = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (/node_modules\/@rerankit\/[^/]+$/.test(path)) ours[path.replace(/^.*node_modules\//, "")] = entry.engines?.node;
  }
  // The install path a dependency `name` of the package at `from` resolves to (Node lookup order).
  const resolve = (from, name) => {
    for (let dir = from; ; dir = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, "")) {
      const path = `${dir ? `${dir}/` : ""}node_modules/${name}`;
      if (lock.packages[path]) return path;
      if (!dir) return undefined;
    }
  };
  const closure = new Set();
  const queue = Object.keys(lock.packages).filter((path) => /node_modules\/@rerankit\/[^/]+$/.test(path));
  while (queue.length) {
    const path = queue.pop();
    if (closure.has(path)) continue;
    closure.add(path);
    const entry = lock.packages[path];
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies })) {
      const next = resolve(path, name);
      if (next) queue.push(next);
    }
  }
  const bad = [];
  for (const [name, range] of Object.entries(ours)) {
    if (!range) { bad.push(`${name} declares no engines.node`); continue; }
    for (const path of closure) {
      const entry = lock.packages[path];
      const theirs = entry.engines?.node;
      if (path && theirs && installed(path) && !semver.subset(range, theirs)) bad.push(`${name} engines.node "${range}" allows Nodes that ${path.replace(/^.*node_modules\//, "")} ("${theirs}") refuses`);
    }
  }
  if (bad.length) { console.error(bad.join("\n")); process.exit(1); }
  console.log(`  engines.node ${[...new Set(Object.values(ours))].join(", ")}: within the engines of every dependency of ours (${closure.size} packages)`);
' "$NPM_SEMVER" "$1"
}
check_engines "$CONSUMER" || die "engines.node"

step "require() from .cjs"
(cd "$CONSUMER" && timeout 60 node require.cjs) || die "CommonJS consumer"

step "import from .mjs, end to end"
(cd "$CONSUMER" && timeout 60 node import.mjs) || die "ESM consumer"

step "the AI SDK provider and the OpenTelemetry hooks"
(cd "$CONSUMER" && timeout 60 node ai-sdk-otel.mjs) || die "@rerankit/ai-sdk and @rerankit/otel consumer"

step "the LLM rerankers"
(cd "$CONSUMER" && timeout 60 node llm.mjs) || die "@rerankit/llm consumer"

step "the rerankit bin"
BIN="$CONSUMER/node_modules/@rerankit/server/bin/rerankit.js"
[[ -x "$BIN" ]] || die "bin/rerankit.js is not executable after install"
[[ -e "$CONSUMER/node_modules/.bin/rerankit" ]] || die "node_modules/.bin/rerankit was not linked"
HELP="$(cd "$CONSUMER" && timeout 30 npx --no -- rerankit --help)" || die "npx rerankit --help exited non-zero"
grep -q "rerankit serve" <<<"$HELP" && grep -q "rerankit rank" <<<"$HELP" || die "npx rerankit --help: unexpected output: $HELP"
echo "  npx rerankit --help: ok"
(cd "$CONSUMER" && exec node_modules/.bin/rerankit serve --port 0 >"$WORK/serve.log" 2>&1) &
SERVE_PID=$!
URL=""
for _ in $(seq 1 100); do
  URL="$(sed -n 's/^Rerankit server listening on \(http[^ ]*\).*/\1/p' "$WORK/serve.log")"
  [[ -n "$URL" ]] && break
  kill -0 "$SERVE_PID" 2>/dev/null || die "rerankit serve exited: $(cat "$WORK/serve.log")"
  sleep 0.1
done
[[ -n "$URL" ]] || die "rerankit serve printed no URL: $(cat "$WORK/serve.log")"
echo "  rerankit serve --port 0: $URL"
TABLE="$(cd "$CONSUMER" && timeout 30 npx --no -- rerankit rank --provider rerankit --base-url "$URL/v1" --query "capital of France" docs.txt)" \
  || die "rerankit rank exited non-zero"
echo "$TABLE" | sed 's/^/    /'
grep -q "Paris" <<<"$TABLE" || die "rerankit rank: no Paris in the table"
TOP="$(cd "$CONSUMER" && timeout 30 npx --no -- rerankit rank --provider rerankit --base-url "$URL/v1" --query "capital of France" --json docs.txt \
  | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).results[0].index))')" \
  || die "rerankit rank --json failed"
[[ "$TOP" == 1 ]] || die "rerankit rank --json: top index $TOP, expected 1"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || die "rerankit serve exited non-zero on SIGTERM: $(cat "$WORK/serve.log")"
SERVE_PID=""
grep -q "stopped" "$WORK/serve.log" || die "rerankit serve did not stop cleanly: $(cat "$WORK/serve.log")"
echo "  rerankit rank (table and --json) against it: ok; SIGTERM: stopped cleanly"

step "tsc on a consumer file"
# node16 checks an ESM (.mts) and a CommonJS (.cts) consumer with skipLibCheck off, so our own
# .d.ts and .d.cts files are typechecked too; bundler resolves the same .d.ts files, so it keeps
# skipLibCheck on (what most projects use) and the run short. The peers' declarations have
# errors of their own under node16 (their .d.cts files import ESM-only packages; @llamaindex/core
# imports "ajv" without depending on it): those are listed and ignored; any error in the consumer
# file or in node_modules/@rerankit fails the check.
for config in node16 bundler; do
  status=0
  OUT="$(cd "$CONSUMER" && node "$TSC" -p "tsconfig.$config.json" --pretty false)" || status=$?
  OURS="$(grep -E 'error TS[0-9]+' <<<"$OUT" | grep -vE '^node_modules/' || true)$(grep -E '^node_modules/@rerankit/' <<<"$OUT" || true)"
  UPSTREAM="$(grep -E '^node_modules/[^ ]*\([0-9]+,[0-9]+\): error TS' <<<"$OUT" | grep -vE '^node_modules/@rerankit/' || true)"
  if [[ -n "$OURS" ]] || { [[ $status -ne 0 ]] && [[ -z "$UPSTREAM" ]]; }; then
    echo "$OUT" >&2
    die "tsc, moduleResolution $config"
  fi
  if [[ -n "$UPSTREAM" ]]; then
    echo "  moduleResolution $config: ok ($(wc -l <<<"$UPSTREAM") errors inside the peers' own declarations ignored: $(sed -E 's#^node_modules/((@[^/]+/)?[^/]+)/.*error (TS[0-9]+).*#\1 \3#' <<<"$UPSTREAM" | sort -u | paste -sd, -))"
  else
    echo "  moduleResolution $config: ok"
  fi
done

step "@rerankit/transformers in a project of its own (npm, registry only)"
# ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node's postinstall would download CUDA binaries from
# outside the npm registry; the CPU binaries ship in the npm package.
TCONSUMER="$WORK/transformers-consumer"
mkdir -p "$TCONSUMER"
echo '{ "name": "rerankit-pack-smoke-transformers", "version": "0.0.0", "private": true, "type": "module" }' >"$TCONSUMER/package.json"
(
  cd "$TCONSUMER"
  ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --loglevel=error \
    "$WORK"/tarballs/rerankit-core-*.tgz "$WORK"/tarballs/rerankit-eval-*.tgz "$WORK"/tarballs/rerankit-server-*.tgz "$WORK"/tarballs/rerankit-transformers-*.tgz
) || die "npm install of @rerankit/transformers failed"
check_engines "$TCONSUMER" || die "engines.node (@rerankit/transformers)"
TINY="$ROOT/packages/transformers/test/fixtures/tiny-cross-encoder"
(cd "$TCONSUMER" && timeout 120 node -e '
  const { CrossEncoderReranker } = require("@rerankit/transformers");
  const { cases } = require(process.argv[1] + "/expected.json");
  const c = cases[0];
  new CrossEncoderReranker({ model: process.argv[1], localOnly: true }).rerank({ query: c.query, documents: [c.document] }).then((r) => {
    const expected = 1 / (1 + Math.exp(-c.logits[0]));
    if (Math.abs(r.results[0].relevanceScore - expected) > 1e-4) throw new Error(`score ${r.results[0].relevanceScore}, expected ${expected}`);
    console.log(`  require: score ${r.results[0].relevanceScore.toFixed(6)} = sigmoid(the reference logit)`);
  });
' "$TINY") || die "@rerankit/transformers from CommonJS"
(cd "$TCONSUMER" && timeout 120 node --input-type=module -e '
  import { BatchingReranker, CrossEncoderReranker } from "@rerankit/transformers";
  const batching = new BatchingReranker({ reranker: new CrossEncoderReranker({ model: process.argv[1], localOnly: true }) });
  const r = await batching.rerank({ query: "what is the capital of france", documents: ["cats are pets.", "paris is the capital of france."] });
  if (r.results.length !== 2 || r.scoreKind !== "probability") throw new Error(JSON.stringify(r));
  console.log(`  import: BatchingReranker ranked ${r.results.map((x) => x.index)}`);
' "$TINY") || die "@rerankit/transformers from ESM"
(cd "$TCONSUMER" && exec node_modules/.bin/rerankit serve --port 0 --model "$TINY" --local-only >"$WORK/serve-model.log" 2>&1) &
SERVE_PID=$!
URL=""
for _ in $(seq 1 300); do
  URL="$(sed -n 's/^Rerankit server listening on \(http[^ ]*\).*/\1/p' "$WORK/serve-model.log")"
  [[ -n "$URL" ]] && break
  kill -0 "$SERVE_PID" 2>/dev/null || die "rerankit serve --model exited: $(cat "$WORK/serve-model.log")"
  sleep 0.1
done
[[ -n "$URL" ]] || die "rerankit serve --model printed no URL: $(cat "$WORK/serve-model.log")"
HEALTH="$(node -e 'fetch(process.argv[1] + "/health").then((r) => r.text()).then(console.log)' "$URL")"
[[ "$HEALTH" == *"\"model\":\"$TINY\""* ]] || die "rerankit serve --model: /health says $HEALTH"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || die "rerankit serve --model exited non-zero on SIGTERM: $(cat "$WORK/serve-model.log")"
SERVE_PID=""
echo "  rerankit serve --model (tiny fixture) --local-only: /health $HEALTH"

printf '\npack smoke: ok — %s tarballs packed, installed outside the workspace, required, imported, reranked, bin run, types checked (%ss)\n' "${#PACKAGES[@]}" "$(( SECONDS - START ))"

// Checks the manifests and file lists of the packed (not the workspace) packages.
// Usage: node check-tarballs.mjs DIR PACKAGES — DIR holds one extracted tarball per package
// (DIR/<name>/package/…); PACKAGES is the workspace's packages/ folder, to compare the manifests.
import { isDeepStrictEqual } from "node:util";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const [root, workspacePackages] = process.argv.slice(2);
const workspaceManifests = new Map(
  readdirSync(workspacePackages, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => JSON.parse(readFileSync(join(workspacePackages, entry.name, "package.json"), "utf8")))
    .map((pkg) => [pkg.name, pkg]),
);

/** The workspace exports map without the "@rerankit/source" condition: what must be published. */
function withoutSourceCondition(value) {
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "@rerankit/source")
      .map(([key, inner]) => [key, withoutSourceCondition(inner)]),
  );
}
const failures = [];
const fail = (message) => failures.push(message);

function walk(dir, base = "") {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name), `${base}${entry.name}/`) : [`${base}${entry.name}`],
  );
}

/** Every file path an exports map, main/module/types or bin can point at. */
function targets(value, path = "exports") {
  if (typeof value === "string") return [[path, value]];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => targets(inner, `${path}[${JSON.stringify(key)}]`));
}

for (const name of readdirSync(root).sort()) {
  const dir = join(root, name, "package");
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const files = walk(dir);
  const where = pkg.name;
  const text = JSON.stringify(pkg);

  if (text.includes("workspace:")) fail(`${where}: a "workspace:" specifier survived packing`);
  if (text.includes("@rerankit/source")) fail(`${where}: the workspace-only "@rerankit/source" condition is in the published manifest`);
  if (pkg.publishConfig?.exports) fail(`${where}: publishConfig.exports was not applied by pnpm pack`);
  const workspace = workspaceManifests.get(pkg.name);
  if (!workspace) fail(`${where}: no workspace package of that name`);
  else if (!isDeepStrictEqual(pkg.exports, withoutSourceCondition(workspace.exports))) {
    fail(
      `${where}: the published exports (publishConfig.exports) differ from the workspace exports minus "@rerankit/source": keep them in sync`,
    );
  }
  for (const [field, deps] of Object.entries({ dependencies: pkg.dependencies, peerDependencies: pkg.peerDependencies })) {
    for (const [dep, range] of Object.entries(deps ?? {})) {
      if (dep.startsWith("@rerankit/") && range !== `^${pkg.version}`)
        fail(`${where}: ${field}.${dep} is ${range}, expected ^${pkg.version}`);
    }
  }
  for (const required of ["package.json", "README.md", "LICENSE", "CHANGELOG.md"]) {
    if (!files.includes(required)) fail(`${where}: ${required} missing from the tarball`);
  }
  // A declared bin may sit outside dist/ (@rerankit/server's launcher exists before a build).
  const binFiles = new Set(
    Object.values(typeof pkg.bin === "string" ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {})).map((p) => String(p).replace(/^\.\//, "")),
  );
  for (const file of files) {
    if (!binFiles.has(file) && !/^(dist\/|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$)/.test(file))
      fail(`${where}: unexpected file in the tarball: ${file}`);
    if (file.endsWith(".js.map") || file.endsWith(".cjs.map")) {
      const map = JSON.parse(readFileSync(join(dir, file), "utf8"));
      if (!Array.isArray(map.sourcesContent) || map.sourcesContent.length !== map.sources.length) {
        fail(`${where}: ${file} lacks sourcesContent (src/ is not shipped, so the map needs it)`);
      }
    }
  }
  const pointers = [
    ...targets(pkg.exports),
    ...["main", "module", "types"].filter((k) => pkg[k]).map((k) => [k, pkg[k]]),
    ...targets(typeof pkg.bin === "string" ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {}), "bin"),
  ];
  for (const [field, target] of pointers) {
    if (!files.includes(target.replace(/^\.\//, ""))) fail(`${where}: ${field} points at ${target}, which is not in the tarball`);
  }
  for (const [bin, target] of Object.entries(typeof pkg.bin === "string" ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {}))) {
    const body = readFileSync(join(dir, target), "utf8");
    if (!body.startsWith("#!/usr/bin/env node\n")) fail(`${where}: bin ${bin} (${target}) has no "#!/usr/bin/env node" line`);
    if ((statSync(join(dir, target)).mode & 0o111) === 0) fail(`${where}: bin ${bin} (${target}) is not executable in the tarball`);
  }
  if (pkg.license !== "MIT") fail(`${where}: license is ${pkg.license}`);
  if (!pkg.repository?.url || !pkg.repository?.directory) fail(`${where}: repository.url/directory missing`);
}

if (failures.length > 0) {
  for (const message of failures) console.error(`FAIL ${message}`);
  process.exit(1);
}
console.log("tarball manifests: ok (no workspace: ranges, no source condition, every entry point present)");

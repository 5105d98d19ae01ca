#!/usr/bin/env bash
# `pnpm notebooks`: typechecks the notebooks' code cells, then executes every notebook in
# examples/notebooks/ headlessly on the Deno kernel. Exits non-zero when a cell fails to typecheck
# or to run. With --update, writes the fresh outputs back into the notebooks (what gets committed).
# Needs Jupyter and the Deno kernel: examples/scripts/install-notebook-tools.sh sets them up.
set -euo pipefail
cd "$(dirname "$0")/.."   # examples/
update=false
[ "${1:-}" = "--update" ] && update=true
export PYDEVD_DISABLE_FILE_VALIDATION=1   # quiets a debugger warning from ipykernel's Python
notebooks=(notebooks/*.ipynb)

command -v jupyter >/dev/null || { echo "notebooks: jupyter is missing: run examples/scripts/install-notebook-tools.sh" >&2; exit 1; }
# (read the list first: with pipefail, grep -q closing the pipe early would fail the pipeline)
[[ "$(jupyter kernelspec list 2>/dev/null)" =~ (^|$'\n')\ *deno\  ]] || { echo "notebooks: the Deno kernel is not registered: run examples/scripts/install-notebook-tools.sh" >&2; exit 1; }

echo "notebooks: typechecking the code cells of ${#notebooks[@]} notebooks"
node scripts/extract-notebook-cells.mjs .notebooks-check "${notebooks[@]}"
../node_modules/.bin/tsc -p notebooks/tsconfig.json

failed=0
for nb in "${notebooks[@]}"; do
  started=$(date +%s)
  if $update; then
    jupyter nbconvert --log-level=WARN --to notebook --execute --inplace \
      --ExecutePreprocessor.kernel_name=deno --ExecutePreprocessor.timeout=300 --ExecutePreprocessor.record_timing=False "$nb" || failed=1
  else
    jupyter execute --kernel_name=deno --timeout=300 "$nb" || failed=1
  fi
  echo "notebooks: $nb done in $(( $(date +%s) - started )) s"
done
if $update && [ "$failed" -eq 0 ]; then
  # The outputs get committed: make sure no cell that shows something came back empty.
  node -e '
    const fs = require("node:fs");
    let bad = 0;
    for (const path of process.argv.slice(1)) {
      JSON.parse(fs.readFileSync(path, "utf8")).cells.forEach((cell, i) => {
        const src = [].concat(cell.source).join("");
        if (cell.cell_type === "code" && src.includes("await show(") && (cell.outputs ?? []).length === 0) {
          console.error(`notebooks: ${path}, cell ${i}: no output recorded`);
          bad = 1;
        }
      });
    }
    process.exit(bad);
  ' "${notebooks[@]}" || failed=1
fi
if [ "$failed" -ne 0 ]; then
  echo "notebooks: a notebook failed" >&2
  exit 1
fi
echo "notebooks: all ${#notebooks[@]} notebooks typechecked and executed"

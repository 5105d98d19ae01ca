#!/usr/bin/env bash
# Installs what `pnpm notebooks` needs on a fresh Debian machine (run as root, after `pnpm install`):
# Jupyter's headless runner from Debian packages, and the Deno Jupyter kernel from the `deno` npm
# package that examples/ depends on. Needs no network but the Debian mirrors (and nothing from npm
# beyond what `pnpm install` already fetched).
set -euo pipefail
cd "$(dirname "$0")/.."   # examples/

if ! command -v jupyter >/dev/null 2>&1 || ! jupyter execute --help >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends \
    jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client >/dev/null
fi

# The npm `deno` package ships the binary in a platform package (an optionalDependency); its
# launcher finds it without the package's postinstall, so `allowBuilds: deno: false` is fine.
DENO="$PWD/node_modules/.bin/deno"
if [ ! -x "$DENO" ]; then
  echo "install-notebook-tools: $DENO is missing; run pnpm install first" >&2
  exit 1
fi
# Registers the kernel in ~/.local/share/jupyter/kernels/deno (argv points at the real binary).
"$DENO" jupyter --install --force >/dev/null
[[ "$(jupyter kernelspec list 2>/dev/null)" =~ (^|$'\n')\ *deno\  ]] || { echo "install-notebook-tools: the deno kernel did not register" >&2; exit 1; }
echo "install-notebook-tools: jupyter $(jupyter --version 2>/dev/null | awk '/^nbclient/{print "nbclient " $3}') and the Deno kernel ($("$DENO" --version | head -1)) are ready"

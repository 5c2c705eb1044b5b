#!/usr/bin/env bash
# Checks the package as users receive it: build, pack, publint, are-the-types-wrong, and a scratch
# project that installs the tarball and imports every subpath from ESM, CommonJS and TypeScript.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tarball="$scratch/$(npm pack --silent --pack-destination "$scratch" | tail -n 1)"

npx publint run --strict "$tarball"
# Every resolution (node10 through typesVersions, node16 CommonJS and ES module consumers, bundler)
# for every subpath.
npx attw "$tarball"
# No runtime dependencies: everything greenslo runs is in its own dist/.
node -e "const m = require(process.argv[1]); if (Object.keys(m.dependencies ?? {}).length) { console.error('runtime dependencies:', m.dependencies); process.exit(1); }" "$PWD/package.json"

node scripts/smoke.mjs "$scratch" "$tarball"

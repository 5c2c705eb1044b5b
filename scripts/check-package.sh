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
# node16 profile: node16 (CommonJS and ES module consumers) and bundler resolution; every subpath.
npx attw --profile node16 "$tarball"

node scripts/smoke.mjs "$scratch" "$tarball"

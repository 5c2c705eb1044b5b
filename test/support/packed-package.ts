/**
 * The package as users receive it: the sources are copied to a staging folder, built there with the
 * project's tsup configuration, packed with `npm pack`, and the tarball is unpacked into
 * `consumer/node_modules/greenslo`. greenslo has no runtime dependencies, so unpacking is a complete
 * install; everything else a consumer file imports (framework types, esbuild) resolves from the
 * project's own node_modules further up.
 *
 * The result is cached under test-output/ (ignored by git; not under node_modules, whose TypeScript
 * the declaration bundler would not parse) by a hash of the inputs, and built once even when
 * several test files ask at the same time (a lock directory, polled). Building in a copy leaves the
 * working tree's dist/ alone.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** What `npm pack --json` reports about the tarball. */
export interface PackedPackage {
  /** Folder whose `node_modules/greenslo` holds the unpacked tarball; put consumer files here. */
  readonly consumerDir: string;
  /** The unpacked package. */
  readonly packageDir: string;
  readonly tarball: string;
  /** Size of the tarball, bytes. */
  readonly packedBytes: number;
  /** Total size of the files in the tarball, bytes. */
  readonly unpackedBytes: number;
  /** Paths of the files in the tarball, relative to the package. */
  readonly files: readonly string[];
}

const root = resolve(import.meta.dirname, '../..');
/** Where the package's sources come from: this checkout, or another one (a clean export, say). */
const sourceRoot = resolve(process.env['GREENSLO_PACKAGE_SOURCE'] ?? root);
const inputs = [
  'package.json',
  'tsup.config.ts',
  'tsconfig.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'src',
];
const cacheRoot = join(root, 'test-output/packed-package');
const BUILD_WAIT_LIMIT_MS = 10 * 60_000;
const POLL_MS = 500;

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

function inputHash(): string {
  const hash = createHash('sha256');
  for (const file of inputs.flatMap((input) => filesUnder(join(sourceRoot, input)))) {
    hash.update(relative(sourceRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function build(dir: string): PackedPackage {
  const stage = join(dir, 'stage');
  mkdirSync(stage, { recursive: true });
  for (const input of inputs)
    cpSync(join(sourceRoot, input), join(stage, input), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(root, 'node_modules/tsup/dist/cli-default.js')], {
    cwd: stage,
    stdio: 'pipe',
  });
  const [report] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
      cwd: stage,
      encoding: 'utf8',
    }),
  ) as [{ filename: string; size: number; unpackedSize: number; files: { path: string }[] }];
  const consumerDir = join(dir, 'consumer');
  const packageDir = join(consumerDir, 'node_modules/greenslo');
  mkdirSync(packageDir, { recursive: true });
  const tarball = join(dir, report.filename);
  execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
  writeFileSync(
    join(consumerDir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  rmSync(stage, { recursive: true, force: true });
  return {
    consumerDir,
    packageDir,
    tarball,
    packedBytes: report.size,
    unpackedBytes: report.unpackedSize,
    files: report.files.map((file) => file.path).sort(),
  };
}

/** Finished builds kept besides the newest, so that a run of other sources at the same time keeps its own. */
const OLD_BUILDS_KEPT = 2;

function removeOldBuilds(keep: string): void {
  const finished = readdirSync(cacheRoot)
    .filter((name) => name !== keep && existsSync(join(cacheRoot, name, 'packed.json')))
    .sort(
      (a, b) =>
        statSync(join(cacheRoot, b, 'packed.json')).mtimeMs -
        statSync(join(cacheRoot, a, 'packed.json')).mtimeMs,
    );
  for (const name of finished.slice(OLD_BUILDS_KEPT))
    rmSync(join(cacheRoot, name), { recursive: true, force: true });
}

async function waitForOtherBuild(dir: string): Promise<PackedPackage> {
  const lock = `${dir}.lock`;
  for (let waitedMs = 0; waitedMs < BUILD_WAIT_LIMIT_MS; waitedMs += POLL_MS) {
    if (existsSync(join(dir, 'packed.json')))
      return JSON.parse(readFileSync(join(dir, 'packed.json'), 'utf8')) as PackedPackage;
    if (!existsSync(lock)) throw new Error(`the build in ${dir} stopped without a result`);
    await sleep(POLL_MS);
  }
  throw new Error(
    `waited ${BUILD_WAIT_LIMIT_MS} ms for the build in ${dir}; remove ${lock} if no build is running`,
  );
}

/** Builds and packs the package once per set of inputs; later calls return the cached result. */
export async function packedPackage(): Promise<PackedPackage> {
  const key = inputHash();
  const dir = join(cacheRoot, key);
  const marker = join(dir, 'packed.json');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8')) as PackedPackage;
  mkdirSync(cacheRoot, { recursive: true });
  try {
    mkdirSync(`${dir}.lock`);
  } catch {
    return waitForOtherBuild(dir);
  }
  try {
    rmSync(dir, { recursive: true, force: true });
    const packed = build(dir);
    writeFileSync(marker, JSON.stringify(packed));
    removeOldBuilds(key);
    return packed;
  } finally {
    rmSync(`${dir}.lock`, { recursive: true, force: true });
  }
}

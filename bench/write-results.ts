/**
 * `npm run bench`: runs every benchmark (`bench/index.ts`) in a child process with `--expose-gc`,
 * shows its tables as they come, and writes them to `bench/RESULTS.md` under a header that names
 * the date, the Node.js version and the machine. With filter words (`npm run bench -- slo`) the
 * tables only go to the terminal: RESULTS.md holds complete runs.
 */
import { spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';

const RESULTS_FILE = join(import.meta.dirname, 'RESULTS.md');
const args = process.argv.slice(2);
const filtered = args.some((arg) => !arg.startsWith('-'));
const command = ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'index.ts'), ...args];

function header(startedAt: Date): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = (totalmem() / 2 ** 30).toFixed(1);
  return [
    '<!-- Written by `npm run bench` (bench/write-results.ts); regenerate it rather than edit it. -->',
    '# greenslo benchmark results',
    '',
    `- started: ${startedAt.toISOString()}`,
    `- Node.js ${process.version} (V8 ${process.versions.v8})`,
    `- machine: ${availableParallelism()} cores (${model}), ${memoryGiB} GiB memory, ${platform()} ${release()} ${process.arch}`,
    '- command: `node --expose-gc --import tsx bench/index.ts`',
    '',
    'One run on one machine, which other work may share: compare the ratios within a table, not absolute',
    'figures across machines.',
    '',
    '',
  ].join('\n');
}

async function runBenchmarks(): Promise<{ code: number; output: string }> {
  const child = spawn(process.execPath, command, { stdio: ['inherit', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    chunks.push(chunk);
  });
  const code = await new Promise<number>((resolve) =>
    child.once('close', (exitCode) => resolve(exitCode ?? 1)),
  );
  return { code, output: Buffer.concat(chunks).toString('utf8') };
}

const startedAt = new Date();
const { code, output } = await runBenchmarks();
if (code !== 0) {
  process.stderr.write(`\nbenchmarks failed (exit ${code}): ${RESULTS_FILE} left as it was.\n`);
  process.exitCode = code;
} else if (filtered) {
  process.stderr.write(
    `\nfiltered run: ${RESULTS_FILE} is written by complete runs only (npm run bench).\n`,
  );
} else {
  // Written beside and renamed, so that an interrupted write never leaves half a file.
  const temporary = `${RESULTS_FILE}.tmp`;
  writeFileSync(temporary, header(startedAt) + output);
  renameSync(temporary, RESULTS_FILE);
  process.stderr.write(`\nwrote ${RESULTS_FILE}\n`);
}

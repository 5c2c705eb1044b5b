/**
 * Runs every `bench/*.bench.ts` file in turn. Each exports `default async function run()` that
 * prints its own tables. `npm run bench -- slo rate` runs only the files whose names contain one of
 * the given words.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const files = readdirSync(import.meta.dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((word) => file.includes(word)))
  .sort();

console.log(`# greenslo benchmarks (node ${process.version}, ${new Date().toISOString()})`);
if (!(globalThis as { gc?: unknown }).gc)
  console.log('(heap figures are more exact with NODE_OPTIONS=--expose-gc)');
for (const file of files) {
  const module = (await import(pathToFileURL(join(import.meta.dirname, file)).href)) as {
    default: () => Promise<void> | void;
  };
  console.log(`\n# ${file}`);
  await module.default();
}

// Installs the packed tarball into a scratch project and imports every subpath the way users do:
// `import` from an ES module, `require` from CommonJS, and type-checked TypeScript consumers under
// `moduleResolution` node10 (through `typesVersions`), node16 (CommonJS and ES module) and bundler. Classes reachable from two subpaths must be one class.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [scratch, tarball] = process.argv.slice(2);
if (!scratch || !tarball) throw new Error('usage: node scripts/smoke.mjs <scratch-dir> <tarball>');

const root = resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const subpaths = Object.keys(manifest.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'greenslo' : `greenslo/${key.slice(2)}`));

const app = join(scratch, 'consumer');
mkdirSync(app, { recursive: true });
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
);
const run = (command, args, cwd = app) => execFileSync(command, args, { cwd, stdio: 'inherit' });
// The adapters' declarations refer to their framework's types, as a user of that adapter has them.
// Fastify and Hono ship their own types.
const frameworkTypes = [
  '@types/node@20',
  '@types/express@5',
  '@types/koa@3',
  'fastify@5',
  'hono@4',
];
run('npm', [
  'install',
  '--no-audit',
  '--no-fund',
  '--prefer-offline',
  '--silent',
  tarball,
  ...frameworkTypes,
]);
const installed = JSON.parse(readFileSync(join(app, 'node_modules/greenslo/package.json'), 'utf8'));
if (Object.keys(installed.dependencies ?? {}).length > 0)
  throw new Error(`greenslo has runtime dependencies: ${JSON.stringify(installed.dependencies)}`);

// The adapters export the same names (guard, healthHandlers, ...) with framework-specific
// implementations; every other export reachable from two subpaths must be the very same object.
const adapters = subpaths.filter((name) =>
  ['express', 'koa', 'fetch', 'fastify', 'hono'].includes(name.slice('greenslo/'.length)),
);
const sameClassCheck = (load) => `
const adapters = ${JSON.stringify(adapters)};
const modules = Object.fromEntries(await Promise.all(${JSON.stringify(subpaths)}.map(async (name) => [name, await ${load}(name)])));
let shared = 0;
for (const [a, left] of Object.entries(modules)) {
  for (const [b, right] of Object.entries(modules)) {
    for (const key of Object.keys(left)) {
      if (a < b && key in right && !(adapters.includes(a) && adapters.includes(b))) {
        if (left[key] !== right[key]) throw new Error(key + ' differs between ' + a + ' and ' + b);
        shared++;
      }
    }
  }
}
console.log(${JSON.stringify(load)}, Object.keys(modules).length, 'subpaths,', shared, 'shared exports identical');
`;
writeFileSync(join(app, 'esm.mjs'), sameClassCheck('import'));
writeFileSync(
  join(app, 'cjs.cjs'),
  `(async () => {${sameClassCheck('require')}})().catch((error) => { console.error(error); process.exit(1); });`,
);
run('node', ['esm.mjs']);
run('node', ['cjs.cjs']);

// splitting keeps one copy of each class in each format, so instanceof holds across subpaths.
const dist = join(app, 'node_modules/greenslo/dist');
for (const extension of ['.js', '.cjs']) {
  const files = readdirSync(dist).filter((file) => file.endsWith(extension));
  const definitions = new Map();
  for (const file of files) {
    for (const match of readFileSync(join(dist, file), 'utf8').matchAll(
      /^(?:var (\w+) = class\b|(?:export )?class (\w+))/gm,
    )) {
      const name = match[1] ?? match[2];
      definitions.set(name, [...(definitions.get(name) ?? []), file]);
    }
  }
  const duplicated = [...definitions].filter(([, where]) => where.length > 1);
  if (duplicated.length > 0)
    throw new Error(
      `classes defined more than once in the ${extension} build: ${JSON.stringify(duplicated)}`,
    );
  console.log(
    `${extension}: ${definitions.size} classes, each defined once across ${files.length} files`,
  );
}

const imports = subpaths.map((name, i) => `import * as entry${i} from '${name}';`).join('\n');
const uses = `export const entries = [${subpaths.map((_, i) => `entry${i}`).join(', ')}];\n`;
const requires = subpaths.map((name, i) => `import entry${i} = require('${name}');`).join('\n');
writeFileSync(join(app, 'consumer.mts'), `${imports}\n${uses}`);
writeFileSync(join(app, 'consumer.cts'), `${requires}\n${uses}`);
writeFileSync(join(app, 'bundler.ts'), `${imports}\n${uses}`);
writeFileSync(join(app, 'node10.ts'), `${imports}\n${uses}`);
const base = {
  target: 'es2022',
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  types: ['node'],
  exactOptionalPropertyTypes: true,
};
const tsconfigs = {
  'tsconfig.node16.json': {
    compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16' },
    files: ['consumer.mts', 'consumer.cts'],
  },
  'tsconfig.bundler.json': {
    compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler' },
    files: ['bundler.ts'],
  },
  'tsconfig.node10.json': {
    compilerOptions: {
      ...base,
      module: 'commonjs',
      moduleResolution: 'node10',
      esModuleInterop: true,
    },
    files: ['node10.ts'],
  },
};
for (const [file, config] of Object.entries(tsconfigs)) {
  writeFileSync(join(app, file), JSON.stringify(config, null, 2));
  run(join(root, 'node_modules/.bin/tsc'), ['-p', file]);
  console.log(`TypeScript consumer (${file}) type-checks imports of ${subpaths.length} subpaths`);
}

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entry } from '../../tsup.config.js';

// Each public subpath is declared in four places that must agree: the `exports` map (Node and
// modern TypeScript), `typesVersions` (TypeScript's node10 resolution), the build's entries and the
// API reference's entry points.
const root = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  exports: Record<
    string,
    | string
    | { import: { types: string; default: string }; require: { types: string; default: string } }
  >;
  typesVersions: Record<string, Record<string, string[]>>;
  dependencies?: Record<string, string>;
};
const typedoc = JSON.parse(readFileSync(resolve(root, 'typedoc.json'), 'utf8')) as {
  entryPoints: string[];
};
const subpaths = Object.keys(manifest.exports)
  .filter((key) => key !== '.' && key !== './package.json')
  .map((key) => key.slice(2));

describe('package manifest', () => {
  it('has no runtime dependencies', () => {
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  it('maps every subpath in typesVersions to the declarations its require condition names', () => {
    expect(Object.keys(manifest.typesVersions['*']!).sort()).toEqual([...subpaths].sort());
    for (const subpath of subpaths) {
      const conditions = manifest.exports[`./${subpath}`] as { require: { types: string } };
      expect(manifest.typesVersions['*']![subpath]).toEqual([conditions.require.types]);
    }
  });

  it('builds every subpath under the name its exports point at, from a source file that exists', () => {
    const entries = entry as Record<string, string>;
    expect(
      Object.keys(entries)
        .filter((name) => name !== 'index')
        .sort(),
    ).toEqual([...subpaths].sort());
    for (const [name, source] of Object.entries(entries)) {
      expect(existsSync(resolve(root, source)), source).toBe(true);
      const target = name === 'index' ? manifest.exports['.'] : manifest.exports[`./${name}`];
      expect(target).toEqual({
        import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
        require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
      });
    }
  });

  it('documents every entry point in the API reference', () => {
    expect([...typedoc.entryPoints].sort()).toEqual(
      Object.values(entry as Record<string, string>).sort(),
    );
  });
});

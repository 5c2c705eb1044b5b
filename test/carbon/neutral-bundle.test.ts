import { build } from 'esbuild';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('greenslo/carbon in any Fetch runtime', () => {
  it('bundles for a neutral platform (Workers) with no node:* import', async () => {
    const result = await build({
      entryPoints: [join(import.meta.dirname, '../../src/carbon/index.ts')],
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const imports = Object.values(result.metafile.outputs).flatMap((output) =>
      output.imports.map((entry) => entry.path),
    );
    expect(imports).toEqual([]);
    expect(result.outputFiles[0]!.text).toContain('electricity-maps:');
  });
});

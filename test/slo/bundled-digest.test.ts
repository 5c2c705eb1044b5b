import { build, type BuildOptions } from 'esbuild';
import tdigest from 'tdigest';
import { describe, expect, it } from 'vitest';
import config from '../../tsup.config.js';
import { lognormal, seededRandom } from './reference.js';

type Digests = typeof tdigest;

/** `tdigest` as dist/ carries it: through the build's plugins (trimmed) and property mangling. */
async function bundledTdigest(): Promise<Digests> {
  const options = config as { esbuildPlugins?: BuildOptions['plugins'] } & {
    esbuildOptions?: (options: BuildOptions) => void;
  };
  const esbuildOptions: BuildOptions = {};
  options.esbuildOptions?.(esbuildOptions);
  const result = await build({
    stdin: { contents: "export { default } from 'tdigest';", resolveDir: process.cwd() },
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    plugins: options.esbuildPlugins ?? [],
    ...esbuildOptions,
  });
  const code = result.outputFiles?.[0]?.text ?? '';
  const module = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as {
    default: Digests;
  };
  return module.default;
}

describe('the tdigest bundled into dist/', () => {
  it('answers exactly as the package for the calls greenslo makes', async () => {
    const bundled = await bundledTdigest();
    const random = seededRandom(23);
    for (let round = 0; round < 12; round++) {
      const trimmed = new bundled.TDigest(0.01, 0);
      const original = new tdigest.TDigest(0.01, 0);
      expect(trimmed.percentile(0.5)).toBe(original.percentile(0.5));
      const samples = Math.floor(random() * 20_000);
      for (let i = 0; i < samples; i++) {
        const latencyMs = Math.round(lognormal(random, 20, 1) * 100) / 100;
        const weight = 1 + Math.floor(random() * 3);
        trimmed.push(latencyMs, weight);
        original.push(latencyMs, weight);
        if (i % 4999 === 4998) {
          trimmed.reset();
          original.reset();
        }
      }
      for (const p of [0, 0.001, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1])
        expect(trimmed.percentile(p), `round ${round}, p ${p}`).toBe(original.percentile(p));
      expect(trimmed.toArray()).toEqual(original.toArray());
      expect([trimmed.size(), trimmed.n]).toEqual([original.size(), original.n]);
    }
  });
});

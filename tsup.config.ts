import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/** One entry per public subpath; `splitting` keeps one copy of each class shared between them. */
export const entry = {
  index: 'src/index.ts',
  node: 'src/node/index.ts',
  express: 'src/adapters/express.ts',
  koa: 'src/adapters/koa.ts',
  fetch: 'src/adapters/fetch.ts',
  fastify: 'src/adapters/fastify.ts',
  hono: 'src/adapters/hono.ts',
  http: 'src/http/index.ts',
  otel: 'src/otel/index.ts',
  carbon: 'src/carbon/index.ts',
  redis: 'src/redis/index.ts',
  prometheus: 'src/prometheus/index.ts',
  testing: 'src/testing/index.ts',
};

/**
 * Packages compiled into `dist/` so that the published package has no runtime dependencies; their
 * licences travel with it in `dist/THIRD-PARTY-NOTICES.md`.
 */
export const bundledPackages = ['tdigest', 'bintrees'];

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/** What greenslo leaves out of one bundled file. */
interface Trim {
  /** `Owner.prototype.name = function ... };` blocks to drop. */
  readonly methods?: readonly string[];
  /** Where the rest of the file is cut off, replaced by `exports`. */
  readonly cutFrom?: string;
  readonly exports?: string;
  /** Exact passages and their replacements, applied after the above. */
  readonly edits?: readonly (readonly [string, string])[];
}

/**
 * What greenslo never calls in the bundled packages: `tdigest`'s `Digest` (the discrete-mode
 * variant), its discrete mode, rank queries, random recompression (greenslo rebuilds the digest
 * itself, see src/slo/all-time-digest.ts), reset counter, settings, array arguments and the
 * cumulative counts only the discrete mode read; `bintrees`' index (which also loads the unused
 * `BinTree`: `tdigest` takes the red-black tree directly), and the tree's lookups, reverse walk,
 * removal and early stop of `each`. Dropping them takes about 1 kB gzipped off every bundle that
 * tracks SLOs; a name or passage that is no longer found fails the build rather than leaving the
 * code in silently.
 */
const unusedBundledCode: Record<string, Trim> = {
  'tdigest/tdigest.js': {
    methods: ['summary', 'bound_mean', 'p_rank', '_p_rank', 'percentile', 'push_centroid'],
    cutFrom: 'function pop_random(choices)',
    exports: 'module.exports = { TDigest: TDigest };\n',
    edits: [
      ["require('bintrees').RBTree", "require('bintrees/lib/rbtree')"],
      ['    this.discrete = (delta === false);\n', ''],
      ['    this.K = (K === undefined) ? 25 : K;\n', ''],
      ['    this.nreset = 0;\n', ''],
      ['    this.nreset += 1;\n', ''],
      ['    this.CX = (CX === undefined) ? 1.1 : CX;\n', ''],
      ['!exact && this.CX && this.CX > (this.n', '!exact && 1.1 > (this.n'],
      ['        cumn = c.cumn = cumn + c.n;\n', '        cumn += c.n;\n'],
      ['_new_centroid = function(x, n, cumn) {', '_new_centroid = function(x, n) {'],
      ['    var c = {mean:x, n:n, cumn:cumn};\n', '    var c = {mean:x, n:n};\n'],
      ['    nearest.cumn += n;\n', ''],
      ['this._new_centroid(x, n, 0);', 'this._new_centroid(x, n);'],
      ['this._new_centroid(x, n, this.n);', 'this._new_centroid(x, n);'],
      [
        '    n = n || 1;\n    x = Array.isArray(x) ? x : [x];\n    for (var i = 0 ; i < x.length ; i++) {\n        this._digest(x[i], n);\n    }\n',
        '    this._digest(x, n);\n',
      ],
      [
        '    if (everything) {\n        this._cumulate(true); // be sure cumns are exact\n        this.centroids.each(function(c) { result.push(c); });\n    } else {\n        this.centroids.each(function(c) { result.push({mean:c.mean, n:c.n}); });\n    }\n',
        '    this.centroids.each(function(c) { result.push({mean:c.mean, n:c.n}); });\n',
      ],
      ['if (c.mean === x || this.discrete) {', 'if (c.mean === x) {'],
      [
        '    } else if (this.discrete) {\n        this._new_centroid(x, n, nearest.cumn); // never merge\n',
        '',
      ],
      [
        '    if (!this.discrete && this.K && this.size() > this.K / this.delta) {\n        // re-process the centroids and hope for some compression.\n        this.compress();\n    }\n',
        '',
      ],
      [
        'TDigest.prototype._percentile = function(p) {',
        'TDigest.prototype.percentile = function(p) {',
      ],
      [
        '    } else if (!this.discrete) {\n        return lower.mean + (h - lower.mean_cumn) * (upper.mean - lower.mean) / (upper.mean_cumn - lower.mean_cumn);\n    } else if (h <= lower.cumn) {\n        return lower.mean;\n    } else {\n        return upper.mean;\n    }\n',
        '    }\n    return lower.mean + (h - lower.mean_cumn) * (upper.mean - lower.mean) / (upper.mean_cumn - lower.mean_cumn);\n',
      ],
      ['this._new_centroid(x, n, nearest.cumn);', 'this._new_centroid(x, n);'],
    ],
  },
  'bintrees/lib/treebase.js': {
    methods: ['find', 'findIter', 'reach'],
    edits: [['if(cb(data) === false) {\n            return;\n        }', 'cb(data);']],
  },
  'bintrees/lib/rbtree.js': { methods: ['remove'] },
};

/** `code` without what {@link unusedBundledCode} lists for `file`. */
function withoutUnused(file: string, code: string): string {
  const { methods = [], cutFrom, exports, edits = [] } = unusedBundledCode[file]!;
  let kept = code;
  if (cutFrom !== undefined) {
    const start = kept.indexOf(cutFrom);
    if (start < 0 || !kept.includes('module.exports', start))
      throw new Error(`${file}: \`${cutFrom}\` not found`);
    kept = kept.slice(0, start) + (exports ?? '');
  }
  for (const name of methods) {
    const block = new RegExp(`^\\w+\\.prototype\\.${name} = function[\\s\\S]*?^\\};\\n`, 'm');
    if (!block.test(kept)) throw new Error(`${file}: method \`${name}\` not found`);
    kept = kept.replace(block, '');
  }
  for (const [passage, replacement] of edits) {
    if (!kept.includes(passage)) throw new Error(`${file}: \`${passage}\` not found`);
    kept = kept.replace(passage, () => replacement);
  }
  return kept;
}

/**
 * A CommonJS file of the bundled packages as an ES module whose default export is its
 * `module.exports`, computed in a call marked pure: bundles that do not use it drop it, and no
 * CommonJS interop helpers (`__commonJS`, `__toESM`) are needed (about 0.3 kB gzipped less). Each
 * file assigns `module.exports` once, in its last statement, which becomes the function's result.
 */
function asPureModule(file: string, code: string): string {
  const imports: string[] = [];
  const body = code.replace(/require\('([^']+)'\)/g, (_call, specifier: string) => {
    imports.push(`import dependency${imports.length} from '${specifier}';`);
    return `dependency${imports.length - 1}`;
  });
  const exported = /\nmodule\.exports = ([^;]+);\s*$/.exec(body);
  if (exported === null || body.indexOf('module.exports') < exported.index)
    throw new Error(`${file}: no single, last \`module.exports = ...;\``);
  const result = exported[1]!;
  return `${imports.join('\n')}\nexport default /* @__PURE__ */ (function () {\n${body.slice(0, exported.index)}\nreturn ${result};\n})();\n`;
}

const bundledCodeTrimmed: EsbuildPlugin = {
  name: 'bundled-code-trimmed',
  setup(build) {
    build.onLoad(
      {
        filter:
          /node_modules[\\/](tdigest[\\/]tdigest|bintrees[\\/]lib[\\/](treebase|rbtree))\.js$/,
      },
      (args) => {
        const file = args.path.replace(/\\/g, '/').split('node_modules/').pop()!;
        return {
          contents: asPureModule(file, withoutUnused(file, readFileSync(args.path, 'utf8'))),
          loader: 'js',
        };
      },
    );
  },
};

/**
 * Internal property and method names of the bundled tdigest and bintrees, which nothing outside them
 * reads: shortened in `dist/` (about 0.1 kB gzipped less in every bundle that tracks SLOs). No
 * greenslo name matches.
 */
const INTERNAL_BUNDLED_PROPERTIES =
  /^(_cumulate|_new_centroid|_addweight|_digest|_root|_comparator|_ancestors|_cursor|_tree|_minNode|_maxNode|get_child|set_child|find_nearest|bound_mean_cumn|mean_cumn|last_cumulate)$/;

/** Writes the licence notice of every bundled package next to the build. */
function writeThirdPartyNotices(): void {
  const sections = bundledPackages.map((name) => {
    const manifest = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as {
      version: string;
      license: string;
      repository: { url: string };
    };
    const licence = readFileSync(`node_modules/${name}/LICENSE`, 'utf8').trim();
    return `## ${name} ${manifest.version} (${manifest.license})\n\nSource: ${manifest.repository.url}\n\n\`\`\`text\n${licence}\n\`\`\`\n`;
  });
  const intro = '# Third-party notices\n\ngreenslo bundles the following packages into `dist/`.\n';
  writeFileSync('dist/THIRD-PARTY-NOTICES.md', [intro, ...sections].join('\n'));
}

/**
 * Marks the CommonJS wrappers of the bundled packages as pure, so that an application bundling
 * greenslo leaves them out unless it uses the SLO tracker. esbuild emits `var require_x =
 * __commonJS(...)` and `var import_x = __toESM(require_x(), 1)` unannotated, and a bundler must
 * otherwise keep calls it cannot prove free of side effects.
 */
function markInteropPure(): void {
  for (const file of readdirSync('dist').filter((name) => name.endsWith('.js'))) {
    const code = readFileSync(`dist/${file}`, 'utf8');
    const marked = code
      .replace(/^var (require_\w+) = __commonJS\(/gm, 'var $1 = /* @__PURE__ */ __commonJS(')
      .replace(
        /^var (import_\w+) = __toESM\((require_\w+)\(\), 1\);$/gm,
        'var $1 = /* @__PURE__ */ __toESM(/* @__PURE__ */ $2(), 1);',
      );
    if (marked !== code) writeFileSync(`dist/${file}`, marked);
  }
}

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  treeshake: true,
  outDir: 'dist',
  noExternal: bundledPackages,
  esbuildPlugins: [bundledCodeTrimmed],
  // Frozen constants cost nothing to drop when unused; without this, every module-level
  // `Object.freeze(...)` would stay in every bundle. (A statement `Object.freeze(x);` would be
  // dropped too: eslint forbids that form.)
  esbuildOptions(options) {
    options.pure = ['Object.freeze', 'Object.fromEntries'];
    options.mangleProps = INTERNAL_BUNDLED_PROPERTIES;
  },
  onSuccess: () => {
    markInteropPure();
    writeThirdPartyNotices();
    return Promise.resolve();
  },
});

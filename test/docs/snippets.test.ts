import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { packedPackage } from '../support/packed-package.js';

// Every TypeScript and JavaScript block of README.md and docs/**/*.md is type-checked as a user
// would compile it, against the packed package (imports of `greenslo/*` resolve to the tarball;
// frameworks and clients to the project's own devDependencies). A block that is deliberately a
// fragment says so: the info string `ts fragment`, or a `<!-- snippet: skip -->` line before it.

const root = resolve(import.meta.dirname, '../..');
const LANGUAGES = new Map([
  ['ts', 'ts'],
  ['typescript', 'ts'],
  ['js', 'js'],
  ['javascript', 'js'],
]);
const SKIP_MARKER = '<!-- snippet: skip -->';

/** One code block: where it is, and its text. */
export interface Snippet {
  readonly file: string;
  /** Line of the opening fence, 1-based. */
  readonly line: number;
  readonly language: 'ts' | 'js';
  readonly code: string;
}

function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return name === 'api' ? [] : walk(path);
        return name.endsWith('.md') ? [path] : [];
      });
  return [join(root, 'README.md'), ...walk(join(root, 'docs'))];
}

/** The checked blocks of one markdown file, and how many were marked as fragments. */
export function snippetsOf(file: string, text: string): { snippets: Snippet[]; fragments: number } {
  const lines = text.split('\n');
  const snippets: Snippet[] = [];
  let fragments = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)(.*)$/.exec(lines[i]!);
    if (open === null) continue;
    const [, indent, fence, language, rest] = open as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence)) end++;
    const kind = LANGUAGES.get(language.toLowerCase());
    if (kind !== undefined) {
      const skipped =
        /\bfragment\b/.test(rest) ||
        lines[i - 1]?.trim() === SKIP_MARKER ||
        lines[i - 2]?.trim() === SKIP_MARKER;
      if (skipped) fragments++;
      else
        snippets.push({
          file,
          line: i + 1,
          language: kind as 'ts' | 'js',
          code: lines
            .slice(i + 1, end)
            .map((line) => line.slice(indent.length))
            .join('\n'),
        });
    }
    i = end;
  }
  return { snippets, fragments };
}

/** Loose declarations of the Deno and Bun globals that runtime-specific snippets use. */
const RUNTIME_GLOBALS = `
declare const Deno: { serve(handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Response | Promise<Response>): unknown };
declare const Bun: { serve(options: { port?: number; fetch(request: Request, server: { requestIP(request: Request): { address: string } | null }): Response | Promise<Response> }): unknown };
`;

function fileNameOf(snippet: Snippet, index: number): string {
  const base = relative(root, snippet.file).replace(/[^a-zA-Z0-9]+/g, '-');
  const commonJs = snippet.language === 'js' && /\brequire\s*\(/.test(snippet.code);
  const extension = snippet.language === 'ts' ? '.mts' : commonJs ? '.cjs' : '.mjs';
  return `${base}-${snippet.line}-${index}${extension}`;
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: ['node'],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  allowJs: true,
  checkJs: true,
  esModuleInterop: true,
};

/** Type-checks the snippets in `dir`; returns the errors of each snippet by its index. */
function typeCheck(dir: string, snippets: readonly Snippet[]): Map<number, string[]> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = snippets.map((snippet, index) => {
    const path = join(dir, fileNameOf(snippet, index));
    // `export {}` keeps every snippet a module of its own, so their names never collide.
    writeFileSync(path, `${snippet.code}\nexport {};\n`);
    return path;
  });
  writeFileSync(join(dir, 'runtime-globals.d.ts'), RUNTIME_GLOBALS);
  const program = ts.createProgram([...files, join(dir, 'runtime-globals.d.ts')], COMPILER_OPTIONS);
  const errors = new Map<number, string[]>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const index = diagnostic.file === undefined ? -1 : files.indexOf(diagnostic.file.fileName);
    const snippet = snippets[index];
    const where =
      diagnostic.file !== undefined && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line
        : 0;
    const at =
      snippet === undefined
        ? '(project)'
        : `${relative(root, snippet.file)}:${snippet.line + 1 + where}`;
    const message = `${at}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    errors.set(index, [...(errors.get(index) ?? []), message]);
  }
  return errors;
}

describe('code blocks of README.md and docs/ type-check against the packed package', () => {
  const found = markdownFiles().map((file) => ({
    file,
    ...snippetsOf(file, readFileSync(file, 'utf8')),
  }));
  const snippets = found.flatMap((entry) => entry.snippets);
  let errors = new Map<number, string[]>();

  beforeAll(async () => {
    const packed = await packedPackage();
    errors = typeCheck(join(packed.consumerDir, 'snippets'), snippets);
    const fragments = found.reduce((sum, entry) => sum + entry.fragments, 0);
    console.info(`snippets: ${snippets.length} checked, ${fragments} marked as fragments`);
  }, 600_000);

  it('finds the blocks (a parser that finds none would pass everything)', () => {
    expect(snippets.length).toBeGreaterThan(10);
  });

  it('has no error outside the snippets themselves (setup and declarations)', () => {
    expect(errors.get(-1) ?? []).toEqual([]);
  });

  it.each(found.map((entry) => [relative(root, entry.file), entry.file] as const))(
    '%s',
    (_name, file) => {
      const messages = snippets.flatMap((snippet, index) =>
        snippet.file === file ? (errors.get(index) ?? []) : [],
      );
      expect(messages).toEqual([]);
    },
  );
});

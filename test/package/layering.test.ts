import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// Snippets are linted as if they stood at the given paths; they are not part of the TypeScript
// project, so type-aware parsing is switched off for them.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: tseslint.configs.disableTypeChecked,
});

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

describe('layering rules of the design', () => {
  it('forbids node:* and bare built-in modules in the core', async () => {
    const errors = await restrictedImports(
      'src/slo/example.ts',
      "import { readFileSync } from 'node:fs';\nimport path from 'path';\nexport const used = [readFileSync, path];\n",
    );
    expect(errors).toHaveLength(2);
  });

  it('lets the core import its own folders whose names match built-ins (http/)', async () => {
    const errors = await restrictedImports('src/index.ts', "export * from './http/index.js';\n");
    expect(errors).toEqual([]);
  });

  it('forbids frameworks in the core, even as types', async () => {
    const errors = await restrictedImports(
      'src/rate-limit/example.ts',
      "import type { Request } from 'express';\nexport type R = Request;\n",
    );
    expect(errors).toHaveLength(1);
  });

  it('allows node:* only under src/node/', async () => {
    const errors = await restrictedImports(
      'src/node/example.ts',
      "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
    );
    expect(errors).toEqual([]);
  });

  it('lets adapters import framework types but not framework values', async () => {
    const typeOnly = await restrictedImports(
      'src/adapters/express.ts',
      "import type { Request } from 'express';\nexport type R = Request;\n",
    );
    const value = await restrictedImports(
      'src/adapters/express.ts',
      "import express from 'express';\nexport const app = express;\n",
    );
    expect(typeOnly).toEqual([]);
    expect(value).toHaveLength(1);
  });

  it('forbids adapters from importing each other', async () => {
    const errors = await restrictedImports(
      'src/adapters/koa.ts',
      "export * from './express.js';\n",
    );
    expect(errors).toHaveLength(1);
  });
});

// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const nodeBuiltins = `^(node:.*|(${builtinModules
  .filter((name) => !name.startsWith('_'))
  .map(escape)
  .join('|')})(/.*)?)$`;
const frameworks = [
  'express',
  'koa',
  '@koa/*',
  'fastify',
  '@fastify/*',
  'hono',
  'hono/*',
  '@hono/*',
  'ioredis',
  'redis',
  '@redis/*',
  'prom-client',
  '@tgwf/co2',
];

const noNode = {
  regex: nodeBuiltins,
  message: 'The core runs in any Fetch runtime: only src/node/ may import node:* modules.',
};
const noFrameworks = {
  group: frameworks,
  message:
    'The core imports no framework or client library; reach them through small structural types.',
};
const frameworkTypesOnly = {
  group: frameworks,
  allowTypeImports: true,
  message: 'Adapters import framework types only (`import type`).',
};
const noSiblingAdapters = {
  group: ['./*'],
  message: 'Adapters never import each other: share code through src/http/.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'docs/api/',
      'coverage/',
      'node_modules/',
      'test-output/',
      'test/package/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '.ci/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/node/**', 'src/adapters/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noFrameworks] }] },
  },
  {
    // The build marks Object.freeze and Object.fromEntries as pure (tsup.config.ts): a call whose
    // result is unused would be dropped from the build.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ExpressionStatement > CallExpression[callee.object.name='Object'][callee.property.name=/^(freeze|fromEntries)$/]",
          message:
            'The build treats Object.freeze and Object.fromEntries as pure: use the result (const frozen = Object.freeze(x)).',
        },
      ],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [noNode, frameworkTypesOnly, noSiblingAdapters] },
      ],
    },
  },
  {
    files: ['src/node/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noFrameworks] }] },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
    },
  },
);

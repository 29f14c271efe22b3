import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// ---------------------------------------------------------------------------------------------------------------------
// Layering (issue 17). Four kinds of module:
//   core and ports   src/core/**, src/ports/**: pure; no SDK, no adapter, no use case, no composition root.
//   use cases        src/bot/**, workers/verbs/**, workers/grace/**, workers/upgrade/**, workers/srs/**: talk to the
//                    world through ports only; no SDK, no adapter, no composition root.
//   adapters         src/adapters/**, workers/ssh/**, workers/metrics/**, workers/verb-checkpoint.ts,
//                    workers/create-ssh-host.ts, workers/job-worker.ts (and the two redis-*-job.ts named below).
//   composition      src/cli/**, workers/main.ts, scripts/**, test/**, bench/**: wire adapters into use cases, freely.
// Type-only imports count: a type from an adapter ties the use case to it all the same.
// Circles (type-only ones too) are checked by `npm run lint:cycles` (dpdm), which `npm run lint` runs first:
// import-x/no-cycle skips type-only imports, so it would not see the circles issue 17 found.
// ---------------------------------------------------------------------------------------------------------------------

const root = import.meta.dirname;

/** The SDKs only adapters and composition roots may import (the package and any subpath of it). */
const SDKS = ['@slack/*', '@bull-board/*', 'bullmq', 'ioredis', 'node-ssh', 'ssh2', 'pino', 'prom-client', 'express'];

/** no-restricted-imports for every SDK but `allowed` (an exception's named few). */
function noSdk(layer, allowed = []) {
  const names = SDKS.filter((name) => !allowed.includes(name));
  const message = `${layer.name} import no SDK: go through a port (src/ports), and let an adapter talk to the SDK.`;
  return [
    'error',
    {
      paths: names.filter((name) => !name.endsWith('/*')).map((name) => ({ name, message })),
      patterns: [{ group: names.flatMap((name) => (name.endsWith('/*') ? [name] : [`${name}/*`])), message }],
    },
  ];
}

/** Adapters and composition roots, by path from the repository root (folders or files). */
const ADAPTERS = [
  'src/adapters',
  'workers/ssh',
  'workers/metrics',
  'workers/verb-checkpoint.ts',
  'workers/create-ssh-host.ts',
  'workers/job-worker.ts',
  'workers/grace/redis-grace-job.ts',
  'workers/upgrade/redis-upgrade-job.ts',
];
const COMPOSITION = ['src/cli', 'workers/main.ts'];
const USE_CASES = ['src/bot', 'workers/verbs', 'workers/grace', 'workers/upgrade', 'workers/srs'];

/**
 * import-x/no-restricted-paths: nothing under `forbidden` (paths from the root, resolved, type-only imports included)
 * but the named `allowed` files.
 */
function noPaths(layer, forbidden, allowed = []) {
  // A file allowed whole drops its zone; a file allowed inside a forbidden folder is an exception to that folder's zone.
  const message = `${layer.name} import ${layer.may} only: ${layer.mayNot} (see the layering in eslint.config.mjs).`;
  return [
    'error',
    {
      basePath: root,
      zones: forbidden
        .filter((from) => !allowed.includes(from))
        .map((from) => ({
          target: '.',
          from,
          except: allowed.filter((file) => file.startsWith(`${from}/`)).map((file) => `./${path.relative(from, file)}`),
          message,
        })),
    },
  ];
}

const CORE_FILES = ['src/core/**/*.ts', 'src/ports/**/*.ts'];
const USE_CASE_FILES = USE_CASES.map((dir) => `${dir}/**/*.ts`);
const CORE = { name: 'core and ports', may: 'core, ports and config', mayNot: 'no adapter, no use case, no composition root' };
const USE_CASE = { name: 'use cases', may: 'core, ports, config and use cases', mayNot: 'no adapter, no composition root' };

/**
 * Known exceptions, each named with what it imports and why. This list may only shrink: a later step of issue 17 moves
 * each of these (an adapter out of the use-case folders; a port type out of an adapter).
 */
const EXCEPTIONS = [
  // Really adapters (Redis-backed job state, living beside the use case they serve): move to src/adapters/redis.
  {
    file: 'workers/grace/redis-grace-job.ts',
    sdks: ['ioredis'],
    paths: ['src/adapters/redis/keys.ts', 'src/adapters/redis/redis-grace-control.ts'],
  },
  { file: 'workers/upgrade/redis-upgrade-job.ts', sdks: ['ioredis'], paths: ['src/adapters/redis/keys.ts'] },
  // Use cases taking pino's Logger type from src/adapters/logger.ts: wants a logger port.
  { file: 'src/bot/bot-deps.ts', paths: ['src/adapters/logger.ts'] },
  { file: 'src/bot/publish-anchors.ts', paths: ['src/adapters/logger.ts'] },
  // Use cases taking the checkpoint types (VerbCheckpoint, CheckpointState) from the Redis adapter that stores them:
  // wants a checkpoint port.
  { file: 'workers/srs/host-context.ts', paths: ['src/adapters/logger.ts', 'workers/verb-checkpoint.ts'] },
  { file: 'workers/verbs/run-verb.ts', paths: ['workers/verb-checkpoint.ts'] },
  { file: 'workers/verbs/resume-restart.ts', paths: ['workers/verb-checkpoint.ts'] },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.demo/**', '.tmp/**', 'test/srs-sim/**', '*.config.js', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // Layering: core and ports.
    files: CORE_FILES,
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: path.join(root, 'tsconfig.json') })] },
    rules: {
      'no-restricted-imports': noSdk(CORE),
      'import-x/no-restricted-paths': noPaths(CORE, ['src/adapters', 'src/cli', 'src/bot', 'workers']),
    },
  },
  {
    // Layering: use cases.
    files: USE_CASE_FILES,
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: path.join(root, 'tsconfig.json') })] },
    rules: {
      'no-restricted-imports': noSdk(USE_CASE),
      'import-x/no-restricted-paths': noPaths(USE_CASE, [...ADAPTERS, ...COMPOSITION]),
    },
  },
  // Layering: the named exceptions, each allowed exactly what it imports today.
  ...EXCEPTIONS.map(({ file, sdks = [], paths = [] }) => ({
    files: [file],
    rules: {
      'no-restricted-imports': noSdk(USE_CASE, sdks),
      'import-x/no-restricted-paths': noPaths(
        USE_CASE,
        [...ADAPTERS, ...COMPOSITION].filter((from) => from !== file),
        paths,
      ),
    },
  })),
  {
    // Standalone scripts for readers (no project, no types): plain JavaScript rules, Node's globals.
    files: ['docs/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
);

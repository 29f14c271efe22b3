import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// ---------------------------------------------------------------------------------------------------------------------
// Layering (issue 17). Five kinds of module, innermost first:
//   core and ports   src/core/**, src/ports/**, config/**: pure; no SDK, nothing outside core, ports and config.
//   presentation     src/presentation/**: Block Kit and mrkdwn for the domain's values; core, ports and config only.
//   use cases        src/bot/**, src/worker/**: talk to the world through ports only; no SDK, no adapter, no
//                    composition root.
//   adapters         src/adapters/**: one SDK or resource each (Slack, console, BullMQ, Redis, SSH, HTTP, files);
//                    no use case (an inbound adapter gets the use case it drives from the composition root), no
//                    composition root.
//   composition      src/app/**, src/cli/**, workers/main.ts, scripts/**, test/**, bench/**: wire adapters into use
//                    cases, freely.
// Type-only imports count: a type from an adapter ties the use case to it all the same.
// Circles (type-only ones too) are checked by `npm run lint:cycles` (dpdm), which `npm run lint` runs first:
// import-x/no-cycle skips type-only imports, so it would not see the circles issue 17 found.
// ---------------------------------------------------------------------------------------------------------------------

const root = import.meta.dirname;

/** The SDKs only adapters and composition roots may import (the package and any subpath of it). */
const SDKS = ['@slack/*', '@bull-board/*', 'bullmq', 'ioredis', 'node-ssh', 'ssh2', 'pino', 'prom-client', 'express'];

/** no-restricted-imports for every SDK. */
function noSdk(layer) {
  const names = SDKS;
  const message = `${layer.name} import no SDK: go through a port (src/ports), and let an adapter talk to the SDK.`;
  return [
    'error',
    {
      paths: names.filter((name) => !name.endsWith('/*')).map((name) => ({ name, message })),
      patterns: [{ group: names.flatMap((name) => (name.endsWith('/*') ? [name] : [`${name}/*`])), message }],
    },
  ];
}

/** Each layer's folders (and files), by path from the repository root. */
const CORE_DIRS = ['src/core', 'src/ports', 'config'];
const PRESENTATION = ['src/presentation'];
const USE_CASES = ['src/bot', 'src/worker'];
const ADAPTERS = ['src/adapters'];
const COMPOSITION = ['src/app', 'src/cli', 'workers'];

/** import-x/no-restricted-paths: nothing under `forbidden` (paths from the root, resolved, type-only imports included). */
function noPaths(layer, forbidden) {
  const message = `${layer.name} import ${layer.may} only: ${layer.mayNot} (see the layering in eslint.config.mjs).`;
  return ['error', { basePath: root, zones: forbidden.map((from) => ({ target: '.', from, message })) }];
}

const filesOf = (dirs) => dirs.map((dir) => `${dir}/**/*.ts`);
const CORE = { name: 'core and ports', may: 'core, ports and config', mayNot: 'no presentation, use case, adapter or composition root' };
const PRESENT = { name: 'presentation modules', may: 'core, ports and config', mayNot: 'no use case, adapter or composition root' };
const USE_CASE = { name: 'use cases', may: 'core, ports, config, presentation and use cases', mayNot: 'no adapter, no composition root' };
const ADAPTER = {
  name: 'adapters',
  may: 'core, ports, config, presentation and adapters',
  mayNot: 'no use case (the composition root hands them in), no composition root',
};

/** One layer's rules, with the shared import resolver (so type-only and re-exported imports are followed). */
function layer(dirs, rules) {
  return {
    files: filesOf(dirs),
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: path.join(root, 'tsconfig.json') })] },
    rules,
  };
}

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
  // Layering, one block per layer. There are no exceptions: a use case that needs something of an adapter's gets a port.
  layer(CORE_DIRS, {
    'no-restricted-imports': noSdk(CORE),
    'import-x/no-restricted-paths': noPaths(CORE, [...PRESENTATION, ...USE_CASES, ...ADAPTERS, ...COMPOSITION]),
  }),
  layer(PRESENTATION, {
    'no-restricted-imports': noSdk(PRESENT),
    'import-x/no-restricted-paths': noPaths(PRESENT, [...USE_CASES, ...ADAPTERS, ...COMPOSITION]),
  }),
  layer(USE_CASES, {
    'no-restricted-imports': noSdk(USE_CASE),
    'import-x/no-restricted-paths': noPaths(USE_CASE, [...ADAPTERS, ...COMPOSITION]),
  }),
  layer(ADAPTERS, { 'import-x/no-restricted-paths': noPaths(ADAPTER, [...USE_CASES, ...COMPOSITION]) }),
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

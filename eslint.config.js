// Type-aware lint. The kernel (sim/) and the delivery world (models/) must stay deterministic:
// no wall clock, no ambient randomness, no timers and no I/O there.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const determinism = {
  files: ['sim/**/*.ts', 'models/**/*.ts', 'properties/**/*.ts'],
  rules: {
    'no-restricted-properties': [
      'error',
      { object: 'Math', property: 'random', message: 'Use a seeded stream from sim/random.ts.' },
      { object: 'Date', property: 'now', message: 'Use virtual time (ctx.now).' },
      { object: 'performance', property: 'now', message: 'Use virtual time (ctx.now).' },
    ],
    'no-restricted-globals': [
      'error',
      ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'queueMicrotask', 'performance', 'process', 'Date'].map(
        (name) => ({ name, message: `${name} is non-deterministic; use the kernel's virtual clock and timers.` }),
      ),
    ],
    'no-restricted-imports': [
      'error',
      { patterns: [{ group: ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'timers', 'timers/*', 'net', 'http', 'https'], message: 'No I/O or ambient state in sim/ and models/.' }] },
    ],
    'no-console': 'error',
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'scripts/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  determinism,
  // The shipped handler examples are plain JavaScript modules a user copies: linted without type information.
  { files: ['examples/**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);

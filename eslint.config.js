import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers, as import rules. In flat config a later block's `no-restricted-imports` replaces an earlier one for the
 * files both match, so each block lists every pattern that applies to its files.
 */
const lambdaNeverImportsLib = {
  regex: '^(\\.\\./)+lib/',
  message:
    'lambda/ never imports lib/ (the infrastructure): what functions need at run time is in lambda/shared/resources.ts, which lib/wiring.ts imports.',
};
const sharedNeverImportsStore = {
  regex: '^(\\.\\./)+(lambda/)?store/',
  message:
    'lambda/shared/ knows no table: take what you need from the store as an argument (see HttpPorts in lambda/shared/http.ts, handed over by lambda/http/httpHandler.ts).',
};

export default tseslint.config(
  { ignores: ['node_modules', 'cdk.out', 'coverage', '.local-data', 'web/dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['lambda/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [lambdaNeverImportsLib] }] },
  },
  {
    files: ['lambda/shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [lambdaNeverImportsLib, sharedNeverImportsStore] }] },
  },
  {
    // The rules of the game stay free of AWS: anything under lambda/domain must be pure.
    files: ['lambda/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            lambdaNeverImportsLib,
            {
              group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '@aws-lambda-powertools/*', '../store/*', '../shared/*'],
              message: 'lambda/domain/ is pure: no AWS, no store, no adapters.',
            },
          ],
        },
      ],
    },
  },
  {
    // The operator CLI lives in client/cli/; lib/ builds and runs stacks and never reaches into the use cases.
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/lambda/usecases/**'], message: 'lib/ never imports lambda/usecases/ (a use case is run by its handler, or by client/ code)' }] },
      ],
    },
  },
);

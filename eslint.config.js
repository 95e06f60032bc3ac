import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    // The rules of the game stay free of AWS: anything under lambda/domain must be pure.
    files: ['lambda/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '@aws-lambda-powertools/*', '../store/*', '../shared/*'] }],
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

/**
 * The layers are lint rules (eslint.config.js): each rule fires on an import that crosses its layer, with the message
 * that says why, and lets the imports the layers allow through. `npm run lint` applies them to the whole tree.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root, overrideConfigFile: `${root}eslint.config.js` });

/** The no-restricted-imports messages for `source` as if it were the file `filePath`. */
async function restrictedImports(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}${filePath}` });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const importing = (from: string) => `import * as imported from '${from}';\nexport const used = imported;\n`;

const NEVER_LIB = 'lambda/ never imports lib/ (the infrastructure): what functions need at run time is in lambda/shared/resources.ts';
const NO_TABLE = 'lambda/shared/ knows no table';
const PURE = 'lambda/domain/ is pure';

/** [file, what it imports, why it is refused (the start of the rule's message) or null when the layers allow it] */
const cases: [string, string, string | null][] = [
  ['lambda/http/someRoute.ts', '../../lib/wiring.ts', NEVER_LIB],
  ['lambda/shared/someHelper.ts', '../../lib/local/env.ts', NEVER_LIB],
  ['lambda/domain/someRule.ts', '../../lib/wiring.ts', NEVER_LIB],
  ['lambda/shared/someHelper.ts', '../store/errorRecords.ts', NO_TABLE],
  ['lambda/domain/someRule.ts', '../store/errorRecords.ts', PURE],
  ['lambda/http/someRoute.ts', '../shared/resources.ts', null],
  ['lambda/http/httpHandler.ts', '../store/errorRecords.ts', null],
  ['lambda/usecases/someCase.ts', '../store/errorRecords.ts', null],
];

describe('the layers as lint rules', () => {
  it.each(cases.map(([file, from, because]) => ({ file, from, because, verdict: because ?? 'allowed' })))(
    '$file importing $from: $verdict',
    async ({ file, from, because }) => {
      const messages = await restrictedImports(file, importing(from));
      expect(messages).toEqual(because === null ? [] : [expect.stringContaining(because)]);
    },
  );
});

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

describe('lambda/** never imports lib/**', () => {
  it.each([
    ['lambda/http/someRoute.ts', '../../lib/wiring.ts'],
    ['lambda/shared/someHelper.ts', '../../lib/local/env.ts'],
    ['lambda/domain/someRule.ts', '../../lib/wiring.ts'],
  ])('refuses %s importing %s, and says where the runtime facts are', async (file, from) => {
    const messages = await restrictedImports(file, importing(from));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('lambda/ never imports lib/');
    expect(messages[0]).toContain('lambda/shared/resources.ts');
  });

  it('lets a function import the runtime half of the wiring', async () => {
    expect(await restrictedImports('lambda/http/someRoute.ts', importing('../shared/resources.ts'))).toEqual([]);
  });
});

describe('lambda/shared/** never imports lambda/store/**', () => {
  it('refuses an adapter importing a store module, and says how to get what it needs', async () => {
    const messages = await restrictedImports('lambda/shared/someHelper.ts', importing('../store/errorRecords.ts'));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('lambda/shared/ knows no table');
  });

  it('lets the composition point and the use cases import the store', async () => {
    expect(await restrictedImports('lambda/http/httpHandler.ts', importing('../store/errorRecords.ts'))).toEqual([]);
    expect(await restrictedImports('lambda/usecases/someCase.ts', importing('../store/errorRecords.ts'))).toEqual([]);
  });
});

describe('lambda/domain/** stays pure', () => {
  it('still refuses the store and the adapters', async () => {
    const messages = await restrictedImports('lambda/domain/someRule.ts', importing('../store/errorRecords.ts'));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('lambda/domain/ is pure');
  });
});

// docs/lifecycle.md must show the deadline table, transitions and permissions as the code has
// them: a change of the rules without `npx tsx infra/scripts/lifecycle-doc.ts --write` fails here.
import { readFileSync } from 'node:fs';
import { DOC_PATH, generatedBlock, renderTables } from '../scripts/lifecycle-doc';

describe('docs/lifecycle.md', () => {
  it('docDrift: the generated tables match packages/domain', () => {
    expect(generatedBlock(readFileSync(DOC_PATH, 'utf8'))).toBe(renderTables());
  });
});

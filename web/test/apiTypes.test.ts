// No hand-copied API types: web/src/api/*.d.ts are generated from the services' OpenAPI documents
// and must equal what the generator makes of them now. Also: every lifecycle event type and staff
// role of the domain has a label on screen.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { LIFECYCLE_EVENT_TYPES, ORDER_STATUSES } from '@diandan/domain';
import { STAFF_ROLES } from '../../services/dispatch/src/auth/staff';
import { EVENT, ROLE, STATUS } from '../src/lib/labels';

describe('the browser’s view of the APIs', () => {
  it('apiTypes.driftCheck: the generated clients match the services’ OpenAPI documents', () => {
    const root = path.join(__dirname, '..', '..');
    let output = '';
    try {
      execFileSync('npx', ['--no-install', 'tsx', 'web/scripts/gen-api.ts', '--check'], { cwd: root, stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stderr?: Buffer }).stderr ?? error);
    }
    expect(output).toBe('');
  });

  it('labels.coverageCheck: every event type, status and staff role has Chinese and English words', () => {
    for (const [table, keys] of [[EVENT, LIFECYCLE_EVENT_TYPES], [STATUS, ORDER_STATUSES], [ROLE, STAFF_ROLES]] as const) {
      for (const key of keys) expect([key, table[key]?.zh && table[key]?.en]).toEqual([key, expect.any(String)]);
    }
  });
});

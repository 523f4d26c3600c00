// No resident text in clear in Temporal: an order run by the real serviceOrder workflow on the dev
// server, with the payload codec on client and worker (the testkit rig, as in production). Its
// history read raw (a client without the codec) and through `temporal workflow show` holds none of
// the resident's text; the codec server, given a dispatcher's or supervisor's access token, decodes
// it for the same CLI, and refuses a unit handler and a caller without a token.
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { createCodecServer, listen, signToken, verifyToken, type KeyRing } from '@diandan/platform';
import { act, DISPATCHER, env, handlerOf, placedInput, startOnDevServer, startOrder, testCodec, testLogger, waitForState, type DevServerRig } from '@diandan/testkit';

const KEYS: KeyRing = { current: { kid: 'test', secret: 'codec-devserver-test-secret-0123456789abcdef' }, previous: [] };
const tokenOf = (role: 'supervisor' | 'unit_handler') =>
  signToken(KEYS, 'access', { sub: `u-${role}`, sid: `s-${role}`, ttlSeconds: 300, claims: { username: role, role } });
// The workflow input no longer carries the resident's text (intake facts reach the read model from
// orders.placed); staff texts still do, and they name residents and places: the codec covers them.
const OPINION = '已联系幸福路88号3栋张阿姨与劳动监察大队，本周内约谈施工方';

let rig: DevServerRig;
let codecServer: Server;
let codecUrl: string;
beforeAll(async () => {
  rig = await startOnDevServer('codec');
  const app = createCodecServer({
    codec: testCodec,
    logger: testLogger('codec-test'),
    uiOrigins: [],
    // Signature and role only here; services/dispatch also checks the session and the user (staffOfAccessToken).
    verifyToken: (token) => {
      const { claims } = verifyToken(token, 'access', KEYS);
      return { username: String(claims.username), role: String(claims.role) };
    },
  });
  codecServer = await listen(app, 0, '127.0.0.1');
  codecUrl = `http://127.0.0.1:${(codecServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => codecServer.close(resolve));
  await rig.close();
});

const show = async (workflowId: string, auth?: string) => {
  const args = ['workflow', 'show', '--address', env('TEMPORAL_ADDRESS'), '--namespace', env('TEMPORAL_NAMESPACE'), '--workflow-id', workflowId, '--output', 'json'];
  if (auth !== undefined) args.push('--codec-endpoint', codecUrl, ...(auth ? ['--codec-auth', `Bearer ${auth}`] : []));
  try {
    const { stdout } = await promisify(execFile)(env('TEMPORAL_CLI'), args, { maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, text: stdout };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, text: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
};
const base64Of = (s: string) => Buffer.from(s).toString('base64');
/** The text of every payload `data` in the CLI's JSON output (payload data is base64 there). */
const payloadTexts = (json: string) => [...json.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('\n');

describe('payload encryption on the dev server', () => {
  it('history.privacyCheck: the raw history and `temporal workflow show` hold no resident text; the codec server decodes for a supervisor only', async () => {
    const input = placedInput();
    const handle = await startOrder(rig.client, rig.harness.taskQueue, input);
    await waitForState(handle, (v) => v.order.status === 'placed');
    await act(handle, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
    await act(handle, { command: { type: 'accept' }, actor: handlerOf('wf-community') });
    await act(handle, { command: { type: 'opinion', opinion: OPINION }, actor: handlerOf('wf-community') });
    // The codec-equipped client reads the order as usual.
    expect((await waitForState(handle, (v) => v.order.status === 'in_progress')).order.status).toBe('in_progress');

    // A client without the codec gets the history as Temporal stores it.
    const connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
    try {
      const raw = new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') });
      const history = JSON.stringify(await raw.workflow.getHandle(handle.workflowId).fetchHistory());
      for (const secret of ['幸福路', '张阿姨', '劳动监察', base64Of('幸福路')]) expect(history).not.toContain(secret);
      expect(history).toContain(base64Of('binary/encrypted'));
    } finally {
      await connection.close();
    }

    const clear = await show(handle.workflowId);
    expect(clear.ok).toBe(true);
    expect(payloadTexts(clear.text)).not.toContain('幸福路');
    expect(payloadTexts(clear.text)).not.toContain('张阿姨');

    const decoded = await show(handle.workflowId, tokenOf('supervisor'));
    expect(decoded.ok).toBe(true);
    expect(payloadTexts(decoded.text)).toContain('张阿姨');
    expect(payloadTexts(decoded.text)).toContain(OPINION);

    for (const refused of [await show(handle.workflowId, tokenOf('unit_handler')), await show(handle.workflowId, '')]) {
      expect(refused.ok).toBe(false);
      expect(payloadTexts(refused.text)).not.toContain('张阿姨');
    }
    await handle.terminate('test done');
  });
});

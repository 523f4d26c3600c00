// Operator entries: the hotline webhook (one order per call id) and the letter box with scans.
/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON answers loosely and assert on their shape */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { followIntake, OPERATOR_TOKEN, PDF, PlacedEvents, PNG, postJson, type RunningIntake, unique } from '@diandan/testkit/intake';

const auth = { Authorization: `Bearer ${OPERATOR_TOKEN}` };

describe('operator entries', () => {
  let intake: RunningIntake;
  let placed: PlacedEvents;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ intake, placed, stop } = await followIntake());
  });
  afterAll(async () => {
    await stop();
  });

  it('hotline.authCheck: without a valid operator token the webhook is a 401', async () => {
    const call = { callId: 'c', callerNumber: '13800138000', agentId: 'a', notes: 'n' };
    expect((await postJson(`${intake.url}/v1/hotline/calls`, call)).status).toBe(401);
    expect((await postJson(`${intake.url}/v1/hotline/calls`, call, { Authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('hotline.messageQueueCheck: a call becomes a hotline order; the same call id again is the same order', async () => {
    const callId = unique('call');
    const call = {
      callId,
      callerNumber: '023-63851234',
      agentId: 'agent-7',
      notes: '来电反映小区电梯停运',
      callerName: '李四',
      priority: 'urgent',
    };
    const first = await postJson(`${intake.url}/v1/hotline/calls`, call, auth);
    const again = await postJson(`${intake.url}/v1/hotline/calls`, call, auth);
    expect(first.status).toBe(202);
    expect(again.body).toEqual(
      expect.objectContaining({ orderId: first.body.orderId, trackingCode: first.body.trackingCode, secret: first.body.secret, callId }),
    );
    const events = await placed.waitFor((e) => e.orderId === first.body.orderId, 2);
    expect(events[0]).toEqual(
      expect.objectContaining({
        channel: 'hotline',
        priority: 'urgent',
        content: '来电反映小区电梯停运',
        contact: { name: '李四', phone: '023-63851234' },
      }),
    );
  });

  it('hotline.validationCheck: a bad caller number and missing notes are 400s naming the fields', async () => {
    const res = await postJson(`${intake.url}/v1/hotline/calls`, { callId: 'c', callerNumber: '12345', agentId: 'a' }, auth);
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['callerNumber', 'notes']);
  });

  it('letter.stateCheck: a letter with its scans becomes a letter order; the files are sniffed and stored under the order', async () => {
    const form = new FormData();
    form.set('content', '来信：希望在社区开设老年大学');
    form.set('letterId', unique('letter'));
    form.set('senderName', '王五');
    form.set('senderPhone', '13700001111');
    form.append('scans', new Blob([PDF]), 'letter.pdf');
    form.append('scans', new Blob([PNG]), 'envelope.png');
    const res = await fetch(`${intake.url}/v1/letters`, { method: 'POST', headers: auth, body: form });
    const body = (await res.json()) as any;
    expect(res.status).toBe(202);
    const [event] = await placed.waitFor((e) => e.orderId === body.orderId);
    expect(event).toEqual(expect.objectContaining({ channel: 'letter', contact: { name: '王五', phone: '13700001111' } }));
    expect(event!.attachments.map((a) => [a.fileName, a.contentType])).toEqual([
      ['letter.pdf', 'application/pdf'],
      ['envelope.png', 'image/png'],
    ]);
    expect(await readFile(path.join(intake.settings.attachmentsDir, body.orderId, '1.pdf'))).toEqual(PDF);
  });

  it('letter.validationCheck: an executable disguised as a scan is a 415 and nothing is stored or placed', async () => {
    const form = new FormData();
    form.set('content', '来信');
    form.append('scans', new Blob([Buffer.from('MZ\x90\x00 this is not a scan')], { type: 'application/pdf' }), 'scan.pdf');
    const before = placed.events.length;
    const res = await fetch(`${intake.url}/v1/letters`, { method: 'POST', headers: auth, body: form });
    expect(res.status).toBe(415);
    // The explicit signal: a letter placed after the refused one arrives, and it alone.
    const control = new FormData();
    control.set('content', '对照来信');
    const accepted = (await (await fetch(`${intake.url}/v1/letters`, { method: 'POST', headers: auth, body: control })).json()) as any;
    await placed.waitFor((e) => e.orderId === accepted.orderId);
    expect(placed.events.slice(before).map((e) => e.orderId)).toEqual([accepted.orderId]);
  });
});

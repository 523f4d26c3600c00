// Hostile input on Open311: NUL bytes in service codes and start_date 0000-01-01 or 9999-12-31
// used to answer 500. Every input of the shared hostile classes gets a 2xx or a clear 4xx, in
// Open311's own error shape where the request reached the Open311 router.
import fc from 'fast-check';
import type { Kafka } from 'kafkajs';
import { hostileDates, hostileString, isUnrepresentable, wellFormed } from '@diandan/testkit';
import { OPEN311_KEY, createPlacedTopic, kafkaFor, startIntake, type RunningIntake } from '@diandan/testkit/intake';

let kafka: Kafka;
let intake: RunningIntake;
beforeAll(async () => {
  kafka = kafkaFor();
  intake = await startIntake({ topic: await createPlacedTopic(kafka) });
});
afterAll(async () => {
  await intake?.stop();
});

async function statusOf(path: string, init?: RequestInit): Promise<number> {
  const res = await fetch(`${intake.url}${path}`, init);
  await res.arrayBuffer();
  return res.status;
}

describe('hostile input: Open311', () => {
  test('services.hostileCodeCheck: a service definition by any code is a 2xx or a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, async (code) => {
        // A URL cannot carry a lone surrogate: encoders turn it into U+FFFD, as a client's would.
        const status = await statusOf(`/open311/v2/services/${encodeURIComponent(wellFormed(code))}.json`);
        expect(status).toBeLessThan(500);
        if (code.includes('\u0000') && status !== 431) expect(status).toBe(400);
      }),
      { numRuns: 60 },
    );
  });

  test('requests.hostileFilterCheck: service_code, start_date, end_date and status of any shape', async () => {
    const value = fc.oneof(hostileString, hostileDates, fc.constantFrom('2026-11-01', '2026-11-30T00:00:00Z', 'open'));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('service_code', 'start_date', 'end_date', 'status'), value), async (params) => {
        expect(await statusOf(`/open311/v2/requests.json?${new URLSearchParams(params).toString()}`)).toBeLessThan(500);
      }),
      { numRuns: 80 },
    );
  });

  test.each(['0000-01-01', '9999-12-31', '-000001-01-01'])('requests.calendarEndsCheck(start_date=%s): 400 in Open311 shape', async (date) => {
    for (const name of ['start_date', 'end_date']) {
      const res = await fetch(`${intake.url}/open311/v2/requests.json?${name}=${encodeURIComponent(date)}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual([{ code: 400, description: expect.stringMatching(new RegExp(`^${name} must be`)) }]);
    }
  });

  test('postRequest.hostileFieldsCheck: service_code and the other fields of any shape', async () => {
    const value = fc.oneof(hostileString, fc.constantFrom('after-school', '31.5', '121.4'));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('service_code', 'description', 'lat', 'long', 'address_string', 'email', 'first_name'), value), async (fields) => {
        const body = new URLSearchParams({ api_key: OPEN311_KEY, ...fields });
        const status = await statusOf('/open311/v2/requests.json', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        expect(status).toBeLessThan(500);
        if (Object.values(fields).some(isUnrepresentable) && !Object.values(fields).some((v) => /[\uD800-\uDFFF]/.test(v))) expect(status).toBe(400);
      }),
      { numRuns: 60 },
    );
  });
});

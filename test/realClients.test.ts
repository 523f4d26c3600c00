// The demo works with real third-party clients out of the box: intake configured exactly as
// `npm run up` configures it (WeChat safe mode, the Open311 api_key and the operator token from
// infra/local/env.sh), driven by wechatpy and georeport from PyPI (infra/clients/run.sh).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createPlacedTopic, kafkaFor, startIntake, type RunningIntake } from '@diandan/testkit/intake';

const root = path.join(__dirname, '..');
const demo = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: infra/local/env.sh sets the demo's value`);
  return value;
};

let intake: RunningIntake;
// A category of this run's own, so that Open311 lists a service whatever else the database holds.
const serviceCode = `9${Date.now().toString().slice(-8)}`;
beforeAll(async () => {
  intake = await startIntake({
    topic: await createPlacedTopic(kafkaFor()),
    settings: {
      wechat: { token: demo('WECHAT_TOKEN'), appId: demo('WECHAT_APP_ID'), aesKey: demo('WECHAT_AES_KEY') },
      open311ApiKeys: demo('OPEN311_API_KEYS').split(','),
      operatorTokens: demo('INTAKE_OPERATOR_TOKENS').split(','),
    },
  });
  await intake.prisma.category.create({ data: { code: `real-clients-${serviceCode}`, name: '路灯维修', open311Code: serviceCode } });
});
afterAll(async () => {
  await intake?.stop();
});

test('realClients.demoCheck: wechatpy (safe mode), georeport (JSON and XML) and the hotline work with the demo values', async () => {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('bash', [path.join(root, 'infra/clients/run.sh')], { cwd: root, env: { ...process.env, INTAKE_URL: intake.url, OPEN311_SERVICE_CODE: serviceCode } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve({ code: exitCode, output }));
  });
  expect(output).not.toContain('✗');
  expect(code).toBe(0);
  expect(output).toMatch(/✓ WeChat safe-mode text message/);
  expect(output).toMatch(/✓ Open311 POST requests.json/);
  expect(output).toMatch(/✓ hotline call/);
}, 300_000);

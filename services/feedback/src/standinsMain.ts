// The local stand-ins of WeChat and Alibaba Cloud SMS as a process (`npm run up` starts it on
// NOTIFY_STANDIN_PORT, loopback only). Development only: it refuses to start in production.
import { z } from 'zod';
import { createLogger } from '@diandan/platform';
import { createStandIns } from './standins';

const config = z
  .object({
    DIANDAN_ENV: z.string().default('production'),
    NOTIFY_STANDIN_PORT: z.coerce.number().int().min(1).max(65535),
    NOTIFY_WECHAT_APP_ID: z.string().min(1),
    NOTIFY_WECHAT_APP_SECRET: z.string().min(1),
    SMS_ACCESS_KEY_ID: z.string().min(1),
  })
  .parse(process.env);
const log = createLogger('standins');
if (config.DIANDAN_ENV !== 'local') throw new Error('the notice stand-ins are for development only');

const { app } = createStandIns({ wechatAppId: config.NOTIFY_WECHAT_APP_ID, wechatAppSecret: config.NOTIFY_WECHAT_APP_SECRET, smsAccessKeyId: config.SMS_ACCESS_KEY_ID });
const server = app.listen(config.NOTIFY_STANDIN_PORT, '127.0.0.1', () => log.info({ port: config.NOTIFY_STANDIN_PORT }, 'WeChat and SMS stand-ins listening'));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)));

// services/intake: channels (JSON API, Open311, WeChat, e-mail, hotline, letters) → orders.placed.
// This process is the thin edge; the order's rules live in packages/domain and its workflow.
import { createKafka, createLogger, createPrisma, kafkaReady, listen, loadConfig, onShutdown, postgresReady, processEnv, topicNames } from '@diandan/platform';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { createIntakeApp } from './app';
import { aliyunSmsCodeSender, combineCodeSenders, mailCodeSender } from './channels/codeSenders';
import { emailChannel } from './channels/email';
import { createRequestPathProducer } from './producer';

async function main(): Promise<void> {
  const config = loadConfig(processEnv.intake);
  const logger = createLogger('intake', config.LOG_LEVEL);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-intake` }, logger);
  const producer = createRequestPathProducer(kafka);
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  const prisma = createPrisma(config.DATABASE_URL);

  const mailer = config.SMTP_OUT_HOST ? nodemailer.createTransport({ host: config.SMTP_OUT_HOST, port: config.SMTP_OUT_PORT, secure: false }) : undefined;
  // One-time codes for supporting a proposal (docs/annual-cycle.md): by e-mail with the replies'
  // SMTP, by SMS through the SMS provider's verification-code template; either may be off.
  const codeSender = combineCodeSenders(
    mailer ? mailCodeSender(mailer, config.INTAKE_MAIL_ADDRESS) : undefined,
    config.SMS_PROVIDER === 'aliyun' && config.SMS_CODE_TEMPLATE_CODE
      ? aliyunSmsCodeSender({
          endpoint: config.SMS_ENDPOINT,
          protocol: config.SMS_PROTOCOL,
          accessKeyId: config.SMS_ACCESS_KEY_ID,
          accessKeySecret: config.SMS_ACCESS_KEY_SECRET,
          signName: config.SMS_SIGN_NAME,
          templateCode: config.SMS_CODE_TEMPLATE_CODE,
        })
      : undefined,
  );
  const { app, placer, attachments } = createIntakeApp({
    logger,
    producer,
    prisma,
    ...(codeSender ? { codeSender } : {}),
    readiness: { kafka: kafkaReady(admin), postgres: postgresReady(prisma) },
    settings: {
      secretKey: config.INTAKE_SECRET_KEY,
      placedTopic: topicNames(config.KAFKA_TOPIC_PREFIX).placed,
      h5Origin: config.H5_ORIGIN,
      open311ApiKeys: config.OPEN311_API_KEYS,
      operatorTokens: config.INTAKE_OPERATOR_TOKENS,
      rateLimitPerMinute: config.INTAKE_RATE_LIMIT_PER_MINUTE,
      wechat: {
        token: config.WECHAT_TOKEN,
        appId: config.WECHAT_APP_ID,
        aesKey: config.WECHAT_AES_KEY,
        maxClockSkewSeconds: config.WECHAT_MAX_CLOCK_SKEW_SECONDS,
        messagesPerOpenIdPerMinute: config.WECHAT_MESSAGES_PER_OPENID_PER_MINUTE,
      },
      feedback: { url: config.FEEDBACK_URL, serviceToken: config.FEEDBACK_SERVICE_TOKEN },
      attachmentsDir: path.resolve(config.ATTACHMENTS_DIR),
      attachmentMaxBytes: config.ATTACHMENT_MAX_BYTES,
      attachmentOrderMaxBytes: config.ATTACHMENT_ORDER_MAX_BYTES,
      attachmentsTotalMaxBytes: config.ATTACHMENTS_TOTAL_MAX_BYTES,
      contactSealKeys: config.CONTACT_SEAL_KEYS,
    },
  });
  const server = await listen(app, config.INTAKE_PORT, config.HOST, { trustProxy: config.TRUST_PROXY, requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_SECONDS * 1000 });
  logger.info({ host: config.HOST, port: config.INTAKE_PORT }, 'intake listening');

  const email =
    config.SMTP_PORT > 0
      ? emailChannel({
          placer,
          attachments,
          logger,
          mailer,
          address: config.INTAKE_MAIL_ADDRESS,
          maxBytes: config.SMTP_MAX_BYTES,
          attachmentMaxBytes: config.ATTACHMENT_MAX_BYTES,
          tls: config.SMTP_TLS_KEY_FILE && config.SMTP_TLS_CERT_FILE ? { key: readFileSync(config.SMTP_TLS_KEY_FILE), cert: readFileSync(config.SMTP_TLS_CERT_FILE) } : undefined,
          auth: config.SMTP_AUTH_USER && config.SMTP_AUTH_PASSWORD ? { user: config.SMTP_AUTH_USER, password: config.SMTP_AUTH_PASSWORD } : undefined,
          maxConnectionsPerAddress: config.SMTP_MAX_CONNECTIONS_PER_ADDRESS,
          messagesPerSenderPerHour: config.SMTP_MESSAGES_PER_SENDER_PER_HOUR,
        })
      : undefined;
  if (email) logger.info({ port: await email.listen(config.SMTP_PORT, config.HOST) }, 'intake smtp listening');

  onShutdown(logger, [
    { name: 'http', close: () => new Promise((resolve) => server.close(resolve)) },
    { name: 'smtp', close: () => email?.close() },
    { name: 'kafka producer', close: () => producer.disconnect() },
    { name: 'kafka admin', close: () => admin.disconnect() },
    { name: 'prisma', close: () => prisma.$disconnect() },
  ]);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

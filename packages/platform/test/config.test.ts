import { ConfigError, loadConfig, processEnv, requiredVariables } from '../src';

describe('configuration', () => {
  it('loadConfig.missingCheck: names every missing variable', () => {
    expect(() => loadConfig(processEnv.dispatch, {})).toThrow(ConfigError);
    try {
      loadConfig(processEnv.dispatch, { KAFKA_BROKERS: 'k:9092' });
    } catch (err) {
      expect((err as ConfigError).problems).toEqual(
        expect.arrayContaining(['DATABASE_URL is not set', 'TEMPORAL_ADDRESS is not set', 'DISPATCH_PORT is not set']),
      );
    }
  });

  it('loadConfig.typeCheck: parses lists and ports, applies defaults, rejects malformed values by name', () => {
    const intakeRequired = {
      DATABASE_URL: 'postgresql://db/x',
      INTAKE_SECRET_KEY: 'k'.repeat(32),
      FEEDBACK_SERVICE_TOKEN: 't'.repeat(32),
      CONTACT_SEAL_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    };
    const config = loadConfig(processEnv.intake, { ...intakeRequired, KAFKA_BROKERS: 'a:1, b:2', INTAKE_PORT: '3001' });
    expect(config).toMatchObject({ KAFKA_BROKERS: ['a:1', 'b:2'], INTAKE_PORT: 3001, LOG_LEVEL: 'info', KAFKA_CLIENT_ID: 'diandan', FEEDBACK_URL: 'http://127.0.0.1:3003' });
    expect(() => loadConfig(processEnv.intake, { ...intakeRequired, KAFKA_BROKERS: 'a:1', INTAKE_PORT: 'eighty' })).toThrow(/INTAKE_PORT/);
    expect(() => loadConfig(processEnv.intake, { ...intakeRequired, KAFKA_BROKERS: 'a:1', INTAKE_PORT: '1', FEEDBACK_SERVICE_TOKEN: 'short' })).toThrow(
      /FEEDBACK_SERVICE_TOKEN: at least 32 characters/,
    );
  });

  it('requiredVariables: lists what has no default', () => {
    expect(requiredVariables(processEnv.worker).sort()).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'TEMPORAL_ADDRESS', 'TEMPORAL_CODEC_KEYS']);
  });
});

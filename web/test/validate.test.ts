// The H5 and console forms object while typing, with the API's own rules (intake's zod schema, the
// domain's limits and tracking-code check) — the same inputs, the same verdicts.
import { MAX_CONTENT_LENGTH, MAX_TEXT_LENGTH, parseTrackingCode } from '@diandan/domain';
import { orderRequestSchema } from '../../services/intake/src/channels/api';
import * as form from '../src/lib/validate';

describe('form rules mirror the API', () => {
  it('limits.driftCheck: the lengths are the domain’s', () => {
    expect(form.MAX_CONTENT_LENGTH).toBe(MAX_CONTENT_LENGTH);
    expect(form.MAX_TEXT_LENGTH).toBe(MAX_TEXT_LENGTH);
  });

  it.each([
    ['13812345678', true],
    ['138 1234 5678', true],
    ['+86 138-1234-5678', true],
    ['8613812345678', true],
    ['12812345678', false],
    ['1381234567', false],
    ['138123456789', false],
    ['abc', false],
  ])('mobile.agreementCheck: %s → %s, as intake decides', (phone, ok) => {
    expect(form.mobileError(phone)).toBe(ok ? undefined : '请输入 11 位手机号码，如 13812345678');
    expect(orderRequestSchema.safeParse({ content: 'x', contact: { phone: form.normaliseMobile(phone) } }).success).toBe(ok);
  });

  it('content.agreementCheck: required after trimming and at most the domain’s length, said in Chinese', () => {
    for (const content of ['', '   ', 'a'.repeat(MAX_CONTENT_LENGTH + 1), '需要帮助', 'a'.repeat(MAX_CONTENT_LENGTH)]) {
      expect(form.contentError(content) === undefined).toBe(orderRequestSchema.safeParse({ content }).success);
    }
    expect(form.contentError('  ')).toBe('必填');
    expect(form.contentError('a'.repeat(MAX_CONTENT_LENGTH + 1))).toBe(`最多 ${MAX_CONTENT_LENGTH} 个字（现在 ${MAX_CONTENT_LENGTH + 1} 个）`);
    expect(form.actionTextError('x'.repeat(10), 'en')).toBeUndefined();
  });

  it('email.agreementCheck: an address intake would refuse is refused here too', () => {
    for (const email of ['a@b.cn', 'zhang.san@example.com', 'no-at-sign', 'a@b', 'a b@c.cn']) {
      const intakeOk = orderRequestSchema.safeParse({ content: 'x', contact: { email } }).success;
      if (!intakeOk) expect(form.emailError(email)).toBeDefined();
    }
    expect(form.emailError('')).toBeUndefined();
  });

  it('trackingCode.agreementCheck: codes as people type them, checked by the domain’s check character', () => {
    const code = 'DD-7K3M-Q9TB';
    const valid = parseTrackingCode(code) ?? (() => { throw new Error('example'); })();
    expect(form.normaliseTrackingCode(valid.toLowerCase().replace(/-/g, ' '))).toBe(valid);
    expect(form.trackingCodeError('')).toBe('请输入查询码');
    expect(form.trackingCodeError('DD-0000-0000')).toBe('查询码不正确，请核对（如 DD-7K3M-Q9TB）');
    expect(form.trackingCodeError(valid)).toBeUndefined();
  });
});

import { randomBytes } from 'node:crypto';
import { Sealer, SealingError, sealingKeysSchema } from '../src/sealing';

const keyText = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('Sealer (AES-256-GCM with key ids)', () => {
  const [k1, k2] = [keyText('k1'), keyText('k2')];

  test('seals and opens; the ciphertext names its key and hides the text', () => {
    const sealer = new Sealer(sealingKeysSchema.parse(k1));
    const sealed = sealer.seal('{"phone":"13800138000"}');
    expect(sealed).toMatch(/^v1\.k1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('13800138000');
    expect(sealer.open(sealed)).toBe('{"phone":"13800138000"}');
    expect(sealer.seal('x')).not.toBe(sealer.seal('x'));
  });

  test('rotation: a new first key seals, the old one still opens what it sealed', () => {
    const old = new Sealer(sealingKeysSchema.parse(k1));
    const rotated = new Sealer(sealingKeysSchema.parse(`${k2},${k1}`));
    expect(rotated.open(old.seal('旧'))).toBe('旧');
    expect(rotated.seal('新')).toMatch(/^v1\.k2\./);
    expect(() => old.open(rotated.seal('新'))).toThrow(/unknown key id k2/);
  });

  test('tampering, a swapped key id and garbage are refused', () => {
    const sealer = new Sealer(sealingKeysSchema.parse(`${k1},${k2}`));
    const [v, , iv, data] = sealer.seal('secret').split('.');
    expect(() => sealer.open([v, 'k2', iv, data].join('.'))).toThrow(SealingError);
    const flipped = Buffer.from(data!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => sealer.open([v, 'k1', iv, flipped.toString('base64url')].join('.'))).toThrow(SealingError);
    for (const garbage of ['', 'v1', 'v2.k1.a.b', 'v1.k1.a.']) expect(() => sealer.open(garbage)).toThrow(SealingError);
  });

  test('the key list is validated: 32-byte keys with ids', () => {
    expect(sealingKeysSchema.safeParse('k1:short').success).toBe(false);
    expect(sealingKeysSchema.safeParse(`${k1},`).success).toBe(false);
    expect(sealingKeysSchema.parse(`${k1},${k2}`).map((k) => k.id)).toEqual(['k1', 'k2']);
  });
});

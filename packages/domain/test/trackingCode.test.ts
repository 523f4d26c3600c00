import { generateTrackingCode, isValidTrackingCode, parseTrackingCode, TRACKING_CODE_ALPHABET, type RandomBytes } from '../src';

/** A deterministic byte source: the given bytes, repeated. */
const bytes =
  (...values: number[]): RandomBytes =>
  (length) =>
    Uint8Array.from({ length }, (_, i) => values[i % values.length] ?? 0);

/** A small linear congruential generator, so many different codes can be drawn reproducibly. */
const seeded = (seed: number): RandomBytes => {
  let state = seed;
  return (length) =>
    Uint8Array.from({ length }, () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state >>> 16;
    });
};

describe('tracking codes', () => {
  test('the alphabet has 32 characters without 0, O, 1 or I', () => {
    expect(TRACKING_CODE_ALPHABET).toHaveLength(32);
    expect(new Set(TRACKING_CODE_ALPHABET).size).toBe(32);
    expect(TRACKING_CODE_ALPHABET).not.toMatch(/[0O1I]/);
  });

  test('look like DD-XXXX-XXXX and are valid', () => {
    const code = generateTrackingCode(bytes(0, 1, 2, 3, 4, 5, 6));
    expect(code).toMatch(/^DD-2345-678[2-9A-Z]$/);
    expect(isValidTrackingCode(code)).toBe(true);
  });

  test('depend only on the injected random source', () => {
    expect(generateTrackingCode(seeded(42))).toBe(generateTrackingCode(seeded(42)));
    expect(generateTrackingCode(seeded(42))).not.toBe(generateTrackingCode(seeded(43)));
  });

  test('use every byte modulo 32, so high bytes map into the alphabet too', () => {
    expect(generateTrackingCode(bytes(255)).slice(3, 7)).toBe('ZZZZ');
  });

  test('need enough random bytes', () => {
    expect(() => generateTrackingCode(() => new Uint8Array(3))).toThrow('needs 7 random bytes');
  });

  test('a thousand generated codes are all valid', () => {
    const random = seeded(7);
    for (let i = 0; i < 1000; i += 1) expect(isValidTrackingCode(generateTrackingCode(random))).toBe(true);
  });

  test('any single mistyped character is caught', () => {
    const code = generateTrackingCode(seeded(99));
    const positions = [3, 4, 5, 6, 8, 9, 10, 11];
    for (const position of positions) {
      for (const replacement of TRACKING_CODE_ALPHABET) {
        if (replacement === code[position]) continue;
        const typo = code.slice(0, position) + replacement + code.slice(position + 1);
        expect(isValidTrackingCode(typo)).toBe(false);
      }
    }
  });

  test('swapping two different neighbours is caught', () => {
    const code = generateTrackingCode(bytes(2, 9, 4, 17, 30, 11, 5));
    const swapped = code.slice(0, 3) + code[4] + code[3] + code.slice(5);
    expect(swapped).not.toBe(code);
    expect(isValidTrackingCode(swapped)).toBe(false);
  });

  test('malformed codes are invalid', () => {
    for (const bad of ['', 'DD-2345-678', 'DD-2345-67890', 'XX-2345-6782', 'DD-O345-6782', 'dd-2345-6782', 'DD23456782']) {
      expect(isValidTrackingCode(bad)).toBe(false);
    }
  });
});

describe('parseTrackingCode', () => {
  const code = generateTrackingCode(seeded(5));
  const body = code.slice(3).replace('-', '');

  test('accepts what people type and returns the canonical code', () => {
    expect(parseTrackingCode(code)).toBe(code);
    expect(parseTrackingCode(code.toLowerCase())).toBe(code);
    expect(parseTrackingCode(` dd ${body.slice(0, 4)} ${body.slice(4)} `)).toBe(code);
    expect(parseTrackingCode(body)).toBe(code);
  });

  test('returns null for anything else', () => {
    expect(parseTrackingCode('hello')).toBeNull();
    expect(parseTrackingCode(`${body.slice(0, 7)}${body[7] === 'Z' ? 'Y' : 'Z'}`)).toBeNull();
  });
});

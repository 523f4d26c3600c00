/**
 * Tracking codes are read aloud over the hotline and copied from paper letters, so the alphabet
 * leaves out the look-alikes 0/O and 1/I, and the last character is a Luhn mod 32 check: any one
 * mistyped character and most swapped neighbours are caught before a lookup.
 *
 * A tracking code finds an order; it does not prove ownership (the order's secret does), so 35
 * random bits are plenty. They are not unique by construction (intake derives them from the order
 * id, and collisions appear past ~10⁵ orders), so the read model does not require uniqueness: a
 * code finds candidates and the secret picks the order.
 */

export const TRACKING_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const BASE = TRACKING_CODE_ALPHABET.length; // 32: a byte modulo 32 is unbiased
const PREFIX = 'DD';
const BODY_LENGTH = 8;
const RANDOM_LENGTH = BODY_LENGTH - 1;
const CANONICAL = new RegExp(`^${PREFIX}-[${TRACKING_CODE_ALPHABET}]{4}-[${TRACKING_CODE_ALPHABET}]{4}$`);

/** Returns `length` random bytes; in production `crypto.randomBytes`, in tests a fixed sequence. */
export type RandomBytes = (length: number) => Uint8Array;

const valueOf = (char: string): number => TRACKING_CODE_ALPHABET.indexOf(char);

function luhnSum(values: readonly number[], doubleFirstFromRight: boolean): number {
  let double = doubleFirstFromRight;
  let sum = 0;
  for (let i = values.length - 1; i >= 0; i -= 1) {
    const addend = (values[i] ?? 0) * (double ? 2 : 1);
    sum += Math.floor(addend / BASE) + (addend % BASE);
    double = !double;
  }
  return sum;
}

const checkCharacter = (values: readonly number[]): string => TRACKING_CODE_ALPHABET.charAt((BASE - (luhnSum(values, true) % BASE)) % BASE);

const format = (body: string): string => `${PREFIX}-${body.slice(0, 4)}-${body.slice(4)}`;

export function generateTrackingCode(randomBytes: RandomBytes): string {
  const bytes = randomBytes(RANDOM_LENGTH);
  if (bytes.length < RANDOM_LENGTH) throw new Error(`tracking code: needs ${RANDOM_LENGTH} random bytes`);
  const values = Array.from(bytes.subarray(0, RANDOM_LENGTH), (byte) => byte % BASE);
  const body = values.map((value) => TRACKING_CODE_ALPHABET.charAt(value)).join('') + checkCharacter(values);
  return format(body);
}

export function isValidTrackingCode(code: string): boolean {
  if (!CANONICAL.test(code)) return false;
  const values = Array.from(code.slice(PREFIX.length).replaceAll('-', ''), valueOf);
  return luhnSum(values, false) % BASE === 0;
}

/**
 * Accepts what people type — lower case, spaces, missing dashes or prefix ("dd 7k3m q9tx",
 * "7K3MQ9TX") — and returns the canonical code, or `null` if it is not a valid one.
 */
export function parseTrackingCode(input: string): string | null {
  let compact = input.toUpperCase().replace(/[\s\-_]/g, '');
  if (compact.length === PREFIX.length + BODY_LENGTH && compact.startsWith(PREFIX)) compact = compact.slice(PREFIX.length);
  if (compact.length !== BODY_LENGTH) return null;
  const code = format(compact);
  return isValidTrackingCode(code) ? code : null;
}

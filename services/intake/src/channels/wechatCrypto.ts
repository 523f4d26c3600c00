// WeChat official account message crypto: SHA-1 signatures and the safe mode's AES-256-CBC
// envelope (random 16 bytes, 4-byte big-endian length, message, app id; PKCS#7 to 32 bytes).
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { constantTimeEqual } from '@diandan/platform';

/** sha1 of the sorted parts, concatenated: WeChat's signature over token, timestamp, nonce (and Encrypt). */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

export function signatureMatches(presented: unknown, expected: string): boolean {
  return typeof presented === 'string' && constantTimeEqual(presented, expected);
}

const BLOCK = 32;

export class WechatCrypto {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(
    encodingAesKey: string,
    private readonly appId: string,
  ) {
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    if (this.key.length !== 32) throw new Error('WECHAT_AES_KEY must decode to 32 bytes');
    this.iv = this.key.subarray(0, 16);
  }

  /** The message inside an Encrypt element; throws on anything malformed or for another app. */
  decrypt(encrypted: string): string {
    const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv);
    decipher.setAutoPadding(false);
    const padded = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
    const pad = padded[padded.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK || pad > padded.length) throw new Error('bad padding');
    const plain = padded.subarray(0, padded.length - pad);
    if (plain.length < 20) throw new Error('too short');
    const length = plain.readUInt32BE(16);
    if (20 + length > plain.length) throw new Error('bad length');
    const appId = plain.subarray(20 + length).toString('utf8');
    if (appId !== this.appId) throw new Error('message is for another app id');
    return plain.subarray(20, 20 + length).toString('utf8');
  }

  /** `random16` is passed in so that a retried message gets a byte-identical reply. */
  encrypt(message: string, random16: Buffer): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const plain = Buffer.concat([random16.subarray(0, 16), length, body, Buffer.from(this.appId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }
}

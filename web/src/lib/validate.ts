// Form rules that mirror the services' zod schemas (services/intake/src/channels/api.ts,
// services/dispatch/src/api/actions.ts), so a person sees the API's objection while typing, in
// Chinese, instead of after sending. The API stays the judge: these only say earlier what it says.
import { parseTrackingCode } from '../../../packages/domain/src/trackingCode';
import type { Lang } from './labels';

export const MAX_CONTENT_LENGTH = 4000;
export const MAX_TEXT_LENGTH = 4000; // packages/domain MAX_TEXT_LENGTH (a test holds them equal)
const MOBILE = /^1[3-9]\d{9}$/;

type Check = (value: string) => string | undefined;

const msg = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);

/** Chinese mobile as intake normalises it: +86, spaces and dashes are dropped first. */
export function normaliseMobile(value: string): string {
  return value.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
}

export function mobileError(value: string, lang: Lang = 'zh'): string | undefined {
  if (value.trim() === '') return undefined;
  return MOBILE.test(normaliseMobile(value)) ? undefined : msg(lang, '请输入 11 位手机号码，如 13812345678', 'enter an 11-digit Chinese mobile, e.g. 13812345678');
}

export function emailError(value: string, lang: Lang = 'zh'): string | undefined {
  if (value.trim() === '') return undefined;
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()) && value.length <= 254 ? undefined : msg(lang, '邮箱格式不正确', 'not an e-mail address');
}

export const requiredText = (max: number, lang: Lang = 'zh'): Check => (value) => {
  const trimmed = value.trim();
  if (trimmed === '') return msg(lang, '必填', 'required');
  if (trimmed.length > max) return msg(lang, `最多 ${max} 个字（现在 ${trimmed.length} 个）`, `at most ${max} characters (now ${trimmed.length})`);
  return undefined;
};

export const contentError = (value: string, lang: Lang = 'zh') => requiredText(MAX_CONTENT_LENGTH, lang)(value);
export const actionTextError = (value: string, lang: Lang = 'zh') => requiredText(MAX_TEXT_LENGTH, lang)(value);

/** Tracking codes as people type them ("dd 7k3m q9tb") in canonical form, or undefined. */
export function normaliseTrackingCode(value: string): string | undefined {
  return parseTrackingCode(value) ?? undefined;
}

/** The domain's own check (alphabet without look-alikes, Luhn check character) before any lookup. */
export function trackingCodeError(value: string, lang: Lang = 'zh'): string | undefined {
  if (value.trim() === '') return msg(lang, '请输入查询码', 'enter the tracking code');
  return parseTrackingCode(value) ? undefined : msg(lang, '查询码不正确，请核对（如 DD-7K3M-Q9TB）', 'not a valid tracking code (e.g. DD-7K3M-Q9TB)');
}

// Chinese first, English on a switch. One hook: t(zh, en) picks by the chosen language.
import { createContext, useContext } from 'react';
import type { Lang } from '../lib/labels';

export interface LangState {
  lang: Lang;
  setLang: (lang: Lang) => void;
}

export const LangContext = createContext<LangState>({ lang: 'zh', setLang: () => undefined });

export function useLang(): LangState & { t: (zh: string, en: string) => string } {
  const state = useContext(LangContext);
  return { ...state, t: (zh, en) => (state.lang === 'zh' ? zh : en) };
}

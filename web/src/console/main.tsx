import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import type { Lang } from '../lib/labels';
import { ConsoleApp } from './ConsoleApp';
import { LangContext } from './i18n';

function Root() {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('diandan.lang') === 'en' ? 'en' : 'zh'));
  const setLang = (next: Lang) => {
    localStorage.setItem('diandan.lang', next);
    dayjs.locale(next === 'zh' ? 'zh-cn' : 'en');
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLangState(next);
  };
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  return (
    <LangContext.Provider value={{ lang, setLang }}>
      <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#c8102e', borderRadius: 6 } }}>
        <AntApp>
          <BrowserRouter>
            <ConsoleApp />
          </BrowserRouter>
        </AntApp>
      </ConfigProvider>
    </LangContext.Provider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);

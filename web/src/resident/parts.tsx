// What every resident page is made of: the page with its red bar (and a way back), a form field
// with its error or hint, the API's refusal in Chinese.
import { useEffect, useRef, type ReactNode } from 'react';
import { ApiError } from '../api/errors';
import { navigate } from './router';

export const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'service_unavailable', e instanceof Error ? e.message : String(e)));

export function Problem({ error }: { error: ApiError | null }) {
  if (!error) return null;
  const fields = error.fields();
  return (
    <div className="problem" role="alert">
      <strong>{error.title('zh')}</strong>
      <small>{fields.length > 0 ? fields.join('；') : error.apiMessage}</small>
    </div>
  );
}

export function Page({ title, back, backTo = '/h5/', children }: { title: string; back?: boolean; backTo?: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · 点单`;
    heading.current?.focus();
  }, [title]);
  return (
    <>
      <header className="bar">
        {back && (
          <button type="button" className="back" onClick={() => navigate(backTo)} aria-label={backTo === '/h5/' ? '返回首页' : '返回'}>
            ‹
          </button>
        )}
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
      </header>
      <main className="page">{children}</main>
    </>
  );
}

export function Field({ id, label: text, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{text}</label>
      {children}
      {error ? (
        <span className="error" id={`${id}-error`} role="alert">
          {error}
        </span>
      ) : (
        hint && <span className="hint" id={`${id}-hint`}>{hint}</span>
      )}
    </div>
  );
}


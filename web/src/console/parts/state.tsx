// The states every screen meets, designed once: loading, empty, error (the API's message, in
// Chinese first), forbidden.
import { Alert, Button, Empty, Result, Skeleton } from 'antd';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../../api/errors';
import { useLang } from '../i18n';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => Promise<void>;
}

const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'service_unavailable', e instanceof Error ? e.message : String(e)));

/** Runs `load` now and on `reload()`; keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const value = await run();
      if (mine === generation.current) {
        setData(value);
        setError(null);
      }
    } catch (e) {
      if (mine === generation.current) setError(asApiError(e));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

export function ErrorView({ error, retry }: { error: ApiError; retry?: () => void }) {
  const { lang, t } = useLang();
  if (error.forbidden) {
    return <Result status="403" title={t('无权查看', 'Forbidden')} subTitle={`${error.title(lang)}（${error.apiMessage}）`} />;
  }
  return (
    <Alert
      role="alert"
      type="error"
      showIcon
      title={error.title(lang)}
      description={[error.apiMessage, ...error.fields()].join('；')}
      action={retry && <Button onClick={retry}>{t('重试', 'Retry')}</Button>}
    />
  );
}

/** Loading skeleton, error, empty or the content. */
export function Loadable<T>({ state, empty, children }: { state: Loaded<T>; empty?: (data: T) => boolean; children: (data: T) => ReactNode }) {
  const { t } = useLang();
  if (state.error && state.data === undefined) return <ErrorView error={state.error} retry={() => void state.reload()} />;
  if (state.data === undefined) return <Skeleton active aria-busy="true" />;
  if (empty?.(state.data)) return <Empty description={t('暂无数据', 'Nothing here')} />;
  return <>{children(state.data)}</>;
}

export { asApiError };

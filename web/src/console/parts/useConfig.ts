import { useEffect, useState } from 'react';

/** Served by the one-origin server: where the Temporal Web UI is. */
export function useConfig(): { temporalUiUrl?: string } {
  const [config, setConfig] = useState<{ temporalUiUrl?: string }>({});
  useEffect(() => {
    fetch('/config.json')
      .then((r) => (r.ok ? r.json() : {}))
      .then(setConfig, () => undefined);
  }, []);
  return config;
}

// Graceful shutdown: on SIGTERM/SIGINT stop taking work, finish what is in flight, close
// connections in order, then exit. A second signal or the deadline forces the exit.
import type { Logger } from './logger';

export type Closer = { name: string; close: () => Promise<unknown> | unknown };

export function onShutdown(logger: Logger, closers: Closer[], deadlineMs = 15_000): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const shutdown = () => {
    closing ??= (async () => {
      const timer = setTimeout(() => {
        logger.error('shutdown deadline passed; exiting');
        process.exit(1);
      }, deadlineMs);
      timer.unref();
      for (const { name, close } of closers) {
        try {
          await close();
          logger.info({ part: name }, 'closed');
        } catch (err) {
          logger.error({ part: name, err }, 'close failed');
        }
      }
      clearTimeout(timer);
    })();
    return closing;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      void shutdown().then(() => process.exit(0));
    });
  }
  return shutdown;
}

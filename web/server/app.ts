// The one origin the browser talks to: the built console and resident pages, and the three
// services behind /api/<service>/…, so that no page needs CORS and the staff token never leaves
// the origin. The proxy is http-proxy-middleware (streams bodies and the live feed's server-sent
// events as they come; no buffering). This process holds no state and no secret.
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';

export interface WebSettings {
  /** Built pages (vite build output). */
  distDir: string;
  intakeUrl: string;
  dispatchUrl: string;
  feedbackUrl: string;
  /** The Temporal Web UI, linked from each order for supervisors (empty: no link). */
  temporalUiUrl: string;
}

export const SERVICES = ['intake', 'dispatch', 'feedback'] as const;
export type Service = (typeof SERVICES)[number];

export function createWebApp(settings: WebSettings): Express {
  const app = express();
  app.disable('x-powered-by');
  const targets: Record<Service, string> = { intake: settings.intakeUrl, dispatch: settings.dispatchUrl, feedback: settings.feedbackUrl };
  for (const service of SERVICES) {
    app.use(
      `/api/${service}`,
      createProxyMiddleware({
        target: targets[service],
        changeOrigin: false,
        xfwd: true,
        // A service that is down is a page-level error the console can show in Chinese.
        on: {
          error: (_error, _req, res) => {
            if ('writeHead' in res && !res.headersSent) {
              res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
              res.end(JSON.stringify({ error: { code: 'service_unavailable', message: `${service} is not answering` } }));
            }
          },
        },
      }),
    );
  }
  // The public board lives in feedback; one origin means the resident H5 can link to it.
  app.use('/board', createProxyMiddleware({ target: `${settings.feedbackUrl}/board`, xfwd: true }));
  app.get('/config.json', (_req, res) => {
    res.set('cache-control', 'no-store').json({ temporalUiUrl: settings.temporalUiUrl });
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const index = path.join(settings.distDir, 'index.html');
  const h5 = path.join(settings.distDir, 'h5.html');
  if (!fs.existsSync(index)) throw new Error(`no built console at ${settings.distDir}: run 'npm -w web run build'`);
  // Hashed assets are immutable; the HTML pages are not.
  app.use('/assets', express.static(path.join(settings.distDir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
  app.use(express.static(settings.distDir, { index: false }));
  const page = (file: string) => (_req: express.Request, res: express.Response) => {
    res.set('cache-control', 'no-cache').sendFile(file);
  };
  app.get(['/h5', '/h5/{*rest}'], page(h5));
  app.get('/{*rest}', page(index));
  return app;
}

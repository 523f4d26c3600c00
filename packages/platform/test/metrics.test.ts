// The one way every process exposes Prometheus metrics: /metrics on the HTTP app, a bare endpoint
// for the worker, counters and scrape-time gauges in one registry per process.
import type { AddressInfo } from 'node:net';
import { counter, createHttpApp, createLogger, gauge, listen, serveMetrics } from '../src';

const logger = createLogger('metrics-test', 'silent');

async function get(port: number, path: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('metrics', () => {
  it('httpApp.metrics: serves counters, scrape-time gauges and the default process metrics', async () => {
    const placed = counter({ name: 'test_orders_placed_total', help: 'test', labelNames: ['channel'] });
    placed.inc({ channel: 'wechat' });
    placed.inc({ channel: 'wechat' });
    gauge({
      name: 'test_open_orders',
      help: 'test',
      collect() {
        this.set(7);
      },
    });
    const server = await listen(createHttpApp({ name: 'metrics-test', logger }), 0, '127.0.0.1');
    try {
      const res = await get((server.address() as AddressInfo).port, '/metrics');
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^text\/plain/);
      expect(res.text).toContain('test_orders_placed_total{channel="wechat"} 2');
      expect(res.text).toContain('test_open_orders 7');
      expect(res.text).toContain('diandan_process_resident_memory_bytes');
    } finally {
      server.close();
    }
  });

  it('counter.sameName: asking twice returns the same counter, not a registration error', () => {
    expect(counter({ name: 'test_twice_total', help: 'test' })).toBe(counter({ name: 'test_twice_total', help: 'test' }));
  });

  it('serveMetrics: a bare endpoint answers /metrics and 404 elsewhere', async () => {
    const server = await serveMetrics(0);
    try {
      const port = (server.address() as AddressInfo).port;
      expect((await get(port, '/metrics')).text).toContain('diandan_nodejs_eventloop_lag_seconds');
      expect((await get(port, '/other')).status).toBe(404);
    } finally {
      server.close();
    }
  });
});

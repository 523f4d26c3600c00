// Measures what a person's browser pays (a script that prints figures, not a timed test):
//   - initial JavaScript of the staff console (login page) and of the resident H5, gzip: the
//     entry chunk and its static imports, as the built HTML loads them (lazy screens excluded);
//   - time to first usable screen on loopback in Debian's Chromium (navigation start → the login
//     form / the H5 form is on screen and interactive), median of N cold loads;
//   - the H5 at a 375 px-wide viewport: no horizontal scroll, the form's first field visible.
// Needs the built pages (npm -w web run build) and serves them itself; the APIs are not needed
// for the first screens (their calls fail fast against a closed port).
//   npx tsx web/scripts/measure.ts [runs=7]
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { createWebApp } from '../server/app';
import { ARTIFACTS, launchBrowser } from '../test/browser';

const DIST = path.join(__dirname, '..', 'dist');
const runs = Number(process.argv[2] ?? 7);

/** The entry script of an HTML page and every chunk it statically imports (modulepreload). */
function initialJs(html: string): { files: string[]; gzip: number; raw: number } {
  const page = fs.readFileSync(path.join(DIST, html), 'utf8');
  const files = new Set([...page.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string));
  // Static imports of those chunks (vite lists them in the HTML as modulepreload, but follow
  // the import statements too, to be sure nothing is missed).
  const queue = [...files];
  while (queue.length > 0) {
    const code = fs.readFileSync(path.join(DIST, queue.pop() as string), 'utf8');
    for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) {
      const file = `assets/${m[1]}`;
      if (!files.has(file)) {
        files.add(file);
        queue.push(file);
      }
    }
  }
  let gzip = 0;
  let raw = 0;
  for (const file of files) {
    const bytes = fs.readFileSync(path.join(DIST, file));
    raw += bytes.length;
    gzip += zlib.gzipSync(bytes, { level: 9 }).length;
  }
  return { files: [...files], gzip, raw };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error('build first: npm -w web run build');
  const closed = 'http://127.0.0.1:9';
  const app = createWebApp({ distDir: DIST, intakeUrl: closed, dispatchUrl: closed, feedbackUrl: closed, temporalUiUrl: '' });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const consoleJs = initialJs('index.html');
  const h5Js = initialJs('h5.html');
  console.log(`initial JS, gzip -9:  console ${kb(consoleJs.gzip)} (${kb(consoleJs.raw)} raw, ${consoleJs.files.length} files; aim ≤ 400 KB)`);
  console.log(`                      resident H5 ${kb(h5Js.gzip)} (${kb(h5Js.raw)} raw, ${h5Js.files.length} files; aim ≤ 150 KB)`);

  const browser = await launchBrowser();
  const usable = async (url: string, ready: string, viewport: { width: number; height: number }) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport, locale: 'zh-CN' }); // cold: no cache
      const page = await context.newPage();
      const start = Date.now();
      await page.goto(url, { waitUntil: 'commit' });
      await page.locator(ready).waitFor({ state: 'visible' });
      await page.locator(ready).click({ trial: true }); // visible, stable, enabled, receives events
      times.push(Date.now() - start);
      if (i === runs - 1 && viewport.width === 375) {
        // A string: this file is type-checked for Node, the expression runs in the page.
        const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
        console.log(`H5 at 375 px: horizontal overflow ${overflow} px; screenshot ${path.relative(process.cwd(), path.join(ARTIFACTS, 'measure-h5-375.png'))}`);
        await page.screenshot({ path: path.join(ARTIFACTS, 'measure-h5-375.png'), fullPage: true });
      }
      await context.close();
    }
    return times;
  };
  const c = await usable(`${base}/`, '#username', { width: 1366, height: 800 });
  const h = await usable(`${base}/h5/place`, '#content', { width: 375, height: 740 });
  console.log(`first usable screen (cold, loopback, median of ${runs}):  console login ${median(c)} ms (min ${Math.min(...c)}, max ${Math.max(...c)}); H5 form ${median(h)} ms (min ${Math.min(...h)}, max ${Math.max(...h)}); aim < 1000 ms`);
  await browser.close();
  server.close();
}

void main();

// The project's docs stand on their own: no link leaves the repository, every repository path they
// name exists, and every section they send the reader to ("see …") is there.
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const docs = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const TOP_LEVEL = /^(docs|services|packages|workflows|infra|test|web)\//;

describe('docs', () => {
  test.each(docs)('%s.staysInsideTheRepository: no ../ path, no link to a file outside it', (file) => {
    const text = read(file);
    expect(text.match(/`\.\.\/[^`]*`|\]\(\.\.\/[^)]*\)/g) ?? []).toEqual([]);
    expect(text.match(/\/work\/|shared\/design/g) ?? []).toEqual([]);
  });

  test.each(docs)('%s.namesPathsThatExist: every repository path in backticks or links is there', (file) => {
    const text = read(file);
    const named = [...text.matchAll(/`([A-Za-z0-9_./-]+)`|\]\(([A-Za-z0-9_./-]+)(#[^)]*)?\)/g)]
      .map((m) => (m[1] ?? m[2])!.replace(/\/$/, ''))
      .filter((p) => TOP_LEVEL.test(p) && !p.includes('*') && /\.[a-z]+$|\/[a-z-]+$/.test(p));
    // A service's doc names its files from the service's folder (`test/…` in docs/dispatch.md).
    const bases = ['', path.dirname(file), ...['services', 'packages'].flatMap((dir) => fs.readdirSync(path.join(root, dir)).map((name) => `${dir}/${name}`)), 'workflows'];
    const missing = named.filter((p) => !bases.some((base) => fs.existsSync(path.join(root, base, p))));
    expect(missing).toEqual([]);
  });

  test.each(docs)('%s.sendsToSectionsThatExist: every `see "…"` names a heading', (file) => {
    const text = read(file);
    const headings = [...text.matchAll(/^#+\s+(.+)$/gm)].map((m) => m[1]!);
    const allHeadings = docs.flatMap((doc) => [...read(doc).matchAll(/^#+\s+(.+)$/gm)].map((m) => m[1]!));
    const referenced = [...text.matchAll(/(?:see|in|under)\s+"([^"]+)"/gi)].map((m) => m[1]!.replace(/\s+/g, ' '));
    const dangling = referenced.filter((name) => ![...headings, ...allHeadings].some((h) => h.includes(name)));
    expect(dangling).toEqual([]);
    expect(headings.length).toBeGreaterThan(0);
  });
});

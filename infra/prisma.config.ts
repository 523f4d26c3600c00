// Prisma CLI configuration: the JS (Wasm) schema engine over @prisma/adapter-pg, so that
// `prisma migrate` runs without the native engines, which cannot be downloaded here.
// Two shims for upstream bugs live here, in the CLI's config only (the app's client needs neither):
//  1. prisma/orm#27403: adapter-pg rejects the catalog types `name` (OID 19) and `"char"` (18), and
//     their arrays, that the schema engine reads — we report them as text (25, text[] 1009).
//  2. adapter-pg's connectToShadowDb lets a connection string override the shadow database name
//     (so the "shadow" is the main DB) and drops the shadow DB before closing its pool. Our factory
//     creates a uniquely named shadow DB, connects to it, and on dispose closes the pool first.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

// Catalog-only types the schema engine reads but adapter-pg cannot map: name and "char".
const CATALOG_TEXT_OIDS = new Set([19 /* name */, 18 /* "char" */]);
const CATALOG_TEXT_ARRAY_OIDS = new Set([1003 /* name[] */, 1002 /* "char"[] */]);
const TEXT_OID = 25;
const TEXT_ARRAY_OID = 1009;

type QueryResultLike = { fields?: { dataTypeID: number }[] };

function reportNameAsText(result: unknown): void {
  for (const field of (result as QueryResultLike | undefined)?.fields ?? []) {
    if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    else if (CATALOG_TEXT_ARRAY_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_ARRAY_OID;
  }
}

type Queryable = { query: (...args: unknown[]) => Promise<unknown> };

function patchQuery(target: Queryable): void {
  const original = target.query.bind(target);
  target.query = async (...args: unknown[]) => {
    const result = await original(...args);
    reportNameAsText(result);
    return result;
  };
}

function connectionConfig(database?: string): pg.PoolConfig {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:55432/diandan');
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: database ?? url.pathname.slice(1),
    max: 4,
  };
}

function patchedPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  patchQuery(pool as unknown as Queryable);
  pool.on('connect', (client) => patchQuery(client as unknown as Queryable));
  return pool;
}

async function adapterFactory() {
  const factory = new PrismaPg(patchedPool(connectionConfig()), { disposeExternalPool: true });
  const connectToShadowDb = async () => {
    const admin = new pg.Client(connectionConfig());
    await admin.connect();
    const database = `prisma_shadow_${process.pid}_${Date.now()}`;
    await admin.query(`CREATE DATABASE "${database}"`);
    const pool = patchedPool(connectionConfig(database));
    const shadow = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose(); // closes the pool first, so DROP DATABASE does not race our own sessions
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    };
    return shadow;
  };
  return Object.assign(factory, { connectToShadowDb });
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(__dirname, 'prisma', 'schema.prisma'),
  migrations: { path: path.join(__dirname, 'prisma', 'migrations') },
  adapter: adapterFactory,
});

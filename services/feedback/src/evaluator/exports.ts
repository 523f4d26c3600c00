// Exports for the third-party evaluator (年底第三方评估): anonymized orders and the rates, as CSV
// (UTF-8 with BOM, so that Excel shows the Chinese) and XLSX. Orders stream out in id order in
// batches; nothing that identifies a resident leaves (no tracking code, address, coordinates), and
// the content is scrubbed.
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { PrismaClient } from '@diandan/platform';
import { monthOf, monthStart, nextMonth, type KpiCounters } from '../kpis/facts';
import { streetOfUnits, type KpiReport } from '../kpis/report';
import { scrub } from '../scrub';
import { chinaDateTime } from '@diandan/domain';

export interface Column<T> {
  key: keyof T & string;
  header: string;
  width?: number;
}

export interface ExportedOrder {
  orderId: string;
  month: string;
  channel: string;
  category: string;
  unit: string;
  street: string;
  level: string;
  status: string;
  placedAt: string;
  dispatchedAt: string | null;
  acceptedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  rating: string;
  bounces: number;
  escalations: number;
  buckPassing: string;
  content: string;
}

export const ORDER_COLUMNS: Column<ExportedOrder>[] = [
  { key: 'orderId', header: '订单编号', width: 38 },
  { key: 'month', header: '受理月份', width: 10 },
  { key: 'channel', header: '渠道' },
  { key: 'category', header: '类别', width: 16 },
  { key: 'unit', header: '承办单位', width: 20 },
  { key: 'street', header: '街道', width: 14 },
  { key: 'level', header: '层级' },
  { key: 'status', header: '状态', width: 14 },
  { key: 'placedAt', header: '受理时间（北京时间）', width: 22 },
  { key: 'dispatchedAt', header: '派单时间（北京时间）', width: 22 },
  { key: 'acceptedAt', header: '签收时间（北京时间）', width: 22 },
  { key: 'resolvedAt', header: '办结时间（北京时间）', width: 22 },
  { key: 'closedAt', header: '关闭时间（北京时间）', width: 22 },
  { key: 'rating', header: '评价' },
  { key: 'bounces', header: '退单次数' },
  { key: 'escalations', header: '升级次数' },
  { key: 'buckPassing', header: '推诿' },
  { key: 'content', header: '诉求内容（已脱敏）', width: 60 },
];

/** One row of the rates export: the rollup's counters and the rates formatted for people. */
export interface ExportedRate extends KpiCounters {
  key: string;
  name: string;
  response: string;
  resolution: string;
  satisfaction: string;
  composite: string;
  rank: string;
}

export const RATE_COLUMNS: Column<ExportedRate>[] = [
  { key: 'key', header: '编码', width: 16 },
  { key: 'name', header: '名称', width: 20 },
  { key: 'placed', header: '受理量' },
  { key: 'received', header: '派单及即办量' },
  { key: 'responseReceived', header: '应响应量' },
  { key: 'respondedOnTime', header: '按时响应' },
  { key: 'resolved', header: '已解决' },
  { key: 'satisfied', header: '满意' },
  { key: 'basicallySatisfied', header: '基本满意' },
  { key: 'dissatisfied', header: '不满意' },
  { key: 'response', header: '响应率' },
  { key: 'resolution', header: '解决率' },
  { key: 'satisfaction', header: '满意率' },
  { key: 'composite', header: '综合得分' },
  { key: 'rank', header: '排名' },
];

const RATING_NAMES: Record<string, string> = { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' };
/** Files are read by people: China time, `2026-03-15 09:10:00` (the headers say 北京时间). */
const chinaText = (d: Date | null): string => (d ? chinaDateTime(d) : '');
const rate = (r: number | null): string => (r === null ? '' : r.toFixed(4));

export function rateRows(report: KpiReport): ExportedRate[] {
  return [...report.rows, report.total].map((row) => ({
    key: row.key,
    name: row.key === 'total' ? '合计' : row.name,
    placed: row.counters.placed,
    received: row.counters.received,
    responseReceived: row.counters.responseReceived,
    respondedOnTime: row.counters.respondedOnTime,
    resolved: row.counters.resolved,
    satisfied: row.counters.satisfied,
    basicallySatisfied: row.counters.basicallySatisfied,
    dissatisfied: row.counters.dissatisfied,
    response: rate(row.rates.response),
    resolution: rate(row.rates.resolution),
    satisfaction: rate(row.rates.satisfaction),
    composite: rate(row.rates.composite),
    rank: row.rank === null ? '' : String(row.rank),
  }));
}

/**
 * Orders placed in [from, to] (months, China time), anonymized, in batches by id; from the order
 * after `after` and at most `limit` of them when given (the JSON pages of the evaluation data set).
 * `time` formats the timestamps (China-time text in files).
 */
export async function* exportedOrders(
  prisma: PrismaClient,
  from: string,
  to: string,
  batchSize = 2000,
  { after, limit = Number.POSITIVE_INFINITY, time = chinaText }: { after?: string; limit?: number; time?: (d: Date | null) => string | null } = {},
): AsyncGenerator<ExportedOrder> {
  const [units, categories, streets] = await Promise.all([
    prisma.unit.findMany({ select: { id: true, name: true } }),
    prisma.category.findMany({ select: { code: true, name: true } }),
    streetOfUnits(prisma),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const categoryName = new Map(categories.map((c) => [c.code, c.name]));
  let cursor: string | undefined = after;
  let left = limit;
  for (;;) {
    const batch = await prisma.order.findMany({
      where: { placedAt: { gte: monthStart(from), lt: monthStart(nextMonth(to)) }, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: Math.min(batchSize, left),
      select: {
        id: true, channel: true, categoryCode: true, unitId: true, level: true, status: true, placedAt: true, dispatchedAt: true, acceptedAt: true,
        resolvedAt: true, closedAt: true, rating: true, bounces: true, escalations: true, buckPassing: true, content: true,
      },
    });
    for (const o of batch) {
      const street = o.unitId ? streets.get(o.unitId) : undefined;
      yield {
        orderId: o.id,
        month: monthOf(o.placedAt),
        channel: o.channel,
        category: o.categoryCode ? (categoryName.get(o.categoryCode) ?? o.categoryCode) : '',
        unit: o.unitId ? (unitName.get(o.unitId) ?? o.unitId) : '',
        street: street ? (unitName.get(street) ?? street) : '',
        level: o.level ?? '',
        status: o.status,
        placedAt: time(o.placedAt) ?? '',
        dispatchedAt: time(o.dispatchedAt),
        acceptedAt: time(o.acceptedAt),
        resolvedAt: time(o.resolvedAt),
        closedAt: time(o.closedAt),
        rating: o.rating ? (RATING_NAMES[o.rating] ?? o.rating) : '',
        bounces: o.bounces,
        escalations: o.escalations,
        buckPassing: o.buckPassing ? '是' : '否',
        content: scrub(o.content),
      };
    }
    left -= batch.length;
    if (batch.length < batchSize || left <= 0) return;
    cursor = batch[batch.length - 1]!.id;
  }
}

export async function writeCsv<T>(out: Writable, columns: Column<T>[], rows: AsyncIterable<T> | Iterable<T>): Promise<void> {
  out.write('\uFEFF');
  const csv = stringify({ header: true, columns: columns.map((c) => ({ key: c.key, header: c.header })) });
  const done = new Promise<void>((resolve, reject) => {
    csv.on('error', reject);
    csv.on('end', resolve);
  });
  csv.pipe(out);
  for await (const row of rows) {
    if (!csv.write(row)) await new Promise((resolve) => csv.once('drain', resolve));
  }
  csv.end();
  await done;
}

export async function writeXlsx<T>(out: Writable, sheetName: string, columns: Column<T>[], rows: AsyncIterable<T> | Iterable<T>): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  workbook.creator = 'diandan';
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ key: c.key, header: c.header, width: c.width ?? 12 }));
  sheet.getRow(1).font = { bold: true };
  for await (const row of rows) sheet.addRow(row as Record<string, unknown>).commit();
  sheet.commit();
  await workbook.commit();
}

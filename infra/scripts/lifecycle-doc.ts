// Renders the tables of docs/lifecycle.md from the domain's own data (transitions, permissions,
// deadline policy), so the document shows the rules as the code has them. A test compares them;
// `npx tsx infra/scripts/lifecycle-doc.ts --write` refreshes the document.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DEADLINE_POLICY, LEVELS, PERMISSIONS, STAGES, TRANSITIONS, type Duration, type StageRule } from '@diandan/domain';

export const DOC_PATH = path.join(__dirname, '../../docs/lifecycle.md');
const BEGIN = '<!-- generated:begin (infra/scripts/lifecycle-doc.ts) -->';
const END = '<!-- generated:end -->';

const UNIT_WORDS: Record<Duration['unit'], string> = {
  working_minute: 'working minutes',
  working_hour: 'working hours',
  working_day: 'working days',
  calendar_day: 'calendar days',
};
const duration = (d: Duration) => `${d.amount} ${d.amount === 1 ? UNIT_WORDS[d.unit].replace(/s$/, '') : UNIT_WORDS[d.unit]}`;
const perLevel = (rule: StageRule) => ('unit' in rule ? LEVELS.map(() => duration(rule)) : LEVELS.map((level) => duration(rule[level])));

export function renderTables(): string {
  const policy = DEFAULT_DEADLINE_POLICY;
  const lines: string[] = [];
  lines.push('### Deadlines (default policy; categories may override)', '');
  lines.push(`| stage | ${LEVELS.join(' | ')} |`, `|---|${LEVELS.map(() => '---').join('|')}|`);
  for (const stage of STAGES) lines.push(`| ${stage} | ${perLevel(policy.stages[stage]).join(' | ')} |`);
  lines.push('', `Warning (催办) at ${Math.round(policy.warnAtFraction * 100)} % of a stage; urgent orders get ${policy.urgentFactor * 100} % of the working time (never a shorter rating window).`, '');
  lines.push('### Commands by state', '', '| state | commands it takes |', '|---|---|');
  for (const [status, commands] of Object.entries(TRANSITIONS)) lines.push(`| ${status} | ${commands.length ? commands.join(', ') : '—'} |`);
  lines.push('', '### Who may issue a command', '', '| command | roles |', '|---|---|');
  for (const [command, roles] of Object.entries(PERMISSIONS)) lines.push(`| ${command} | ${roles.join(', ')} |`);
  return lines.join('\n');
}

export function generatedBlock(doc: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  return start < 0 || end < 0 ? '' : doc.slice(start + BEGIN.length, end).trim();
}

if (require.main === module && process.argv.includes('--write')) {
  const doc = readFileSync(DOC_PATH, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  writeFileSync(DOC_PATH, `${doc.slice(0, start + BEGIN.length)}\n${renderTables()}\n${doc.slice(end)}`);
  console.log(`updated ${DOC_PATH}`);
}

// `vigil rules`: every rule of the misconfiguration, secret and license tables, as a table or JSON.
import { RULE_TABLES } from '../engine/rules';
import type { FindingKind } from '../engine/types';
import { UsageError, parse } from './options';

const RULES_USAGE = 'Usage: vigil rules [--kind misconfiguration|secret|license] [--format table|json]\n';
const RULES_HELP = `${RULES_USAGE}
Lists the rules Vigil checks besides vulnerabilities: ID, severity, title and where it is explained.
The IDs are what ignore files and inline ignore comments name.
`;

const KINDS = Object.keys(RULE_TABLES) as FindingKind[];

export function runRulesCommand(args: string[]): number {
  const { values, positionals } = parse(args, {
    kind: { type: 'string' },
    format: { type: 'string', short: 'f', default: 'table' },
  }, RULES_USAGE);
  if (values.help) {
    process.stdout.write(RULES_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError('vigil rules takes no PATH', RULES_USAGE);
  const kinds = values.kind === undefined ? KINDS : [values.kind as FindingKind];
  if (!kinds.every(kind => KINDS.includes(kind))) throw new UsageError(`unknown kind '${values.kind}': use ${KINDS.join(', ')}`, RULES_USAGE);
  if (values.format === 'json') {
    process.stdout.write(`${JSON.stringify(kinds.flatMap(kind => RULE_TABLES[kind]), null, 2)}\n`);
    return 0;
  }
  if (values.format !== 'table') throw new UsageError(`unknown format '${values.format}': use table or json`, RULES_USAGE);
  const out: string[] = [];
  for (const kind of kinds) {
    const rules = RULE_TABLES[kind];
    out.push(`${kind} rules: ${rules.length}`);
    if (rules.length === 0) out.push(`  (none yet: the ${kind} scanner is not available in this version)`);
    for (const rule of rules) out.push(`  ${rule.id}  ${rule.severity}  ${rule.title}${rule.url ? `  ${rule.url}` : ''}`);
    out.push('');
  }
  process.stdout.write(out.join('\n'));
  return 0;
}

// `vigil rules`: every rule of the misconfiguration, secret and license tables, as a table or JSON.
import * as fs from 'node:fs';
import { RULE_TABLES } from '../engine/rules';
import { describeProblem, loadSecretConfig } from '../engine/secrets/config';
import type { FindingKind, Rule } from '../engine/types';
import { escapeControl } from '../engine/text';
import { customChecksFor } from './fs';
import { UsageError, parse, printMessage } from './options';

const RULES_USAGE = 'Usage: vigil rules [--kind misconfiguration|secret|license] [--format table|json] [--secret-config FILE] [--config-check FILE]...\n';
const RULES_HELP = `${RULES_USAGE}
Lists the rules Vigil checks besides vulnerabilities: ID, severity, title and where it is explained.
The IDs are what ignore files and inline ignore comments name. With --secret-config, the secret
rules are those the config runs: the built-in ones it keeps, and its own. With --config-check, the
misconfiguration rules include the custom checks of the file (repeatable).
`;

const KINDS = Object.keys(RULE_TABLES) as FindingKind[];

export function runRulesCommand(args: string[]): number {
  const { values, positionals } = parse(args, {
    kind: { type: 'string' },
    format: { type: 'string', short: 'f', default: 'table' },
    'secret-config': { type: 'string' },
    'config-check': { type: 'string', multiple: true },
  }, RULES_USAGE);
  if (values.help) {
    process.stdout.write(RULES_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError('vigil rules takes no PATH', RULES_USAGE);
  const kinds = values.kind === undefined ? KINDS : [values.kind as FindingKind];
  if (!kinds.every(kind => KINDS.includes(kind))) throw new UsageError(`unknown kind '${values.kind}': use ${KINDS.join(', ')}`, RULES_USAGE);
  const tables: Record<FindingKind, readonly Rule[]> = { ...RULE_TABLES };
  const configFile = values['secret-config'];
  if (configFile !== undefined) {
    if (!fs.existsSync(configFile)) throw new UsageError(`secret config not found: ${configFile}`);
    const config = loadSecretConfig(configFile);
    for (const problem of [...config.errors, ...config.warnings]) printMessage(describeProblem(config.file, problem));
    tables.secret = config.scanner.ruleTable();
  }
  const custom = customChecksFor(values['config-check'] ?? []);
  if (custom) tables.misconfiguration = [...tables.misconfiguration, ...custom.rules];
  if (values.format === 'json') {
    process.stdout.write(`${JSON.stringify(kinds.flatMap(kind => tables[kind]), null, 2)}\n`);
    return 0;
  }
  if (values.format !== 'table') throw new UsageError(`unknown format '${values.format}': use table or json`, RULES_USAGE);
  const out: string[] = [];
  for (const kind of kinds) {
    const rules = tables[kind];
    out.push(`${kind} rules: ${rules.length}`);
    if (rules.length === 0) out.push(`  (none yet: the ${kind} scanner is not available in this version)`);
    // Custom rules' titles come from the user's files: nothing in them may drive the terminal.
    for (const rule of rules) out.push(escapeControl(`  ${rule.id}  ${rule.severity}  ${rule.title}${rule.url ? `  ${rule.url}` : ''}`));
    out.push('');
  }
  process.stdout.write(out.join('\n'));
  return 0;
}

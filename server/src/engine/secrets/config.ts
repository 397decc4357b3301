// Secret configs in the format of Trivy's `trivy-secret.yaml`
// (https://trivy.dev/latest/docs/scanner/secret/#configuration):
//
//   rules:                      # custom rules, run besides the built-in ones
//     - id: rule1
//       category: general
//       title: Generic Rule
//       severity: HIGH          # any case; anything else is UNKNOWN
//       regex: (?i)secret=(?P<secret>\w{8,})   # Go/RE2 syntax
//       keywords: [secret]      # the rule runs only on files holding one (any case)
//       path: \.env$            # only on matching paths
//       secret-group-name: secret               # the group that is the secret (else the whole match)
//       allow-rules: [{ id, description, regex, path }]
//       exclude-block: { description, regexes: [...] }  # a secret inside a match of one is dropped
//   allow-rules: [{ id, description, regex, path }]   # a path skips a file, a regex a match
//   exclude-block: { description, regexes: [...] }    # the same, for every rule
//   disable-rules: [github-pat]                        # built-in or custom rule IDs
//   disable-allow-rules: [tests]                       # built-in or custom allow rule IDs
//   enable-builtin-rules: [aws-access-key-id]          # only these built-in rules
//
// As in Trivy, custom rules run whatever `enable-builtin-rules` says, `disable-rules` wins over it,
// and a list that is empty changes nothing. Vigil also takes `enable-builtin-rules: false` for no
// built-in rule at all.
//
// A config can come with the repository (`trivy-secret.yaml` found in the scanned folder), so
// it is hostile input: it is read as other found files are (found-files.ts), its patterns are
// compiled with RE2 (re2.ts), and no message quotes it; they name the line and the problem. A
// rule that cannot be used is an error for that rule alone: the other rules keep working.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { ANALYZERS } from '../analyzers';
import { secretAnalyzer } from '../analyzers/secret';
import { checkFoundFile } from '../found-files';
import { SECRET_REMEDIATION } from '../rules/secrets';
import { LineIndex } from '../text';
import { SEVERITIES, type Analyzer, type Rule, type Severity } from '../types';
import { compileRe2, type Re2Pattern } from './re2';
import {
  BUILTIN_ALLOW_RULES, compileBuiltinRules, SecretScanner, type AllowRule, type CustomRule, type FindAll, type Span,
} from './scanner';

/** The names a secret config is found by, in the current folder and the scanned one: Vigil's first. */
export const SECRET_CONFIG_FILE_NAMES: readonly string[] = ['vigil-secret.yaml', 'trivy-secret.yaml'];

export interface SecretConfig {
  rules: CustomRule[];
  allowRules: AllowRule[];
  disableRules: string[];
  disableAllowRules: string[];
  /** `all` (absent or an empty list, as in Trivy), `none` (`false`), or the IDs to keep. */
  enableBuiltinRules: 'all' | 'none' | string[];
  excludeBlocks: FindAll[];
}

/** A problem of a config file, at a line of it; the message never quotes the file. */
export interface SecretConfigProblem {
  line?: number;
  message: string;
}

export interface ParsedSecretConfig {
  config: SecretConfig;
  /** Each rule, allow rule or exclude-block pattern that cannot be used, or a file that does not parse. */
  errors: SecretConfigProblem[];
  /** What was left out or read otherwise: unknown keys, a severity Vigil does not know. */
  warnings: SecretConfigProblem[];
}

/** `FILE:LINE: message`. */
export function describeProblem(file: string, problem: SecretConfigProblem): string {
  return `${file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`;
}

const TOP_KEYS = ['rules', 'allow-rules', 'disable-rules', 'disable-allow-rules', 'enable-builtin-rules', 'exclude-block'];
const RULE_KEYS = ['id', 'category', 'title', 'severity', 'regex', 'keywords', 'path', 'secret-group-name', 'allow-rules', 'exclude-block'];
const ALLOW_KEYS = ['id', 'description', 'regex', 'path'];
const BLOCK_KEYS = ['description', 'regexes'];
/** Aliases a config may expand: a few is plenty, a bomb is refused. */
const MAX_ALIAS_COUNT = 100;

/** A problem of one config entry, found while reading it. */
class EntryError extends Error {}

/** Reads a secret config's text. Never throws: a file that does not parse is one error and an empty config. */
export function parseSecretConfig(text: string): ParsedSecretConfig {
  const config: SecretConfig = { rules: [], allowRules: [], disableRules: [], disableAllowRules: [], enableBuiltinRules: 'all', excludeBlocks: [] };
  const errors: SecretConfigProblem[] = [];
  const warnings: SecretConfigProblem[] = [];
  const lines = new LineIndex(text);
  const at = (node: unknown) => lines.position((node as YAML.Node | null)?.range?.[0] ?? 0).line + 1;
  // prettyErrors would rescan the text for each error (quadratic); the parser's messages quote it.
  const doc = YAML.parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const [first] = doc.errors;
    errors.push({ line: lines.position(first.pos[0]).line + 1, message: `not valid YAML (${first.code}); no custom secret rule is used` });
    return { config, errors, warnings };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    errors.push({ message: 'its YAML aliases expand too far; no custom secret rule is used' });
    return { config, errors, warnings };
  }
  if (value === null || value === undefined) return { config, errors, warnings };
  const root = doc.contents;
  if (!YAML.isMap(root) || !isRecord(value)) {
    errors.push({ line: 1, message: `expected a mapping with ${TOP_KEYS.join(', ')}; no custom secret rule is used` });
    return { config, errors, warnings };
  }
  for (const pair of root.items) {
    const key = YAML.isScalar(pair.key) ? String(pair.key.value) : '';
    const node = pair.value;
    const where = at(pair.key);
    if (!TOP_KEYS.includes(key)) {
      warnings.push({ line: where, message: `unknown key, ignored (want ${TOP_KEYS.join(', ')})` });
      continue;
    }
    const entry = value[key];
    if (entry === null || entry === undefined) continue;
    try {
      if (key === 'rules' || key === 'allow-rules') {
        if (!Array.isArray(entry)) throw new EntryError(`${key} should be a list`);
        const items = YAML.isSeq(node) ? node.items : [];
        entry.forEach((item, index) => {
          const itemWhere = at(items[index] ?? pair.key);
          try {
            if (key === 'rules') {
              const rule = readRule(item, itemWhere, warnings, errors);
              if (rule) config.rules.push(rule);
            } else {
              const allow = readAllowRule(item, itemWhere, warnings);
              if (allow) config.allowRules.push(allow);
            }
          } catch (error) {
            if (!(error instanceof EntryError)) throw error;
            errors.push({ line: itemWhere, message: `${key === 'rules' ? 'secret rule' : 'allow rule'} not used: ${error.message}` });
          }
        });
      } else if (key === 'exclude-block') {
        config.excludeBlocks = readExcludeBlock(entry, where, warnings, errors);
      } else if (key === 'enable-builtin-rules' && typeof entry === 'boolean') {
        config.enableBuiltinRules = entry ? 'all' : 'none';
      } else {
        const ids = stringList(entry, key);
        if (key === 'disable-rules') config.disableRules = ids;
        else if (key === 'disable-allow-rules') config.disableAllowRules = ids;
        else config.enableBuiltinRules = ids.length > 0 ? ids : 'all';
      }
    } catch (error) {
      if (!(error instanceof EntryError)) throw error;
      errors.push({ line: where, message: `${error.message}; ignored` });
    }
  }
  return { config, errors, warnings };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar as text; YAML reads `id: 123` as a number. */
function scalar(value: unknown, key: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new EntryError(`${key} should be text`);
}

function stringList(value: unknown, key: string): string[] {
  if (!Array.isArray(value)) throw new EntryError(`${key} should be a list`);
  return value.map(item => scalar(item, `each of ${key}`) ?? '');
}

function pattern(value: unknown, key: string): Re2Pattern | undefined {
  const source = scalar(value, key);
  if (source === undefined) return undefined;
  const compiled = compileRe2(source);
  if ('error' in compiled) throw new EntryError(`its ${key} ${compiled.error}`);
  return compiled;
}

function warnUnknownKeys(item: Record<string, unknown>, known: readonly string[], where: number, warnings: SecretConfigProblem[]) {
  for (const key of Object.keys(item)) {
    if (!known.includes(key)) warnings.push({ line: where, message: `unknown key, ignored (want ${known.join(', ')})` });
  }
}

/** `{ description, regexes }`: a pattern that cannot be used is an error of its own, the others apply. */
function readExcludeBlock(value: unknown, where: number, warnings: SecretConfigProblem[], errors: SecretConfigProblem[]): FindAll[] {
  if (value === null || value === undefined) return [];
  if (!isRecord(value)) throw new EntryError('exclude-block should be a mapping with description and regexes');
  warnUnknownKeys(value, BLOCK_KEYS, where, warnings);
  if (value.regexes === undefined || value.regexes === null) return [];
  const finders: FindAll[] = [];
  for (const source of stringList(value.regexes, 'exclude-block regexes')) {
    try {
      finders.push(findAllWith(pattern(source, 'regex')!, undefined));
    } catch (error) {
      if (!(error instanceof EntryError)) throw error;
      errors.push({ line: where, message: `an exclude-block regex is not used: ${error.message}` });
    }
  }
  return finders;
}

function readAllowRule(item: unknown, where: number, warnings: SecretConfigProblem[]): AllowRule | undefined {
  if (!isRecord(item)) throw new EntryError('expected a mapping with id, description, regex and path');
  warnUnknownKeys(item, ALLOW_KEYS, where, warnings);
  const regex = pattern(item.regex, 'regex');
  const path = pattern(item.path, 'path');
  if (!regex && !path) throw new EntryError('it has neither regex nor path, so it would allow nothing');
  return {
    id: scalar(item.id, 'id') ?? '',
    description: scalar(item.description, 'description'),
    ...(regex ? { regex: regex.regex } : {}),
    ...(path ? { path: path.regex } : {}),
  };
}

function readRule(item: unknown, where: number, warnings: SecretConfigProblem[], errors: SecretConfigProblem[]): CustomRule | undefined {
  if (!isRecord(item)) throw new EntryError(`expected a mapping with ${RULE_KEYS.join(', ')}`);
  warnUnknownKeys(item, RULE_KEYS, where, warnings);
  const id = scalar(item.id, 'id');
  if (!id) throw new EntryError('it has no id');
  const regex = pattern(item.regex, 'regex');
  if (!regex) throw new EntryError('it has no regex');
  const path = pattern(item.path, 'path');
  const groupName = scalar(item['secret-group-name'], 'secret-group-name');
  let secretGroups: readonly number[] | undefined;
  if (groupName) {
    secretGroups = regex.groupsByName.get(groupName);
    if (!secretGroups) throw new EntryError('its secret-group-name names no group of its regex');
  }
  const severityText = scalar(item.severity, 'severity')?.toUpperCase();
  const severity = SEVERITIES.includes(severityText as Severity) ? (severityText as Severity) : 'UNKNOWN';
  if (severityText && severity !== severityText) warnings.push({ line: where, message: `severity is not one of ${SEVERITIES.join(', ')}; UNKNOWN is used` });
  // As Trivy compares them: case-insensitive, and an empty keyword is in every file.
  const keywords = item.keywords === undefined || item.keywords === null ? [] : stringList(item.keywords, 'keywords').map(k => k.toLowerCase());
  const allow: AllowRule[] = [];
  if (item['allow-rules'] !== undefined && item['allow-rules'] !== null) {
    if (!Array.isArray(item['allow-rules'])) throw new EntryError('its allow-rules should be a list');
    for (const entry of item['allow-rules']) {
      try {
        const rule = readAllowRule(entry, where, warnings);
        if (rule) allow.push(rule);
      } catch (error) {
        if (!(error instanceof EntryError)) throw error;
        errors.push({ line: where, message: `an allow rule of this secret rule is not used: ${error.message}` });
      }
    }
  }
  const excludeBlocks = readExcludeBlock(item['exclude-block'], where, warnings, errors);
  const title = scalar(item.title, 'title');
  const rule: Rule = {
    id,
    kind: 'secret',
    // The finding's message starts with the title.
    title: title || id,
    severity,
    category: scalar(item.category, 'category') ?? '',
    remediation: SECRET_REMEDIATION,
  };
  return {
    rule,
    keywords: keywords.includes('') ? [] : keywords,
    ...(path ? { path: path.regex } : {}),
    allow,
    findAll: findAllWith(regex, secretGroups),
    excludeBlocks,
  };
}

/** Every match of a pattern, as Trivy's FindAllSubmatchIndex, up to a deadline. */
function findAllWith({ regex }: Re2Pattern, secretGroups: readonly number[] | undefined): FindAll {
  return (text, limits) => {
    const spans: Span[] = [];
    // RE2's test needs no groups and runs on its DFA: the usual answer, no match, comes fast.
    if (!regex.test(text)) return { spans };
    const matcher = regex.matcher(text);
    while (matcher.find()) {
      const start = matcher.start();
      const end = matcher.end();
      if (!secretGroups) {
        if (end > start) spans.push({ start, end, secretStart: start, secretEnd: end });
      } else {
        for (const group of secretGroups) {
          const secretStart = matcher.start(group);
          const secretEnd = matcher.end(group);
          if (secretStart >= 0 && secretEnd > secretStart) spans.push({ start, end, secretStart, secretEnd });
        }
      }
      if (end < text.length && spans.length >= limits.spans) return { spans, stopped: 'count' };
      if (end < text.length && performance.now() > limits.deadline) return { spans, stopped: 'time' };
    }
    return { spans };
  };
}

/** The scanner a config asks for: the built-in rules it keeps, its own rules, and the allow rules. */
export function secretScannerFor(config: SecretConfig): SecretScanner {
  const disabled = new Set(config.disableRules);
  const enabled = config.enableBuiltinRules;
  const builtins = compileBuiltinRules().filter(compiled => !disabled.has(compiled.rule.id)
    && (enabled === 'all' || (enabled !== 'none' && enabled.includes(compiled.rule.id))));
  const disabledAllow = new Set(config.disableAllowRules);
  return new SecretScanner({
    rules: builtins,
    customRules: config.rules.filter(custom => !disabled.has(custom.rule.id)),
    allowRules: [...BUILTIN_ALLOW_RULES, ...config.allowRules].filter(allow => !disabledAllow.has(allow.id)),
    excludeBlocks: config.excludeBlocks,
  });
}

/** A config file the user named (trusted to be read), or one found by its name in a folder (hostile). */
export type SecretConfigRef = string | { file: string; foundIn: string };

export interface LoadedSecretConfig extends ParsedSecretConfig {
  /** The file as named or found. */
  file: string;
  scanner: SecretScanner;
}

/** Reads a config file. Throws (naming the file and the error code, never its content) when it cannot be read. */
export function loadSecretConfig(ref: SecretConfigRef): LoadedSecretConfig {
  const file = typeof ref === 'string' ? ref : ref.file;
  let readFrom = file;
  if (typeof ref !== 'string') {
    const found = checkFoundFile(ref.file, ref.foundIn);
    if (found.kind !== 'readable') throw new Error(`${file}: secret config ${found.kind === 'refused' ? found.reason : 'not found'}`);
    readFrom = found.real;
  }
  let text: string;
  try {
    text = fs.readFileSync(readFrom, 'utf8');
  } catch (error) {
    throw new Error(`${file}: secret config cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const parsed = parseSecretConfig(text);
  return { ...parsed, file, scanner: secretScannerFor(parsed.config) };
}

/**
 * The first secret config found in the folders, in order, by SECRET_CONFIG_FILE_NAMES. A file
 * that may not be read (a symlink out of its folder, a FIFO, too large) is passed over with a
 * warning.
 */
export function findSecretConfig(folders: readonly string[]): { found?: { file: string; foundIn: string }; warnings: string[] } {
  const warnings: string[] = [];
  for (const folder of [...new Set(folders.map(dir => path.resolve(dir)))]) {
    for (const name of SECRET_CONFIG_FILE_NAMES) {
      const file = path.join(folder, name);
      const found = checkFoundFile(file, folder);
      if (found.kind === 'readable') return { found: { file, foundIn: folder }, warnings };
      if (found.kind === 'refused') warnings.push(`${file}: secret config ${found.reason}`);
    }
  }
  return { warnings };
}

/** The analyzer registry with its secret analyzer running this scanner. */
export function analyzersWithSecretScanner(scanner: SecretScanner, registry: readonly Analyzer[] = ANALYZERS): Analyzer[] {
  const replacement = secretAnalyzer(scanner);
  return registry.map(analyzer => (analyzer.scanner === 'secret' && analyzer.id === 'secret' ? replacement : analyzer));
}

// The user's own misconfiguration checks: a declarative YAML file (README, "Custom checks").
//
//   checks:
//     - id: ORG-0001                     # not a built-in check's ID or alias, unique across files
//       title: Pods must not share the host network
//       severity: HIGH                   # CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN
//       message: The pod uses the node's network namespace.   # optional: the title
//       remediation: Remove hostNetwork.                       # optional
//       url: https://wiki.example.com/k8s#host-network         # optional
//       kubernetes:                      # or terraform: / dockerfile:
//         kinds: [Deployment, Pod]       # optional: every object
//         path: spec.template.spec.hostNetwork
//         not-equals: true               # the condition that must hold
//
// Terraform takes `resources: [aws_s3_bucket]` (or one type) and a path through nested blocks and
// attribute values; a Dockerfile check takes `instruction: RUN` and `stages: all | final`.
// Conditions: exists, absent (both `true`), equals, not-equals, one-of, not-one-of, contains,
// not-contains, matches, not-matches (an RE2 pattern, never a JavaScript RegExp).
//
// The file is read strictly: anything unknown or of the wrong type refuses the whole file, with
// messages that give the line and the key, never the file's text.
import * as YAML from 'yaml';
import type { CheckRule } from '../rules/check-rule';
import { MISCONFIGURATION_RULES } from '../rules';
import { compileRe2 } from '../secrets/re2';
import { LineIndex } from '../text';
import { SEVERITIES, type Severity } from '../types';
import type { RE2JS } from 're2js';

/** A step of a path: a key (or attribute or block name), or `*` for every item of a list or value of a map. */
export type PathStep = { key: string } | { every: true };

export type Scalar = string | number | boolean | null;

export type Condition =
  | { kind: 'exists' | 'absent' }
  | { kind: 'equals' | 'not-equals' | 'contains' | 'not-contains'; value: Scalar }
  | { kind: 'one-of' | 'not-one-of'; values: Scalar[] }
  | { kind: 'matches' | 'not-matches'; pattern: RE2JS };

export type CheckTarget =
  | { type: 'kubernetes'; kinds: 'any' | string[]; path: PathStep[] }
  | { type: 'terraform'; resources: string[]; path: PathStep[] }
  | { type: 'dockerfile'; instruction: string; stages: 'all' | 'final' };

export interface CustomCheck {
  rule: CheckRule;
  message: string;
  target: CheckTarget;
  condition: Condition;
}

/** A check file that cannot be used: every problem, each `line N: ...`, naming keys, never values. */
export class CustomCheckError extends Error {}

/** Aliases a check file may expand: a few is plenty, a bomb is refused. */
const MAX_ALIAS_COUNT = 100;
const MAX_CHECKS = 1_000;
const MAX_PATH_STEPS = 32;
const MAX_PATH_LENGTH = 512;
const MAX_TEXT_LENGTH = 4_096;
/** IDs are names, as Trivy's are: letters, digits, `-`, `_` and `.`. */
const ID_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const CHECK_KEYS = ['id', 'title', 'severity', 'message', 'remediation', 'url', 'kubernetes', 'terraform', 'dockerfile'] as const;
const TARGETS = ['kubernetes', 'terraform', 'dockerfile'] as const;
const TARGET_KEYS: Record<CheckTarget['type'], readonly string[]> = {
  kubernetes: ['kinds', 'path'],
  terraform: ['resources', 'path'],
  dockerfile: ['instruction', 'stages'],
};
const CONDITIONS = ['exists', 'absent', 'equals', 'not-equals', 'one-of', 'not-one-of', 'contains', 'not-contains', 'matches', 'not-matches'] as const;
type ConditionKey = (typeof CONDITIONS)[number];

/** Every built-in check's ID and aliases, upper-cased, to their ID. */
let builtinNames: Map<string, string> | undefined;
function builtinNamed(name: string): string | undefined {
  builtinNames ??= new Map(MISCONFIGURATION_RULES.flatMap(rule => [rule.id, ...rule.aliases ?? []].map(alias => [alias.toUpperCase(), rule.id] as const)));
  return builtinNames.get(name.toUpperCase());
}

/** A problem at a line, found while reading one check. */
class Problem extends Error {
  constructor(message: string, readonly line?: number) {
    super(message);
  }
}

/**
 * Reads a check file's text. Throws a CustomCheckError listing every problem; `takenIds` are the
 * IDs of checks read from other files (upper case), which this file's IDs must not repeat.
 */
export function parseCustomChecks(text: string, takenIds: ReadonlySet<string> = new Set()): CustomCheck[] {
  const lines = new LineIndex(text);
  const lineOf = (node: unknown) => lines.position((node as YAML.Node | null | undefined)?.range?.[0] ?? 0).line + 1;
  // prettyErrors would quote the text.
  const doc = YAML.parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const [first] = doc.errors;
    throw new CustomCheckError(`line ${lines.position(first.pos[0]).line + 1}: not valid YAML (${first.code})`);
  }
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    throw new CustomCheckError('its YAML aliases expand too far');
  }
  const root = doc.contents;
  const checksPair = YAML.isMap(root) ? root.items.find(pair => keyOf(pair) === 'checks') : undefined;
  if (!YAML.isMap(root) || !checksPair) throw new CustomCheckError('line 1: expected a mapping with the key checks (a list of checks)');
  const unknownTop = root.items.find(pair => keyOf(pair) !== 'checks');
  if (unknownTop) throw new CustomCheckError(`line ${lineOf(unknownTop.key)}: unknown key ${safeKey(unknownTop)} (the file has only checks)`);
  const list = deref(doc, checksPair.value);
  if (!YAML.isSeq(list)) throw new CustomCheckError(`line ${lineOf(checksPair.key)}: checks should be a list`);
  if (list.items.length > MAX_CHECKS) throw new CustomCheckError(`line ${lineOf(checksPair.key)}: more than ${MAX_CHECKS} checks`);

  const problems: string[] = [];
  const checks: CustomCheck[] = [];
  const ids = new Set<string>();
  list.items.forEach((item, index) => {
    const node = deref(doc, item);
    const where = lineOf(node ?? checksPair.key);
    try {
      const check = readCheck(doc, node, lineOf);
      const upper = check.rule.id.toUpperCase();
      if (ids.has(upper)) throw new Problem('its id is the id of an earlier check of this file');
      if (takenIds.has(upper)) throw new Problem('its id is the id of a check of another check file');
      ids.add(upper);
      checks.push(check);
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      problems.push(`line ${error.line ?? where}: check ${index + 1}: ${error.message}`);
    }
  });
  if (problems.length > 0) throw new CustomCheckError(problems.join('\n'));
  return checks;
}

function keyOf(pair: YAML.Pair): string | undefined {
  return YAML.isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : undefined;
}

/** A key as a message may name it: one of the words of the format, or no name at all. */
function safeKey(pair: YAML.Pair): string {
  const key = keyOf(pair);
  return key !== undefined && /^[a-z-]{1,24}$/.test(key) ? `'${key}'` : '(not a key of the format)';
}

function deref(doc: YAML.Document, node: unknown): YAML.Node | undefined {
  if (YAML.isAlias(node)) return node.resolve(doc) as YAML.Node | undefined;
  return (node ?? undefined) as YAML.Node | undefined;
}

type LineOf = (node: unknown) => number;

/** A map's pairs by key, with every key checked against `known`. */
function pairsOf(doc: YAML.Document, node: YAML.Node | undefined, known: readonly string[], what: string, lineOf: LineOf, line: number): Map<string, { node: YAML.Node | undefined; line: number }> {
  if (!YAML.isMap(node)) throw new Problem(`${what} should be a mapping with ${known.join(', ')}`, line);
  const pairs = new Map<string, { node: YAML.Node | undefined; line: number }>();
  for (const pair of node.items) {
    const key = keyOf(pair);
    if (key === undefined || !known.includes(key)) throw new Problem(`unknown key ${safeKey(pair)} in ${what} (want ${known.join(', ')})`, lineOf(pair.key));
    pairs.set(key, { node: deref(doc, pair.value), line: lineOf(pair.key) });
  }
  return pairs;
}

function text(entry: { node: YAML.Node | undefined; line: number } | undefined, key: string, required: boolean): string | undefined {
  if (!entry || (YAML.isScalar(entry.node) && entry.node.value === null)) {
    if (required) throw new Problem(`it has no ${key}`);
    return undefined;
  }
  if (!YAML.isScalar(entry.node) || typeof entry.node.value !== 'string' || entry.node.value.trim() === '') {
    throw new Problem(`${key} should be text`, entry.line);
  }
  if (entry.node.value.length > MAX_TEXT_LENGTH) throw new Problem(`${key} is over ${MAX_TEXT_LENGTH} characters`, entry.line);
  return entry.node.value.trim();
}

function readCheck(doc: YAML.Document, node: YAML.Node | undefined, lineOf: LineOf): CustomCheck {
  const pairs = pairsOf(doc, node, CHECK_KEYS, 'a check', lineOf, lineOf(node));
  const idEntry = pairs.get('id');
  // YAML reads `id: 1234` as a number; an ID is a name all the same.
  const idValue = YAML.isScalar(idEntry?.node) && typeof idEntry.node.value === 'number' ? String(idEntry.node.value) : text(idEntry, 'id', true)!;
  if (!ID_SHAPE.test(idValue)) throw new Problem('id should be 1 to 64 letters, digits, -, _ or . (starting with a letter or digit)', idEntry?.line);
  const builtin = builtinNamed(idValue);
  if (builtin) throw new Problem(`its id names the built-in check ${builtin}: give custom checks IDs of their own`, idEntry?.line);
  const title = text(pairs.get('title'), 'title', true)!;
  const severityText = text(pairs.get('severity'), 'severity', true)!.toUpperCase();
  if (!SEVERITIES.includes(severityText as Severity)) throw new Problem(`severity should be one of ${[...SEVERITIES].reverse().join(', ')}`, pairs.get('severity')?.line);
  const url = text(pairs.get('url'), 'url', false);
  if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) throw new Problem('url should be an http or https address', pairs.get('url')?.line);
  const targets = TARGETS.filter(target => pairs.has(target));
  if (targets.length !== 1) throw new Problem(`a check needs exactly one of ${TARGETS.join(', ')} (what it looks at)`);
  const type = targets[0];
  const { target, condition } = readTarget(doc, type, pairs.get(type)!, lineOf);
  const remediation = text(pairs.get('remediation'), 'remediation', false);
  const rule: CheckRule = {
    id: idValue, kind: 'misconfiguration', title, severity: severityText as Severity, aliases: [],
    ...(url ? { url } : {}), ...(remediation ? { remediation } : {}),
  };
  return { rule, message: text(pairs.get('message'), 'message', false) ?? title, target, condition };
}

function readTarget(doc: YAML.Document, type: CheckTarget['type'], entry: { node: YAML.Node | undefined; line: number }, lineOf: LineOf): { target: CheckTarget; condition: Condition } {
  const known = [...TARGET_KEYS[type], ...CONDITIONS];
  const pairs = pairsOf(doc, entry.node, known, type, lineOf, entry.line);
  const conditions = CONDITIONS.filter(key => pairs.has(key));
  if (conditions.length !== 1) throw new Problem(`${type} needs exactly one condition: ${CONDITIONS.join(', ')}`, entry.line);
  const condition = readCondition(conditions[0], pairs.get(conditions[0])!);
  if (type === 'dockerfile') {
    const instruction = text(pairs.get('instruction'), 'instruction', true)!;
    if (!/^[A-Za-z]{2,16}$/.test(instruction)) throw new Problem('instruction should be an instruction name, e.g. RUN', pairs.get('instruction')?.line);
    const stages = text(pairs.get('stages'), 'stages', false) ?? 'all';
    if (stages !== 'all' && stages !== 'final') throw new Problem('stages should be all or final', pairs.get('stages')?.line);
    return { target: { type, instruction: instruction.toLowerCase(), stages }, condition };
  }
  const path = readPath(text(pairs.get('path'), 'path', true)!, pairs.get('path')!.line);
  if (type === 'kubernetes') {
    const kinds = pairs.has('kinds') ? names(pairs.get('kinds')!, 'kinds') : 'any';
    return { target: { type, kinds: kinds === 'any' ? kinds : kinds.map(kind => kind.toLowerCase()), path }, condition };
  }
  const resources = names(pairs.get('resources') ?? { node: undefined, line: entry.line }, 'resources');
  if (resources.some(resource => !/^[a-z][a-z0-9_]{0,127}$/.test(resource))) throw new Problem('resources should be resource types, e.g. aws_s3_bucket', pairs.get('resources')?.line);
  return { target: { type, resources, path }, condition };
}

/** One name or a list of them. */
function names(entry: { node: YAML.Node | undefined; line: number }, key: string): string[] {
  const items = YAML.isSeq(entry.node) ? entry.node.items : [entry.node];
  const values = items.map(item => (YAML.isScalar(item) && typeof item.value === 'string' && item.value.trim() ? item.value.trim() : undefined));
  if (values.length === 0 || values.some(value => value === undefined || value.length > 128)) {
    throw new Problem(`${key} should be a name or a list of names`, entry.line);
  }
  return values as string[];
}

function scalar(node: YAML.Node | undefined, key: string, line: number): Scalar {
  if (!YAML.isScalar(node)) throw new Problem(`${key} should be a single value (text, number, true, false or null)`, line);
  const value = node.value;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new Problem(`${key} should be a single value (text, number, true, false or null)`, line);
}

function readCondition(kind: ConditionKey, entry: { node: YAML.Node | undefined; line: number }): Condition {
  switch (kind) {
    case 'exists':
    case 'absent':
      if (!YAML.isScalar(entry.node) || entry.node.value !== true) throw new Problem(`${kind} takes true`, entry.line);
      return { kind };
    case 'equals':
    case 'not-equals':
      return { kind, value: scalar(entry.node, kind, entry.line) };
    case 'contains':
    case 'not-contains': {
      const value = scalar(entry.node, kind, entry.line);
      if (value === null || value === '') throw new Problem(`${kind} takes text or a number`, entry.line);
      return { kind, value };
    }
    case 'one-of':
    case 'not-one-of': {
      if (!YAML.isSeq(entry.node) || entry.node.items.length === 0) throw new Problem(`${kind} takes a list of values`, entry.line);
      return { kind, values: entry.node.items.map(item => scalar(item as YAML.Node, `each of ${kind}`, entry.line)) };
    }
    case 'matches':
    case 'not-matches': {
      const source = scalar(entry.node, kind, entry.line);
      if (typeof source !== 'string') throw new Problem(`${kind} takes a pattern (RE2 syntax) as text`, entry.line);
      const compiled = compileRe2(source);
      if ('error' in compiled) throw new Problem(`the pattern of ${kind} ${compiled.error}`, entry.line);
      return { kind, pattern: compiled.regex };
    }
  }
}

/**
 * `spec.template.spec.hostNetwork`, `metadata.labels."app.kubernetes.io/name"`,
 * `spec.containers.*.image`: keys separated by dots, a key with dots in double quotes, `*` for
 * every item. Read by hand, one pass.
 */
function readPath(source: string, line?: number): PathStep[] {
  if (source.length > MAX_PATH_LENGTH) throw new Problem(`path is over ${MAX_PATH_LENGTH} characters`, line);
  const steps: PathStep[] = [];
  let at = 0;
  while (at <= source.length) {
    let key: string;
    if (source[at] === '"') {
      const close = source.indexOf('"', at + 1);
      if (close === -1) throw new Problem('path has a quoted key without its closing quote', line);
      key = source.slice(at + 1, close);
      at = close + 1;
      if (at < source.length && source[at] !== '.') throw new Problem('path has text right after a quoted key (a dot should follow)', line);
      if (key === '') throw new Problem('path has an empty quoted key', line);
      steps.push({ key });
    } else {
      const dot = source.indexOf('.', at);
      const end = dot === -1 ? source.length : dot;
      key = source.slice(at, end);
      at = end;
      if (key === '') throw new Problem('path has an empty step (two dots, or a dot at an end)', line);
      if (key.includes('[') || key.includes('"')) throw new Problem('path steps are keys or *: write containers.*.image for every container', line);
      steps.push(key === '*' ? { every: true } : { key });
    }
    if (at >= source.length) break;
    at++; // the dot
    if (at === source.length) throw new Problem('path has an empty step (two dots, or a dot at an end)', line);
  }
  if (steps.length > MAX_PATH_STEPS) throw new Problem(`path has more than ${MAX_PATH_STEPS} steps`, line);
  return steps;
}

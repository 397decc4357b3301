// What a Terraform check is and the helpers the checks share. A check reads the evaluated module
// (every file of the folder, so that a bucket in one file and its public access block in another
// are seen together) and returns its failures with the file and span at fault; the analyzer keeps
// those of the file it analyzes. A check never fails on an UNKNOWN value.
import {
  asBool, asList, asNumber, asString, isUnknown, type AttributeView, type BlockView, type ResourceInstance, type TerraformModule, type Value,
} from '../evaluate';
import type { Span } from '../parse';
import type { CheckFixEdits } from '../../misconfiguration';

/** A Terraform check's fix: edits to the file of the failure. */
export type CheckFix = CheckFixEdits;

export interface CheckFailure {
  /** The file the span is in. */
  file: string;
  span: Span;
  /** The resource at fault, for CauseMetadata; undefined for provider-level blocks. */
  resource?: ResourceInstance;
  message: string;
  fix?: CheckFix;
}

export interface CheckContext {
  module: TerraformModule;
  /** The text of each file of the module, for fixes that need indentation. */
  texts: ReadonlyMap<string, string>;
  /** The files of the resources a check looked at: where it counts as a success when it found nothing. */
  looked: Set<string>;
}

export interface TerraformCheck {
  /** The rule's ID in rules/terraform.ts, e.g. `AWS-0086`. */
  id: string;
  run(context: CheckContext): CheckFailure[];
}

/** Every instance of these resource types in the module. */
export function resources(context: CheckContext, ...types: string[]): ResourceInstance[] {
  let found: ResourceInstance[] = [];
  for (const type of types) {
    const ofType = context.module.resources(type);
    if (ofType.length === 0) continue;
    found = found.length === 0 ? ofType : [...found, ...ofType];
  }
  for (const instance of found) context.looked.add(instance.file);
  return found;
}

const NO_FAILURES: CheckFailure[] = [];

/** A check that tests every resource of some types on its own. */
export function each(
  id: string, types: string[], test: (view: BlockView, context: CheckContext, instance: ResourceInstance) => CheckFailure[],
): TerraformCheck {
  return {
    id,
    run(context) {
      const found = resources(context, ...types);
      if (found.length === 0) return NO_FAILURES;
      const failures: CheckFailure[] = [];
      for (const instance of found) failures.push(...test(instance.body, context, instance));
      return failures;
    },
  };
}

/** A failure at an attribute (when given and set) or else at the header of the block. */
export function failure(view: BlockView, message: string, attribute?: AttributeView | string, fix?: CheckFix): CheckFailure {
  const node = typeof attribute === 'string' ? view.attribute(attribute)?.node : attribute?.node;
  const span = node ? { start: node.start, end: node.end } : view.node.header;
  return { file: view.file, span, resource: view.resource, message, ...(fix ? { fix } : {}) };
}

export { asBool, asList, asNumber, asString, isUnknown };

/**
 * A boolean attribute that must be `expected`. Absent, it takes `byDefault`. A known wrong value
 * fails at the attribute, an absent one at the block, with a fix that writes the expected value.
 */
export function requireBool(view: BlockView, name: string, expected: boolean, byDefault: boolean, context: CheckContext, message: string): CheckFailure[] {
  const attribute = view.attribute(name);
  if (!attribute) return byDefault === expected ? [] : [failure(view, message, undefined, setAttribute(context, view, name, String(expected)))];
  const value = asBool(attribute.value);
  if (value === undefined || value === expected) return [];
  return [failure(view, message, attribute, setAttribute(context, view, name, String(expected)))];
}

/** Fails where an attribute is absent, null or the empty string. Unknown values pass. */
export function requireSet(view: BlockView, name: string, message: string, fix?: CheckFix): CheckFailure[] {
  const attribute = view.attribute(name);
  if (!attribute) return [failure(view, message, undefined, fix)];
  if (attribute.value === null || attribute.value === '') return [failure(view, message, attribute, fix)];
  return [];
}

/** The leading white space of the line an offset is on. */
function indentOf(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let end = lineStart;
  while (text[end] === ' ' || text[end] === '\t') end++;
  return text.slice(lineStart, end);
}

/** The line break the file uses. */
function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Sets an attribute of a block to a literal (HCL text): replaces the value where the attribute is
 * written, or adds it as the block's first line. Undefined where the file's text is not at hand.
 */
export function setAttribute(context: CheckContext, view: BlockView, name: string, literal: string, safe = true): CheckFix | undefined {
  const text = context.texts.get(view.file);
  if (text === undefined) return undefined;
  const title = `Set ${name} = ${literal}`;
  const node = view.node.body.attributes.find(attribute => attribute.name === name);
  if (node) return { title, safe, edits: [{ offset: node.value.start, length: node.value.end - node.value.start, newText: literal }] };
  return insertInBlock(text, view, [`${name} = ${literal}`], title, safe);
}

/** Adds lines (already in HCL, without indentation) at the top of a block's body. */
export function insertInBlock(text: string, view: BlockView, lines: string[], title: string, safe = true): CheckFix {
  const eol = eolOf(text);
  const indent = `${indentOf(text, view.node.start)}  `;
  const open = view.node.header.end;
  const body = lines.map(line => `${indent}${line}`).join(eol);
  // A block written on one line, `x {}`, gets its body on lines of its own.
  const oneLine = !text.slice(open, view.node.closeBrace).includes('\n');
  if (oneLine) {
    const closeIndent = indentOf(text, view.node.start);
    return { title, safe, edits: [{ offset: open, length: view.node.closeBrace - open, newText: `${eol}${body}${eol}${closeIndent}` }] };
  }
  return { title, safe, edits: [{ offset: open, length: 0, newText: `${eol}${body}` }] };
}

/** Adds text after a resource block, separated by an empty line: a companion resource. */
export function insertAfterBlock(context: CheckContext, view: BlockView, hcl: string[], title: string, safe = false): CheckFix | undefined {
  const text = context.texts.get(view.file);
  if (text === undefined) return undefined;
  const eol = eolOf(text);
  return { title, safe, edits: [{ offset: view.node.end, length: 0, newText: `${eol}${eol}${hcl.join(eol)}` }] };
}

/** The CIDR ranges that stand for the whole internet. */
export function isPublicCidr(cidr: string): boolean {
  const trimmed = cidr.trim();
  return trimmed === '0.0.0.0/0' || trimmed === '::/0' || trimmed === '*' || trimmed === '0.0.0.0' || trimmed === '/0' || trimmed === 'internet' || trimmed === 'any' || trimmed === '0::/0';
}

/** The known strings of a list attribute (unknown elements left out). */
export function knownStrings(value: Value | undefined): string[] {
  const list = asList(value);
  if (!list) {
    const single = asString(value);
    return single === undefined ? [] : [single];
  }
  return list.map(asString).filter((item): item is string => item !== undefined);
}

/**
 * The first resource of `type` whose `attribute` refers to `target`, by reference or (for a
 * string) by the target's name or ID attribute, as Trivy's adapters match them.
 */
export function findRelated(context: CheckContext, target: ResourceInstance, type: string, attribute: string, nameAttributes: string[] = []): ResourceInstance | undefined {
  return relatedAll(context, target, type, attribute, nameAttributes)[0];
}

export function relatedAll(context: CheckContext, target: ResourceInstance, type: string, attribute: string, nameAttributes: string[] = []): ResourceInstance[] {
  const index = referenceIndex(context.module, type, attribute);
  const found = new Set(index.byBlock.get(target.block) ?? []);
  for (const name of nameAttributes) {
    const text = asString(target.body.value(name));
    if (text) for (const instance of index.byText.get(text) ?? []) found.add(instance);
  }
  return context.module.resources(type).filter(instance => found.has(instance));
}

/** The resources of a type by what their attribute refers to (a block) or says (a string). */
interface ReferenceIndex {
  byBlock: Map<object, ResourceInstance[]>;
  byText: Map<string, ResourceInstance[]>;
}

const referenceIndexes = new WeakMap<TerraformModule, Map<string, ReferenceIndex>>();

/** Built once per module, type and attribute: checks ask for every bucket's access block, and so on. */
function referenceIndex(module: TerraformModule, type: string, attribute: string): ReferenceIndex {
  let indexes = referenceIndexes.get(module);
  if (!indexes) referenceIndexes.set(module, (indexes = new Map()));
  const key = `${type}\0${attribute}`;
  let index = indexes.get(key);
  if (index) return index;
  index = { byBlock: new Map(), byText: new Map() };
  const add = <K>(map: Map<K, ResourceInstance[]>, key: K, instance: ResourceInstance) => {
    const list = map.get(key);
    if (list) list.push(instance);
    else map.set(key, [instance]);
  };
  for (const instance of module.resources(type)) {
    const value = instance.body.value(attribute);
    if (value === undefined) continue;
    for (const referenced of module.referencedResources(value)) add(index.byBlock, referenced.block, instance);
    const text = asString(value);
    if (text !== undefined) add(index.byText, text, instance);
  }
  indexes.set(key, index);
  return index;
}

/** An IAM-style policy document (JSON text or an object), when it is wholly known. */
export function policyDocument(value: Value | undefined): PolicyDocument | undefined {
  let json: unknown;
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value);
    } catch {
      return undefined;
    }
  } else {
    return undefined;
  }
  if (!json || typeof json !== 'object') return undefined;
  const statements = (json as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : statements && typeof statements === 'object' ? [statements] : [];
  return { statements: list.filter((s): s is Record<string, unknown> => !!s && typeof s === 'object').map(statementOf) };
}

export interface PolicyStatement {
  effect: string;
  actions: string[];
  resources: string[];
  principals: string[];
  /** Whether the statement has conditions (which can narrow a wildcard principal). */
  conditional: boolean;
}

export interface PolicyDocument {
  statements: PolicyStatement[];
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

function statementOf(statement: Record<string, unknown>): PolicyStatement {
  const principal = statement.Principal;
  let principals: string[] = [];
  if (typeof principal === 'string') principals = [principal];
  else if (principal && typeof principal === 'object') principals = Object.values(principal).flatMap(stringList);
  return {
    effect: typeof statement.Effect === 'string' ? statement.Effect : 'Allow',
    actions: stringList(statement.Action),
    resources: stringList(statement.Resource),
    principals,
    conditional: statement.Condition !== undefined,
  };
}

/** The policy document of an `aws_iam_policy_document` data source, built from its statement blocks. */
export function policyFromDataSource(view: BlockView): PolicyDocument | undefined {
  const statements: PolicyStatement[] = [];
  for (const statement of view.blocks('statement')) {
    const effect = statement.value('effect');
    if (effect !== undefined && asString(effect) === undefined) return undefined;
    const lists = ['actions', 'resources'].map(name => statement.value(name));
    if (lists.some(list => list !== undefined && isUnknown(list))) return undefined;
    const principals: string[] = [];
    for (const principal of statement.blocks('principals')) principals.push(...knownStrings(principal.value('identifiers')));
    statements.push({
      effect: asString(effect) ?? 'Allow',
      actions: knownStrings(lists[0]),
      resources: knownStrings(lists[1]),
      principals,
      conditional: statement.blocks('condition').length > 0,
    });
  }
  return { statements };
}

/** A policy from an attribute: JSON text, jsonencode(...) or a reference to an aws_iam_policy_document. */
export function policyOf(view: BlockView, name: string): PolicyDocument | undefined {
  const value = view.value(name);
  const document = policyDocument(value);
  if (document) return document;
  for (const instance of view.module.referencedResources(value)) {
    if (instance.type === 'aws_iam_policy_document') return policyFromDataSource(instance.body);
  }
  return undefined;
}

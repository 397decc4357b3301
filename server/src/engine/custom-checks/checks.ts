// Custom checks (format.ts) as checks of the Dockerfile, Kubernetes and Terraform analyzers: each
// analyzer runs them beside its built-in checks, so their findings get the same ranges, inline
// ignores, CauseMetadata and MisconfSummary counts, and ignore files and settings name them by ID.
//
// A path resolves to every place it reaches (`*` fans out over list items and map values), each
// either present, with its value, or absent, at the deepest key that exists. A condition that
// asks for something (exists, equals, one-of, contains, matches) fails where the path is absent;
// one that forbids something (absent, not-equals, not-one-of, not-contains, not-matches) holds
// there. A Terraform value Vigil cannot know is never reported on.
import * as fs from 'node:fs';
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { ANALYZERS } from '../analyzers';
import { analyzeDockerfile } from '../analyzers/dockerfile';
import { analyzeKubernetes } from '../analyzers/kubernetes';
import { analyzeTerraform, type CustomTerraformCheck } from '../analyzers/terraform';
import type { DockerfileCheck, CheckFailure as DockerfileFailure } from '../dockerfile/checks';
import type { ParsedDockerfile } from '../dockerfile/parse';
import type { KubernetesCheck, CheckFailure as KubernetesFailure } from '../kubernetes/checks';
import type { KubeFile, KubeObject, YamlReader } from '../kubernetes/manifest';
import type { TerraformRule } from '../rules/terraform';
import { resources } from '../terraform/checks/common';
import type { CheckFailure as TerraformFailure } from '../terraform/checks/common';
import { isUnknown, type BlockView, type Value } from '../terraform/evaluate';
import type { Analyzer } from '../types';
import { CustomCheckError, parseCustomChecks, type Condition, type CustomCheck, type PathStep, type Scalar } from './format';

/** What a path found: a value (a scalar, a list of scalars, or some other collection) or nothing. */
type Observed =
  | { present: false }
  | { present: true; scalar: Scalar }
  | { present: true; list: Scalar[] }
  | { present: true; collection: true };

const ABSENT: Observed = { present: false };

/** Whether the condition holds for what the path found. */
function holds(condition: Condition, observed: Observed): boolean {
  switch (condition.kind) {
    case 'exists': return observed.present;
    case 'absent': return !observed.present;
    case 'equals': return 'scalar' in observed && observed.scalar === condition.value;
    case 'not-equals': return !('scalar' in observed && observed.scalar === condition.value);
    case 'one-of': return 'scalar' in observed && condition.values.includes(observed.scalar);
    case 'not-one-of': return !('scalar' in observed && condition.values.includes(observed.scalar));
    case 'contains': return contains(observed, condition.value);
    case 'not-contains': return !contains(observed, condition.value);
    case 'matches': return matches(observed, condition);
    case 'not-matches': return !matches(observed, condition);
  }
}

/** Text holds the value as a part; a list holds it as an item. */
function contains(observed: Observed, value: Scalar): boolean {
  if ('list' in observed) return observed.list.includes(value);
  if ('scalar' in observed) return observed.scalar !== null && String(observed.scalar).includes(String(value));
  return false;
}

function matches(observed: Observed, condition: Extract<Condition, { pattern: unknown }>): boolean {
  return 'scalar' in observed && observed.scalar !== null && condition.pattern.test(String(observed.scalar));
}

/** What failed where: offsets in the file. */
interface Place {
  start: number;
  end: number;
}

// ---- Kubernetes -----------------------------------------------------------------------------

function spanOf(node: unknown): Place | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? { start: range[0], end: range[1] } : undefined;
}

/** Where a list item is pointed at: a scalar itself, a map its first key. */
function itemPlace(node: Node, fallback: Place): Place {
  if (isMap(node)) return spanOf((node.items[0] as Pair | undefined)?.key) ?? fallback;
  return spanOf(node) ?? fallback;
}

function observeYaml(yaml: YamlReader, node: Node | undefined): Observed {
  if (isScalar(node)) return { present: true, scalar: node.value as Scalar };
  if (isSeq(node)) {
    const items = yaml.items(node);
    if (items.every(isScalar)) return { present: true, list: items.map(item => item.value as Scalar) };
  }
  return { present: true, collection: true };
}

/** Every place a path reaches from a node, with what it found there. */
function resolveYaml(yaml: YamlReader, node: Node | undefined, steps: readonly PathStep[], place: Place, found: [Observed, Place][]): void {
  if (steps.length === 0) {
    found.push([observeYaml(yaml, node), place]);
    return;
  }
  const [step, ...rest] = steps;
  if ('key' in step) {
    const pair = isMap(node) ? yaml.pair(node, step.key) : undefined;
    if (!pair) found.push([ABSENT, place]);
    else resolveYaml(yaml, yaml.deref(pair.value), rest, spanOf(pair.key) ?? place, found);
  } else if (isSeq(node)) {
    for (const item of yaml.items(node)) resolveYaml(yaml, item, rest, itemPlace(item, place), found);
  } else if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && typeof pair.key.value !== 'symbol') resolveYaml(yaml, yaml.deref(pair.value), rest, spanOf(pair.key) ?? place, found);
    }
  } else {
    found.push([ABSENT, place]);
  }
}

function kubernetesCheck(check: CustomCheck, target: Extract<CustomCheck['target'], { type: 'kubernetes' }>): KubernetesCheck {
  return {
    rule: check.rule,
    kinds: target.kinds,
    run(object: KubeObject, file: KubeFile): KubernetesFailure[] {
      const kindPair = file.yaml.pair(object.node, 'kind');
      const root = spanOf(kindPair?.key) ?? { start: object.start, end: object.start };
      const found: [Observed, Place][] = [];
      resolveYaml(file.yaml, object.node, target.path, root, found);
      return found.filter(([observed]) => !holds(check.condition, observed)).map(([, place]) => ({ message: check.message, ...place }));
    },
  };
}

// ---- Terraform ------------------------------------------------------------------------------

const PROVIDERS: Record<string, string> = { aws: 'AWS', azurerm: 'Azure', azuread: 'Azure', google: 'Google' };

/** A scalar, a list of scalars or another collection; undefined when any of it is unknown. */
function observeTerraform(value: Value): Observed | undefined {
  if (isUnknown(value)) return undefined;
  if (Array.isArray(value)) {
    if (value.some(isUnknown)) return undefined;
    return value.every(item => item === null || typeof item !== 'object')
      ? { present: true, list: value as Scalar[] }
      : { present: true, collection: true };
  }
  if (value instanceof Map) return { present: true, collection: true };
  return { present: true, scalar: value };
}

interface TerraformPlace {
  view: BlockView;
  span: Place;
}

function resolveValue(value: Value | undefined, steps: readonly PathStep[], place: TerraformPlace, found: [Observed, TerraformPlace][]): void {
  if (value === undefined) {
    found.push([ABSENT, place]);
    return;
  }
  if (isUnknown(value)) return;
  if (steps.length === 0) {
    const observed = observeTerraform(value);
    if (observed) found.push([observed, place]);
    return;
  }
  const [step, ...rest] = steps;
  if ('key' in step) {
    resolveValue(value instanceof Map ? value.get(step.key) : undefined, rest, place, found);
  } else if (Array.isArray(value)) {
    for (const item of value) resolveValue(item, rest, place, found);
  } else if (value instanceof Map) {
    for (const item of value.values()) resolveValue(item, rest, place, found);
  } else {
    found.push([ABSENT, place]);
  }
}

/** Through nested blocks (each block of a name, dynamic ones expanded), then into an attribute's value. */
function resolveBlock(view: BlockView, steps: readonly PathStep[], found: [Observed, TerraformPlace][]): void {
  const header = { view, span: { start: view.node.header.start, end: view.node.header.end } };
  if (steps.length === 0) {
    found.push([{ present: true, collection: true }, header]);
    return;
  }
  const [step, ...rest] = steps;
  if (!('key' in step)) {
    found.push([ABSENT, header]);
    return;
  }
  const attribute = view.attribute(step.key);
  if (attribute) {
    resolveValue(attribute.value, rest, { view, span: { start: attribute.node.start, end: attribute.node.end } }, found);
    return;
  }
  const blocks = view.blocks(step.key);
  if (blocks.length === 0) found.push([ABSENT, header]);
  for (const block of blocks) resolveBlock(block, rest, found);
}

function terraformCheck(check: CustomCheck, target: Extract<CustomCheck['target'], { type: 'terraform' }>): CustomTerraformCheck {
  const prefix = target.resources[0].split('_')[0];
  const rule: TerraformRule = { ...check.rule, provider: PROVIDERS[prefix] ?? prefix, service: 'general' };
  return {
    id: rule.id,
    rule,
    run(context): TerraformFailure[] {
      const failures: TerraformFailure[] = [];
      for (const instance of resources(context, ...target.resources)) {
        const found: [Observed, TerraformPlace][] = [];
        resolveBlock(instance.body, target.path, found);
        for (const [observed, { view, span }] of found) {
          if (!holds(check.condition, observed)) failures.push({ file: view.file, span, resource: instance, message: check.message });
        }
      }
      return failures;
    },
  };
}

// ---- Dockerfile -----------------------------------------------------------------------------

function dockerfileCheck(check: CustomCheck, target: Extract<CustomCheck['target'], { type: 'dockerfile' }>): DockerfileCheck {
  return {
    rule: check.rule,
    run(file: ParsedDockerfile): DockerfileFailure[] {
      const stages = target.stages === 'final' ? file.stages.slice(-1) : file.stages;
      const instructions = stages.flatMap(stage => stage.instructions).filter(instruction => instruction.cmd === target.instruction);
      const fail = (place: Place) => ({ message: check.message, start: place.start, end: place.end });
      if (check.condition.kind === 'exists') {
        if (instructions.length > 0) return [];
        // Where a finding about the whole image points: the FROM of the last stage.
        const last = file.stages[file.stages.length - 1];
        const anchor = last?.from ?? last?.instructions[0];
        return [fail(anchor ?? { start: 0, end: 0 })];
      }
      // The rest hold or fail at each such instruction, on its text after the keyword as written.
      return instructions
        .filter(instruction => !holds(check.condition, { present: true, scalar: file.text.slice(instruction.keyword.end, instruction.end).trim() }))
        .map(fail);
    },
  };
}

// ---- loading and wiring ---------------------------------------------------------------------

/** Custom checks, ready for the analyzers. */
export interface CompiledCustomChecks {
  dockerfile: DockerfileCheck[];
  kubernetes: KubernetesCheck[];
  terraform: CustomTerraformCheck[];
  /** Every custom check's rule: --disable-rule and the other rule settings may name them. */
  rules: CustomCheck['rule'][];
}

export function compileCustomChecks(checks: readonly CustomCheck[]): CompiledCustomChecks {
  const compiled: CompiledCustomChecks = { dockerfile: [], kubernetes: [], terraform: [], rules: [] };
  for (const check of checks) {
    const { target } = check;
    if (target.type === 'dockerfile') compiled.dockerfile.push(dockerfileCheck(check, target));
    else if (target.type === 'kubernetes') compiled.kubernetes.push(kubernetesCheck(check, target));
    else compiled.terraform.push(terraformCheck(check, target));
    compiled.rules.push(check.rule);
  }
  return compiled;
}

/** Larger check files are refused: real ones are a few KiB. */
export const MAX_CHECK_FILE_SIZE = 1024 * 1024;

/**
 * Reads check files the user named. Throws a plain Error naming the file and what is wrong (the
 * line and the key, never the file's text) when one cannot be read or used.
 */
export function loadCustomChecks(files: readonly string[]): CompiledCustomChecks {
  const checks: CustomCheck[] = [];
  const ids = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      const stat = fs.statSync(file);
      if (!stat.isFile()) throw new Error(`${file}: custom checks: not a file`);
      if (stat.size > MAX_CHECK_FILE_SIZE) throw new Error(`${file}: custom checks: over ${MAX_CHECK_FILE_SIZE} bytes`);
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === undefined) throw error;
      throw new Error(`${file}: custom checks cannot be read (${code})`);
    }
    try {
      for (const check of parseCustomChecks(text, ids)) {
        checks.push(check);
        ids.add(check.rule.id.toUpperCase());
      }
    } catch (error) {
      if (!(error instanceof CustomCheckError)) throw error;
      throw new Error(error.message.split('\n').map(line => `${file}: ${line}`).join('\n'));
    }
  }
  return compileCustomChecks(checks);
}

/** The analyzer registry with the Dockerfile, Kubernetes and Terraform analyzers running the custom checks too. */
export function analyzersWithCustomChecks(custom: CompiledCustomChecks, registry: readonly Analyzer[] = ANALYZERS): Analyzer[] {
  const replacements: Record<string, Analyzer['analyze']> = {
    dockerfile: input => analyzeDockerfile(input, { customChecks: custom.dockerfile }),
    kubernetes: input => analyzeKubernetes(input, { customChecks: custom.kubernetes }),
    terraform: input => analyzeTerraform(input, { customChecks: custom.terraform }),
  };
  return registry.map(analyzer => {
    const analyze = analyzer.scanner === 'misconfig' ? replacements[analyzer.id] : undefined;
    return analyze ? { ...analyzer, analyze } : analyzer;
  });
}

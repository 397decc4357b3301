// Kubernetes manifests: Trivy's `kubernetes` config type, checked by the KSV checks
// (../kubernetes/checks.ts) with no Rego. It claims every YAML and JSON file but reports only on
// those that hold Kubernetes objects (a document with `apiVersion` and `kind`); other YAML (a CI
// workflow, pnpm-lock.yaml) gives no result, and a file without both words is not even parsed.
//
// Each finding points at the key or value at fault and carries Trivy's CauseMetadata with the
// resource (`Deployment/web`); the file's MisconfSummary counts, per object, the checks that apply
// to its kind and passed, and the findings. `# trivy:ignore:KSV-0017` or `# vigil:ignore:KSV-0017`
// (or any other name of the check: `AVD-KSV-0017`, `KSV017`, `no-privileged-containers`) on the
// comment lines above the offending line, above the container's entry or above the object ignores
// that check there.
import { parseInlineIgnores } from '../inline-ignore';
import { misconfigurationFinding } from '../misconfiguration';
import { KUBERNETES_CHECKS, appliesTo, type CheckFailure, type KubernetesCheck } from '../kubernetes/checks';
import { looksLikeManifest, mayHoldKubernetesObjects, parseKubernetesManifests, type KubeFile, type KubeObject } from '../kubernetes/manifest';
import { kubernetesRuleNamed } from '../rules/kubernetes';
import type { Analyzer, AnalyzerInput, AnalyzerOutput, Finding, InlineIgnore } from '../types';

export const kubernetesAnalyzer: Analyzer = {
  id: 'kubernetes',
  type: 'kubernetes',
  scanner: 'misconfig',
  fileNames: ['*.yaml', '*.yml', '*.json'],
  inlineIgnores: true,
  fixes: 'none',
  analyze(input) {
    return analyzeKubernetes(input);
  },
};

export interface KubernetesOptions {
  /** Run the checks trivy-checks has retired too (Trivy's --include-deprecated-checks). */
  includeDeprecated?: boolean;
  /** The user's own checks (custom-checks/), run after the built-in ones. */
  customChecks?: readonly KubernetesCheck[];
}

const NOTHING: AnalyzerOutput = { packages: [] };

export function analyzeKubernetes(input: AnalyzerInput, options: KubernetesOptions = {}): AnalyzerOutput {
  if (!mayHoldKubernetesObjects(input.content)) return NOTHING;
  if (input.path.endsWith('.json') && !input.content.trimStart().startsWith('{')) return NOTHING;
  let file: KubeFile;
  try {
    file = parseKubernetesManifests(input.content, input.path);
  } catch (error) {
    // A Helm chart's template is Go template text, not YAML, until Helm renders it; other text
    // that only mentions apiVersion and kind is no manifest at all.
    if (input.content.includes('{{') || !looksLikeManifest(input.content)) return NOTHING;
    throw error;
  }
  if (file.objects.length === 0) return NOTHING;
  const checks = [...KUBERNETES_CHECKS.filter(check => options.includeDeprecated || !check.rule.deprecated), ...options.customChecks ?? []];
  const findings: Finding[] = [];
  let successes = 0;
  for (const object of file.objects) {
    for (const check of checks) {
      if (!appliesTo(check, object)) continue;
      const failures = check.run(object, file);
      if (failures.length === 0) successes++;
      for (const failure of failures) findings.push(toFinding(file, object, check, failure));
    }
  }
  findings.sort((a, b) => a.location.startLine - b.location.startLine || a.location.startColumn - b.location.startColumn
    || (a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0));
  return { packages: [], findings, misconfSummary: { successes, failures: findings.length } };
}

function toFinding(file: KubeFile, object: KubeObject, check: KubernetesCheck, failure: CheckFailure): Finding {
  return misconfigurationFinding({
    rule: check.rule,
    message: failure.message,
    location: file.lines.range(failure.start, failure.end),
    cause: { provider: 'Kubernetes', service: 'general', resource: object.name === undefined ? object.kind : `${object.kind}/${object.name}` },
    inlineIgnores: inlineIgnores(file, object, failure.start),
    fix: failure.fix,
  });
}

/**
 * The ignores in the comment lines right above the finding's line, above the container entry
 * (`- name: ...`) it is in and above the object. A check may be named by any of Trivy's names
 * for it; the finding carries the ID the engine matches on.
 */
function inlineIgnores(file: KubeFile, object: KubeObject, offset: number): InlineIgnore[] {
  const lines = new Set<number>([file.lines.position(offset).line, file.lines.position(object.start).line]);
  const containerStart = containerAround(object, offset);
  if (containerStart !== undefined) lines.add(file.lines.position(containerStart).line);
  const found: InlineIgnore[] = [];
  for (const line of lines) {
    for (let above = line - 1; above >= 0 && isCommentLine(file, above); above--) {
      for (const ignore of parseInlineIgnores(file.lines.line(above))) {
        const rule = kubernetesRuleNamed(ignore.id);
        found.push(rule ? { ...ignore, id: rule.id } : ignore);
      }
    }
  }
  return found;
}

const containerRanges = new WeakMap<KubeObject, [number, number][]>();

/** The start of the container entry that holds `offset`, by binary search over the object's containers in file order. */
function containerAround(object: KubeObject, offset: number): number | undefined {
  let ranges = containerRanges.get(object);
  if (!ranges) {
    ranges = (object.pod?.containers ?? []).flatMap(c => (c.node.range ? [[c.node.range[0], c.node.range[2]] as [number, number]] : []));
    ranges.sort((a, b) => a[0] - b[0]);
    containerRanges.set(object, ranges);
  }
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (ranges[mid][1] <= offset) low = mid + 1;
    else if (ranges[mid][0] > offset) high = mid - 1;
    else return ranges[mid][0];
  }
  return undefined;
}

/** A line with nothing but a comment, outside any multi-line scalar (where `#` is text). */
function isCommentLine(file: KubeFile, line: number): boolean {
  const text = file.lines.line(line).trimStart();
  if (!text.startsWith('#')) return false;
  return !insideMultilineScalar(file, file.lines.offset({ line, character: 0 }));
}

/** Binary search: the multi-line scalars are in file order and do not overlap. */
function insideMultilineScalar(file: KubeFile, offset: number): boolean {
  const scalars = file.multilineScalars;
  let low = 0;
  let high = scalars.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (scalars[mid][1] <= offset) low = mid + 1;
    else if (scalars[mid][0] >= offset) high = mid - 1;
    else return true;
  }
  return false;
}

// Terraform (.tf, and .tf.json in Terraform's JSON syntax): Trivy's `terraform` config type, checked
// by the cloud checks of trivy-checks (AWS-, AZU-, GCP-xxxx) written as TypeScript in
// ../terraform/checks, with no Rego. A file is evaluated with the other .tf and .tf.json files of
// its folder (one module) and the .tfvars(.json) files Terraform loads by itself, but reports only
// what is wrong in its own text: each finding points at the
// attribute at fault, or at the block's header where an attribute is missing, and carries Trivy's
// CauseMetadata (provider, service, resource address). `#trivy:ignore:AVD-AWS-0086` or
// `# vigil:ignore:aws-s3-block-public-acls` (any of a check's names, `//` comments too) on the
// line(s) above the attribute or above its resource block, or at the end of the line, ignores it.
// JSON has no comments, so a .tf.json file has no inline ignores (the ignore files still apply),
// and no fixes, which are written as HCL.
import { parseInlineIgnores } from '../inline-ignore';
import { misconfigurationFinding } from '../misconfiguration';
import { baseName, siblingPath } from '../source';
import { LineIndex } from '../text';
import type { Analyzer, AnalyzerInput, AnalyzerOutput, Finding, InlineIgnore } from '../types';
import { parseCached, syntaxOf, TerraformModule, type ModuleFile } from '../terraform/evaluate';
import type { HclFile } from '../terraform/parse';
import { TERRAFORM_CHECKS } from '../terraform/checks';
import type { CheckContext, CheckFailure, TerraformCheck } from '../terraform/checks/common';
import { namesTerraformRule, terraformRuleById, type TerraformRule } from '../rules/terraform';

export const terraformAnalyzer: Analyzer = {
  id: 'terraform',
  type: 'terraform',
  scanner: 'misconfig',
  fileNames: ['*.tf', '*.tf.json'],
  // The module: the folder's other .tf and .tf.json files and its variable files.
  siblings: ['*.tf', '*.tf.json', '*.tfvars', '*.tfvars.json'],
  inlineIgnores: true,
  fixes: 'none',
  analyze(input) {
    return analyzeTerraform(input);
  },
};

export interface TerraformOptions {
  /** Run the checks trivy-checks has retired too (Trivy's --include-deprecated-checks). */
  includeDeprecated?: boolean;
  /** The user's own checks (custom-checks/), run after the built-in ones. */
  customChecks?: readonly CustomTerraformCheck[];
}

/** A check that brings its own rule, not one of the table's. */
export interface CustomTerraformCheck extends TerraformCheck {
  rule: TerraformRule;
}

/** The built-in checks with their rules, found once. */
let builtinChecks: CustomTerraformCheck[] | undefined;
function builtinTerraformChecks(): CustomTerraformCheck[] {
  builtinChecks ??= TERRAFORM_CHECKS.map(check => {
    const rule = terraformRuleById(check.id);
    if (!rule) throw new Error(`no rule for the Terraform check ${check.id}`);
    return { ...check, rule };
  });
  return builtinChecks;
}

/**
 * The variable files Terraform loads without -var-file, in its order: terraform.tfvars,
 * terraform.tfvars.json, then *.auto.tfvars and *.auto.tfvars.json together by name.
 */
function autoLoadedVariableFiles(siblings: ReadonlyMap<string, string>): string[] {
  const names = [...siblings.keys()];
  const auto = names.filter(name => name.endsWith('.auto.tfvars') || name.endsWith('.auto.tfvars.json')).sort();
  return [...['terraform.tfvars', 'terraform.tfvars.json'].filter(name => siblings.has(name)), ...auto];
}

/** Whether a file name is one of the module's configuration files. */
function isModuleFile(name: string): boolean {
  return name.endsWith('.tf') || name.endsWith('.tf.json');
}

/** Parses a sibling; one that does not parse is left out here (its own analysis reports the error). */
function parseSibling(name: string, text: string): HclFile | undefined {
  try {
    return parseCached(text, syntaxOf(name));
  } catch {
    return undefined;
  }
}

export function analyzeTerraform(input: AnalyzerInput, options: TerraformOptions = {}): AnalyzerOutput {
  const ownName = baseName(input.path);
  const own = parseCached(input.content, syntaxOf(ownName));
  const siblings = input.siblings ?? new Map<string, string>();
  const files: ModuleFile[] = [{ path: input.path, hcl: own }];
  // The texts fixes are written in: HCL files only, as a fix is HCL text.
  const texts = new Map<string, string>();
  if (syntaxOf(ownName) === 'hcl') texts.set(input.path, input.content);
  for (const [name, text] of siblings) {
    if (name === ownName || !isModuleFile(name)) continue;
    const hcl = parseSibling(name, text);
    if (!hcl) continue;
    const path = siblingPath(input.path, name);
    files.push({ path, hcl });
    if (syntaxOf(name) === 'hcl') texts.set(path, text);
  }
  const tfvars = autoLoadedVariableFiles(siblings).map(name => parseSibling(name, siblings.get(name)!)).filter((hcl): hcl is HclFile => !!hcl);
  const module = new TerraformModule(files, tfvars);
  const lines = new LineIndex(input.content, input.path);
  const comments = commentsByLine(own, lines);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  let successes = 0;
  for (const check of [...builtinTerraformChecks(), ...options.customChecks ?? []]) {
    const { rule } = check;
    if (rule.deprecated && !options.includeDeprecated) continue;
    const context: CheckContext = { module, texts, looked: new Set() };
    const failures = check.run(context).filter(failure => failure.file === input.path);
    if (failures.length === 0 && context.looked.has(input.path)) successes++;
    for (const failure of failures) {
      const key = `${rule.id}:${failure.span.start}:${failure.span.end}`;
      if (seen.has(key)) continue; // every instance of a count or for_each resource fails at the same place
      seen.add(key);
      findings.push(toFinding(rule, failure, lines, comments, input.path));
    }
  }
  findings.sort((a, b) => a.location.startLine - b.location.startLine || a.location.startColumn - b.location.startColumn);
  // A file no check had anything to look at (variables.tf, outputs.tf) gets no summary.
  if (successes === 0 && findings.length === 0) return { packages: [] };
  return { packages: [], findings, misconfSummary: { successes, failures: findings.length } };
}

interface LineComments {
  /** The comments of each 0-based line. */
  byLine: Map<number, string[]>;
  /** Lines that hold nothing but comments. */
  commentOnly: Set<number>;
}

function commentsByLine(file: HclFile, lines: LineIndex): LineComments {
  const byLine = new Map<number, string[]>();
  const commentOnly = new Set<number>();
  for (const comment of file.comments) {
    const { line, character } = lines.position(comment.start);
    byLine.set(line, [...(byLine.get(line) ?? []), comment.text]);
    if (lines.line(line).slice(0, character).trim() === '') commentOnly.add(line);
  }
  return { byLine, commentOnly };
}

function toFinding(rule: TerraformRule, failure: CheckFailure, lines: LineIndex, comments: LineComments, path: string): Finding {
  const location = lines.range(failure.span.start, failure.span.end);
  const anchors = [location.startLine - 1];
  const resource = failure.resource;
  const resourceLine = resource && resource.file === path ? lines.position(resource.block.start).line : undefined;
  if (resourceLine !== undefined && resourceLine !== anchors[0]) anchors.push(resourceLine);
  return misconfigurationFinding({
    rule,
    message: failure.message,
    location,
    cause: { provider: rule.provider, service: rule.service, ...(failure.resource ? { resource: failure.resource.address } : {}) },
    inlineIgnores: anchors.flatMap(line => ignoresAt(comments, line, rule)),
    fix: failure.fix,
  });
}

/**
 * The ignores for a rule on a 0-based line (at its end) and in the comment lines right above it.
 * An ignore may name the check by any of its names; the finding carries the ID the engine matches on.
 */
function ignoresAt(comments: LineComments, line: number, rule: TerraformRule): InlineIgnore[] {
  const texts = [...(comments.byLine.get(line) ?? [])];
  for (let above = line - 1; above >= 0 && comments.commentOnly.has(above); above--) texts.push(...comments.byLine.get(above)!);
  return texts.flatMap(parseInlineIgnores).map(ignore => (namesTerraformRule(rule, ignore.id) ? { ...ignore, id: rule.id } : ignore));
}

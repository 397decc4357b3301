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
import { baseName, resolveRelative, siblingPath } from '../source';
import { LineIndex } from '../text';
import type { Analyzer, AnalyzerInput, AnalyzerOutput, Finding, InlineIgnore, RelatedReader } from '../types';
import { parseCached, syntaxOf, TerraformModule, type ModuleFile } from '../terraform/evaluate';
import type { Block, HclFile } from '../terraform/parse';
import { TERRAFORM_CHECKS } from '../terraform/checks';
import type { CheckFailure, TerraformCheck } from '../terraform/checks/common';
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
  gather(input, read) {
    return gatherCallers(input, read);
  },
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

/** How many folders above a file's own are searched for modules that call its folder. */
const CALLER_SEARCH_DEPTH = 4;

/** The folder of a root-relative path, `''` for the root. */
function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/** The folder a `module` block's local source (`./modules/x`, `../x`) names, from the caller's folder. */
function localModuleFolder(call: Block, callerFolder: string): string | undefined {
  const source = call.body.attributes.find(attribute => attribute.name === 'source')?.value;
  if (source?.kind !== 'template' || source.parts.length !== 1 || typeof source.parts[0] !== 'string') return undefined;
  const path = source.parts[0];
  if (!path.startsWith('./') && !path.startsWith('../')) return undefined;
  return resolveRelative(callerFolder === '' ? 'x' : `${callerFolder}/x`, path);
}

/** The `module` blocks of some files that call `folder`. */
function callsOf(files: readonly ModuleFile[], callerFolder: string, folder: string): Block[] {
  return files.flatMap(file => file.hcl.body.blocks.filter(block => block.blockType === 'module' && localModuleFolder(block, callerFolder) === folder));
}

/**
 * Reads the modules in the folders above this file's that call its folder with a local source, as
 * Trivy evaluates a module with the values its caller passes. Folders are found by listing (a
 * folder's files cannot be known otherwise); the reader holds every read to the scan root and to
 * its limit. A caller in a folder that is not above this one (`envs/prod` calling
 * `../../modules/x`) is not found.
 */
async function gatherCallers(input: AnalyzerInput, read: RelatedReader): Promise<void> {
  if (!read.listFiles) return;
  const folder = folderOf(input.path);
  let caller = folder;
  for (let depth = 0; depth < CALLER_SEARCH_DEPTH && caller !== ''; depth++) {
    caller = folderOf(caller);
    const names = await read.listFiles(caller);
    if (!names) return;
    const files: ModuleFile[] = [];
    for (const name of names.filter(isModuleFile)) {
      const path = caller === '' ? name : `${caller}/${name}`;
      const text = await read(path);
      const hcl = text === undefined ? undefined : parseSibling(name, text);
      if (hcl) files.push({ path, hcl });
    }
    if (callsOf(files, caller, folder).length === 0) continue;
    for (const name of autoLoadedVariableFiles(new Map(names.map(name => [name, '']))))
      await read(caller === '' ? name : `${caller}/${name}`);
  }
}

/** The modules of the callers `gather` found, each call with the files of this folder. */
function calledModules(input: AnalyzerInput, files: readonly ModuleFile[]): TerraformModule[] {
  const folder = folderOf(input.path);
  const byFolder = new Map<string, Map<string, string>>();
  for (const [path, text] of input.related ?? []) {
    const callerFolder = folderOf(path);
    if (!byFolder.has(callerFolder)) byFolder.set(callerFolder, new Map());
    byFolder.get(callerFolder)!.set(baseName(path), text);
  }
  const modules: TerraformModule[] = [];
  for (const [callerFolder, texts] of byFolder) {
    const callerFiles: ModuleFile[] = [];
    for (const [name, text] of texts) {
      const hcl = isModuleFile(name) ? parseSibling(name, text) : undefined;
      if (hcl) callerFiles.push({ path: callerFolder === '' ? name : `${callerFolder}/${name}`, hcl });
    }
    const calls = callsOf(callerFiles, callerFolder, folder);
    if (calls.length === 0) continue;
    const tfvars = autoLoadedVariableFiles(texts).map(name => parseSibling(name, texts.get(name)!)).filter((hcl): hcl is HclFile => !!hcl);
    const callerModule = new TerraformModule(callerFiles, tfvars);
    for (const call of calls) modules.push(new TerraformModule(files, [], name => callerModule.moduleInput(call, name)));
  }
  return modules;
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
  // A folder that other modules call is evaluated once per call, with the values each passes (and
  // no .tfvars, which Terraform loads for the root module only); any other folder as a root module.
  const called = calledModules(input, files);
  const modules = called.length > 0 ? called : [new TerraformModule(files, tfvars)];
  const lines = new LineIndex(input.content, input.path);
  const comments = commentsByLine(own, lines);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  let successes = 0;
  for (const check of [...builtinTerraformChecks(), ...options.customChecks ?? []]) {
    const { rule } = check;
    if (rule.deprecated && !options.includeDeprecated) continue;
    const looked = new Set<string>();
    const failures = modules.flatMap(module => check.run({ module, texts, looked })).filter(failure => failure.file === input.path);
    if (failures.length === 0 && looked.has(input.path)) successes++;
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

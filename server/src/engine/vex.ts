// VEX documents (OpenVEX and CycloneDX VEX): statements that a vulnerability does not affect a
// product (`not_affected`) or was fixed in it (`fixed`). The detector drops the findings they cover,
// once, next to the ignore files, and keeps them as suppressed findings with the statement's reason.
//
// Matching follows Trivy's rules:
// - A statement names the vulnerability by its ID or an alias; a finding matches through its
//   preferred ID or any of its aliases.
// - OpenVEX: a statement's product is matched against the vulnerable package's purl itself, and
//   against every package above it in the dependency graph up to the project (go.mod's module), each
//   time with the vulnerable package as the subcomponent. A product without subcomponents covers
//   everything below it. The finding is dropped when no path from the package up to the project
//   escapes a covering statement. A product purl without a version covers every version, and its
//   qualifiers must all be present on the package.
// - Among the statements of one document that match, the latest (by its timestamp, else the
//   document's; document order breaks ties) decides. Any one document that says not_affected or
//   fixed is enough.
// - CycloneDX VEX: `vulnerabilities[].affects[].ref` names the vulnerable package itself: a purl, a
//   bom-ref of a component in the same document, or a BOM-Link (`urn:cdx:SERIAL/VERSION#REF`) whose
//   reference is one of those. Unlike Trivy, which applies CycloneDX VEX only to a CycloneDX SBOM
//   scan, a reference that resolves to a purl applies to any scan. States `not_affected` and
//   `false_positive` count as not_affected, `resolved` and `resolved_with_pedigree` as fixed.
import fs from 'node:fs';
import { purlMatches } from './purl';
import type { DetectedVulnerability, Package, ProjectInfo, SuppressedFinding } from './types';
import { isObject, listOf, text } from './json-values';

/** Longer VEX documents are refused: a statement list this size is not written by hand. */
export const MAX_VEX_BYTES = 32 * 1024 * 1024;

export type VexFormat = 'OpenVEX' | 'CycloneDX VEX';
type VexStatus = 'not_affected' | 'fixed' | 'affected' | 'under_investigation' | 'unknown';

/** A component a statement names: every identifier it is known by (`@id`, purl, ...). */
type ComponentIds = string[];

interface VexProduct {
  ids: ComponentIds;
  subcomponents: ComponentIds[];
}

interface VexStatement {
  /** The vulnerability's ID, name and aliases. */
  vulnerabilities: string[];
  products: VexProduct[];
  status: VexStatus;
  /** Justification, else the impact statement or the analysis detail. */
  statement: string;
  /** Milliseconds since the epoch; the document's timestamp when the statement has none. */
  timestamp: number;
}

export interface VexDocument {
  /** The file it was read from, as given. */
  source: string;
  format: VexFormat;
  statements: VexStatement[];
}

/** Why a finding is dropped: a statement of a document. */
export interface VexVerdict {
  status: 'not_affected' | 'fixed';
  statement: string;
  source: string;
}

/** Reads a VEX document. Throws an Error naming the file (never quoting it) when it is not one. */
export function loadVexDocument(file: string): VexDocument {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (error) {
    throw new Error(`cannot read the VEX document ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > MAX_VEX_BYTES) throw new Error(`the VEX document ${file} is larger than ${MAX_VEX_BYTES / 1024 / 1024} MB`);
  return parseVexDocument(fs.readFileSync(file, 'utf8'), file);
}

/** Parses the text of an OpenVEX or CycloneDX VEX document read from `source`. */
export function parseVexDocument(text: string, source: string): VexDocument {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new Error(`${source} is not a VEX document: it is not valid JSON`);
  }
  if (!isObject(json)) throw new Error(`${source} is not a VEX document: it does not hold a JSON object`);
  if (json.bomFormat === 'CycloneDX') return { source, format: 'CycloneDX VEX', statements: cycloneDxStatements(json, source) };
  const context = json['@context'];
  if (typeof context === 'string' && context.includes('openvex')) return { source, format: 'OpenVEX', statements: openVexStatements(json, source) };
  if (isObject(json.document) && typeof json.document.category === 'string' && json.document.category.includes('vex')) {
    throw new Error(`${source} is a CSAF VEX document, which Vigil does not read yet: use OpenVEX or CycloneDX VEX`);
  }
  throw new Error(`${source} is not a VEX document: it is neither OpenVEX (an openvex @context) nor CycloneDX (bomFormat)`);
}

function openVexStatements(json: Record<string, unknown>, source: string): VexStatement[] {
  if (!Array.isArray(json.statements)) throw new Error(`${source}: an OpenVEX document needs a statements list`);
  const documentTime = timeOf(json.timestamp) ?? 0;
  return json.statements.map((raw, index) => {
    if (!isObject(raw)) throw new Error(`${source}: statement ${index + 1} is not an object`);
    // v0.0.1 lists subcomponents beside the products, for every product of the statement.
    const shared = listOf(raw.subcomponents).map(componentIds).filter(ids => ids.length > 0);
    const products = listOf(raw.products).map((product): VexProduct => ({
      ids: componentIds(product),
      subcomponents: [...(isObject(product) ? listOf(product.subcomponents).map(componentIds).filter(ids => ids.length > 0) : []), ...shared],
    })).filter(product => product.ids.length > 0);
    return {
      vulnerabilities: vulnerabilityIds(raw.vulnerability),
      products,
      status: openVexStatus(raw.status),
      statement: text(raw.justification) || text(raw.impact_statement) || text(raw.status_notes),
      timestamp: timeOf(raw.timestamp) ?? documentTime,
    };
  });
}

function cycloneDxStatements(json: Record<string, unknown>, source: string): VexStatement[] {
  if (json.vulnerabilities !== undefined && !Array.isArray(json.vulnerabilities)) throw new Error(`${source}: vulnerabilities is not a list`);
  // Components of the document, to resolve an `affects` reference given as a bom-ref.
  const purlByRef = new Map<string, string>();
  const pending = listOf(json.components).map(component => ({ component, depth: 0 }));
  while (pending.length > 0) {
    const { component, depth } = pending.pop()!;
    if (!isObject(component) || depth > 32) continue;
    if (typeof component['bom-ref'] === 'string' && typeof component.purl === 'string') purlByRef.set(component['bom-ref'], component.purl);
    for (const child of listOf(component.components)) pending.push({ component: child, depth: depth + 1 });
  }
  return listOf(json.vulnerabilities).filter(isObject).map((vulnerability): VexStatement => {
    const analysis = isObject(vulnerability.analysis) ? vulnerability.analysis : {};
    const aliases = listOf(vulnerability.references).filter(isObject).map(reference => text(reference.id)).filter(Boolean);
    const products = listOf(vulnerability.affects).filter(isObject).map(affect => {
      const ref = bomLinkReference(text(affect.ref));
      return { ids: [ref, purlByRef.get(ref) ?? ''].filter(Boolean), subcomponents: [] };
    }).filter(product => product.ids.length > 0);
    return {
      vulnerabilities: [text(vulnerability.id), ...aliases].filter(Boolean),
      products,
      status: cycloneDxStatus(analysis.state),
      statement: text(analysis.justification) || text(analysis.detail),
      timestamp: 0,
    };
  });
}

/** The element reference of a BOM-Link (`urn:cdx:SERIAL/VERSION#REF`), percent-decoded; anything else as it is. */
function bomLinkReference(ref: string): string {
  if (!ref.startsWith('urn:cdx:')) return ref;
  const hash = ref.indexOf('#');
  if (hash === -1) return '';
  try {
    return decodeURIComponent(ref.slice(hash + 1));
  } catch {
    return ref.slice(hash + 1);
  }
}

function openVexStatus(value: unknown): VexStatus {
  return value === 'not_affected' || value === 'fixed' || value === 'affected' || value === 'under_investigation' ? value : 'unknown';
}

function cycloneDxStatus(value: unknown): VexStatus {
  switch (value) {
    case 'resolved':
    case 'resolved_with_pedigree':
      return 'fixed';
    case 'not_affected':
    case 'false_positive':
      return 'not_affected';
    case 'exploitable':
      return 'affected';
    case 'in_triage':
      return 'under_investigation';
    default:
      return 'unknown';
  }
}

/** A vulnerability given as a string (v0.0.1) or as `{@id, name, aliases}`. */
function vulnerabilityIds(value: unknown): string[] {
  if (typeof value === 'string') return value ? [value] : [];
  if (!isObject(value)) return [];
  return [text(value['@id']), text(value.name), ...listOf(value.aliases).map(text)].filter(Boolean);
}

/** A component given as a string (v0.0.1) or as `{@id, identifiers: {purl, cpe22, cpe23}}`. */
function componentIds(value: unknown): ComponentIds {
  if (typeof value === 'string') return value ? [value] : [];
  if (!isObject(value)) return [];
  const identifiers = isObject(value.identifiers) ? Object.values(value.identifiers).map(text) : [];
  return [text(value['@id']), ...identifiers].filter(Boolean);
}

function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}


/** Whether a component, known by these identifiers, is the package with this purl (or covers it). */
function componentMatches(ids: ComponentIds, purl: string): boolean {
  return ids.some(id => id === purl || (id.startsWith('pkg:') && purlMatches(id, purl)));
}

function productMatches(product: VexProduct, productPurl: string, subcomponentPurl: string | undefined): boolean {
  if (!componentMatches(product.ids, productPurl)) return false;
  if (subcomponentPurl === undefined || product.subcomponents.length === 0) return true;
  return product.subcomponents.some(ids => componentMatches(ids, subcomponentPurl));
}

/** What one document says about a vulnerability in a product (with the vulnerable package as its subcomponent). */
function documentVerdict(document: VexDocument, vulnerabilityIds: ReadonlySet<string>, productPurl: string, subcomponentPurl?: string): VexVerdict | undefined {
  // A CycloneDX statement names the vulnerable package itself, never a package above it.
  if (document.format === 'CycloneDX VEX' && subcomponentPurl !== undefined) return undefined;
  let decisive: VexStatement | undefined;
  for (const statement of document.statements) {
    if (!statement.vulnerabilities.some(id => vulnerabilityIds.has(id))) continue;
    if (!statement.products.some(product => productMatches(product, productPurl, subcomponentPurl))) continue;
    if (document.format === 'CycloneDX VEX') {
      decisive = statement;
      break;
    }
    if (!decisive || statement.timestamp >= decisive.timestamp) decisive = statement;
  }
  if (!decisive || (decisive.status !== 'not_affected' && decisive.status !== 'fixed')) return undefined;
  return { status: decisive.status, statement: decisive.statement, source: document.source };
}

/** The documents of `--vex`, applied together. */
export interface VexPolicy {
  documents: readonly VexDocument[];
  /** Why a vulnerability does not apply to a product, if some document says so. */
  verdict(vulnerabilityIds: ReadonlySet<string>, productPurl: string, subcomponentPurl?: string): VexVerdict | undefined;
}

export function createVexPolicy(documents: readonly VexDocument[]): VexPolicy {
  return {
    documents,
    verdict(ids, productPurl, subcomponentPurl) {
      for (const document of documents) {
        const verdict = documentVerdict(document, ids, productPurl, subcomponentPurl);
        if (verdict) return verdict;
      }
      return undefined;
    },
  };
}

/** Reads every named VEX document; the first that cannot be read throws. */
export function loadVexPolicy(files: readonly string[]): VexPolicy {
  return createVexPolicy(files.map(loadVexDocument));
}

/** The project node of a file's dependency graph. No package id is empty. */
const ROOT = '';

/** One file's dependency graph, walked upwards from a vulnerable package to the project. */
export class VexGraph {
  private readonly purls = new Map<string, string>();
  private readonly parents = new Map<string, string[]>();

  constructor(packages: readonly Package[], private readonly project?: ProjectInfo) {
    for (const pkg of packages) this.purls.set(pkg.id, pkg.purl);
    for (const pkg of packages) {
      for (const child of pkg.dependsOn ?? []) {
        const list = this.parents.get(child);
        if (list) list.push(pkg.id);
        else this.parents.set(child, [pkg.id]);
      }
    }
    // The project requires its direct dependencies, and whatever nothing else is known to require.
    for (const pkg of packages) {
      if (pkg.direct || !this.parents.has(pkg.id)) {
        const list = this.parents.get(pkg.id);
        if (list) list.push(ROOT);
        else this.parents.set(pkg.id, [ROOT]);
      }
    }
  }

  /**
   * Why the finding does not apply, or undefined when it does: a statement covers the package
   * itself, or every path from it up to the project passes a package (or the project) that a
   * statement covers with the package as its subcomponent.
   */
  suppression(vuln: DetectedVulnerability, policy: VexPolicy): VexVerdict | undefined {
    const ids = new Set([vuln.vulnerabilityId, ...vuln.aliases]);
    const own = policy.verdict(ids, vuln.purl);
    if (own) return own;
    let last: VexVerdict | undefined;
    const seen = new Set<string>([vuln.pkgId]);
    const pending = [vuln.pkgId];
    while (pending.length > 0) {
      const id = pending.pop()!;
      const purl = id === ROOT ? this.project?.purl : this.purls.get(id);
      const verdict = purl ? policy.verdict(ids, purl, vuln.purl) : undefined;
      if (verdict) {
        last = verdict;
        continue;
      }
      if (id === ROOT) return undefined; // a path reaches the project untouched
      for (const parent of this.parents.get(id) ?? []) {
        if (!seen.has(parent)) {
          seen.add(parent);
          pending.push(parent);
        }
      }
    }
    return last;
  }
}

/** A suppressed finding from a VEX verdict. */
export function suppressedByVex(finding: DetectedVulnerability, verdict: VexVerdict): SuppressedFinding {
  return { finding, status: verdict.status, statement: verdict.statement, source: verdict.source };
}

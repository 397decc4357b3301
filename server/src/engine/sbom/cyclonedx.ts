// CycloneDX 1.6 JSON, built with the CycloneDX project's own library (@cyclonedx/cyclonedx-library)
// so that the document follows the spec's serialisation rules.
//
// Layout, as Trivy writes it: metadata.component is the scanned target; each dependency file is an
// `application` component carrying Trivy's `aquasecurity:trivy:Class` and `:Type` properties; each
// package a `library` with its purl (also its bom-ref), hashes, licenses and Trivy's `PkgID` and
// `PkgType` properties. `dependencies` links target -> files -> project -> packages. When the scan
// looked for vulnerabilities, `vulnerabilities` lists them with the packages they affect.
import { randomUUID } from 'node:crypto';
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import type { DetectedVulnerability, Package, ScanResult, Severity } from '../types';
import { VERSION } from '../version';
import { buildInventory, splitGroup, type SbomInventory } from './inventory';
import { licenseForm } from './licenses';

export interface SbomOptions {
  /** The scanned path as the user gave it: the document's subject. */
  artifactName: string;
  /** Defaults to now. */
  createdAt?: Date | string;
  /** CycloneDX: `urn:uuid:...`; SPDX: the document namespace. Defaults to a random UUID-based one. */
  serialNumber?: string;
  /** Defaults to Vigil's version. */
  toolVersion?: string;
}

/** Trivy's property names, so that Trivy (and Vigil) reading the SBOM back know each file's kind. */
export const TRIVY_PROPERTY = {
  class: 'aquasecurity:trivy:Class',
  type: 'aquasecurity:trivy:Type',
  pkgId: 'aquasecurity:trivy:PkgID',
  pkgType: 'aquasecurity:trivy:PkgType',
} as const;

const SEVERITIES: Record<Severity, Enums.Vulnerability.Severity> = {
  CRITICAL: Enums.Vulnerability.Severity.Critical,
  HIGH: Enums.Vulnerability.Severity.High,
  MEDIUM: Enums.Vulnerability.Severity.Medium,
  LOW: Enums.Vulnerability.Severity.Low,
  UNKNOWN: Enums.Vulnerability.Severity.Unknown,
};

export function createdDate(value: Date | string | undefined): Date {
  const date = value === undefined ? new Date() : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error('the SBOM timestamp is not a date');
  // Whole seconds: SPDX's `created` has no fractions, and both documents of one scan agree.
  date.setUTCMilliseconds(0);
  return date;
}

function licensesOf(values: readonly string[] | undefined): Models.License[] {
  const forms = (values ?? []).map(licenseForm).filter(form => form !== undefined);
  if (forms.length === 0) return [];
  // An expression must stand alone in CycloneDX's list: several values with one among them become one expression.
  if (forms.some(form => form.kind === 'expression') && forms.length > 1) {
    if (forms.every(form => form.kind !== 'name')) {
      const joined = forms.map(form => (form.kind === 'id' ? form.id : `(${form.kind === 'expression' ? form.expression : ''})`)).join(' AND ');
      return [new Models.LicenseExpression(joined)];
    }
    return forms.map(form => new Models.NamedLicense(form.kind === 'id' ? form.id : form.kind === 'expression' ? form.expression : form.name));
  }
  return forms.map(form => form.kind === 'id' ? new Models.SpdxLicense(form.id)
    : form.kind === 'expression' ? new Models.LicenseExpression(form.expression)
      : new Models.NamedLicense(form.name));
}

function packageComponent(pkg: Package, ref: string, type: string): Models.Component {
  const { group, name } = splitGroup(pkg);
  const component = new Models.Component(Enums.ComponentType.Library, name, {
    bomRef: ref,
    group,
    version: pkg.version || undefined,
    purl: pkg.purl || undefined,
  });
  for (const hash of pkg.hashes ?? []) component.hashes.set(hash.algorithm as Enums.HashAlgorithm, hash.value);
  for (const license of licensesOf(pkg.licenses)) component.licenses.add(license);
  component.properties.add(new Models.Property(TRIVY_PROPERTY.pkgId, pkg.id));
  component.properties.add(new Models.Property(TRIVY_PROPERTY.pkgType, type));
  return component;
}

/** `CWE-79` -> 79. */
function cweNumbers(ids: readonly string[] | undefined): number[] {
  return (ids ?? []).map(id => Number(/^CWE-(\d+)$/.exec(id)?.[1])).filter(n => Number.isInteger(n) && n > 0);
}

function ratingMethod(vector: string): Enums.Vulnerability.RatingMethod | undefined {
  if (vector.startsWith('CVSS:4.0/')) return Enums.Vulnerability.RatingMethod.CVSSv4;
  if (vector.startsWith('CVSS:3.1/')) return Enums.Vulnerability.RatingMethod.CVSSv31;
  if (vector.startsWith('CVSS:3.0/')) return Enums.Vulnerability.RatingMethod.CVSSv3;
  return undefined;
}

function dateOrUndefined(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Only absolute http(s) URLs: CycloneDX's advisories take IRIs, and feeds carry odd strings. */
function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function vulnerabilityModel(vuln: DetectedVulnerability): Models.Vulnerability.Vulnerability {
  const model = new Models.Vulnerability.Vulnerability({
    // A ref of its own: the serializer would make up a random one.
    bomRef: `vulnerability-${vuln.vulnerabilityId}`,
    id: vuln.vulnerabilityId,
    source: new Models.Vulnerability.Source({ name: 'osv', url: `https://osv.dev/vulnerability/${encodeURIComponent(vuln.dataSourceId)}` }),
    description: vuln.description || vuln.title || undefined,
    recommendation: vuln.fixedVersions.length ? `Upgrade ${vuln.pkgName} to version ${vuln.fixedVersions.join(', ')}` : undefined,
    published: dateOrUndefined(vuln.publishedDate),
    updated: dateOrUndefined(vuln.lastModifiedDate),
  });
  model.ratings.add(new Models.Vulnerability.Rating({
    source: new Models.Vulnerability.Source({ name: vuln.severitySource === 'none' ? 'vigil' : vuln.severitySource }),
    severity: SEVERITIES[vuln.severity],
  }));
  for (const [source, cvss] of Object.entries(vuln.cvss)) {
    for (const [vector, score] of [[cvss.V3Vector, cvss.V3Score], [cvss.V40Vector, cvss.V40Score]] as const) {
      if (!vector) continue;
      model.ratings.add(new Models.Vulnerability.Rating({
        source: new Models.Vulnerability.Source({ name: source }), score, method: ratingMethod(vector), vector,
      }));
    }
  }
  for (const cwe of cweNumbers(vuln.cweIds)) model.cwes.add(cwe as never);
  for (const url of vuln.references) if (isWebUrl(url)) model.advisories.add(new Models.Vulnerability.Advisory(url));
  for (const alias of vuln.aliases) {
    model.references.add(new Models.Vulnerability.Reference(alias, new Models.Vulnerability.Source({ name: alias.split('-')[0] })));
  }
  return model;
}

/** The BOM of a scan's packages (and of its vulnerabilities, when it looked for them). */
export function cycloneDxBom(scan: ScanResult, options: SbomOptions, inventory: SbomInventory = buildInventory(scan, options.artifactName)): Models.Bom {
  const root = new Models.Component(Enums.ComponentType.Application, inventory.name, { bomRef: inventory.ref });
  const tool = new Models.Component(Enums.ComponentType.Application, 'vigil', { version: options.toolVersion ?? VERSION });
  const bom = new Models.Bom({
    serialNumber: options.serialNumber ?? `urn:uuid:${randomUUID()}`,
    metadata: new Models.Metadata({ timestamp: createdDate(options.createdAt), component: root, tools: new Models.Tools({ components: new Models.ComponentRepository([tool]) }) }),
  });
  const components = new Map<string, Models.Component>();
  for (const file of inventory.files) {
    const fileComponent = new Models.Component(Enums.ComponentType.Application, file.result.target, { bomRef: file.ref });
    fileComponent.properties.add(new Models.Property(TRIVY_PROPERTY.class, file.result.class));
    fileComponent.properties.add(new Models.Property(TRIVY_PROPERTY.type, file.result.type));
    bom.components.add(fileComponent);
    components.set(file.ref, fileComponent);
    root.dependencies.add(fileComponent.bomRef);
    if (file.project) {
      const { project } = file.project;
      const component = new Models.Component(Enums.ComponentType.Application, project.name, {
        bomRef: file.project.ref, version: project.version, purl: project.purl || undefined,
      });
      bom.components.add(component);
      components.set(file.project.ref, component);
    }
    for (const entry of file.packages) {
      const component = packageComponent(entry.pkg, entry.ref, file.result.type);
      bom.components.add(component);
      components.set(entry.ref, component);
    }
  }
  // Links once every component exists, through each component's own BomRef.
  const link = (from: string, to: readonly string[]) => {
    const component = components.get(from)!;
    for (const ref of to) {
      const target = components.get(ref);
      if (target) component.dependencies.add(target.bomRef);
    }
  };
  for (const file of inventory.files) {
    link(file.ref, file.dependsOn);
    if (file.project) link(file.project.ref, file.project.dependsOn);
    for (const entry of file.packages) link(entry.ref, entry.dependsOn);
  }

  const vulnerabilities = new Map<string, Models.Vulnerability.Vulnerability>();
  for (const file of inventory.files) {
    for (const vuln of file.result.vulnerabilities) {
      const entry = inventory.packageOf(file.result, vuln.pkgId);
      const component = entry && components.get(entry.ref);
      if (!component) continue;
      let model = vulnerabilities.get(vuln.vulnerabilityId);
      if (!model) vulnerabilities.set(vuln.vulnerabilityId, (model = vulnerabilityModel(vuln)));
      const versions = new Models.Vulnerability.AffectedVersionRepository();
      if (vuln.installedVersion) {
        versions.add(new Models.Vulnerability.AffectedSingleVersion(vuln.installedVersion, { status: Enums.Vulnerability.AffectStatus.Affected }));
      }
      model.affects.add(new Models.Vulnerability.Affect(component.bomRef, { versions }));
    }
  }
  for (const model of vulnerabilities.values()) bom.vulnerabilities.add(model);
  return bom;
}

const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));

/** The scan as a CycloneDX 1.6 JSON document, lists sorted so that one scan always gives the same text. */
export function formatCycloneDx(scan: ScanResult, options: SbomOptions): string {
  return serializer.serialize(cycloneDxBom(scan, options), { sortLists: true, space: 2 }) + '\n';
}

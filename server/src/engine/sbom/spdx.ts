// SPDX 2.3 JSON, written by hand (the format is small): the scanned target, each dependency file as
// an APPLICATION package, the project it declares, and every package with its purl (a
// PACKAGE-MANAGER external reference), checksums and declared license; DESCRIBES, CONTAINS and
// DEPENDS_ON relationships give the graph. Each file's Trivy class and type ride in annotations
// (`Class: lang-pkgs`, `Type: npm`), as Trivy writes them. SPDX 2.3 has no place for
// vulnerabilities: they are left out.
import { createHash, randomUUID } from 'node:crypto';
import type { Package, PackageHash, ScanResult } from '../types';
import { VERSION } from '../version';
import { createdDate, type SbomOptions } from './cyclonedx';
import { buildInventory } from './inventory';
import { licenseForm } from './licenses';

type Json = Record<string, unknown>;

const CHECKSUM_ALGORITHMS: Record<PackageHash['algorithm'], string> = {
  MD5: 'MD5', 'SHA-1': 'SHA1', 'SHA-256': 'SHA256', 'SHA-384': 'SHA384', 'SHA-512': 'SHA512',
};

/** An SPDX ID (`SPDXRef-` and letters, digits, `.` and `-` only) for one element, stable across runs. */
function spdxId(kind: string, ...parts: string[]): string {
  return `SPDXRef-${kind}-${createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16)}`;
}

/** `2021-08-25T12:20:30Z`: SPDX's created date, UTC, whole seconds. */
function spdxDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

class LicenseRefs {
  readonly extracted = new Map<string, string>();

  /** A package's licenses as one SPDX expression; a name SPDX does not know becomes a LicenseRef. */
  expression(values: readonly string[] | undefined): string {
    const parts = (values ?? []).map(licenseForm).flatMap(form => {
      if (!form) return [];
      if (form.kind === 'id') return [form.id];
      if (form.kind === 'expression') return [`(${form.expression})`];
      return [this.refFor(form.name)];
    });
    if (parts.length === 0) return 'NOASSERTION';
    if (parts.length === 1) return parts[0].replace(/^\((.*)\)$/, '$1');
    return parts.join(' AND ');
  }

  private refFor(name: string): string {
    const id = `LicenseRef-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
    this.extracted.set(id, name);
    return id;
  }
}

function annotation(comment: string, created: string, tool: string): Json {
  return { annotationDate: created, annotationType: 'OTHER', annotator: `Tool: ${tool}`, comment };
}

function purlRef(purl: string): Json[] {
  return purl ? [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }] : [];
}

/** The scan's packages as an SPDX 2.3 document. */
export function spdxDocument(scan: ScanResult, options: SbomOptions): Json {
  const inventory = buildInventory(scan, options.artifactName);
  const created = spdxDate(createdDate(options.createdAt));
  const tool = `vigil-${options.toolVersion ?? VERSION}`;
  const licenses = new LicenseRefs();
  const ids = new Map<string, string>();
  const packages: Json[] = [];
  const relationships: Json[] = [];
  const relate = (from: string, type: string, to: string) => relationships.push({ spdxElementId: from, relatedSpdxElement: to, relationshipType: type });

  const rootId = spdxId('Filesystem', inventory.ref);
  packages.push({ SPDXID: rootId, name: inventory.name, downloadLocation: 'NONE', filesAnalyzed: false, primaryPackagePurpose: 'SOURCE' });
  relate('SPDXRef-DOCUMENT', 'DESCRIBES', rootId);

  const packageJson = (pkg: Package, ref: string): Json => {
    const id = spdxId('Package', ref);
    ids.set(ref, id);
    const checksums = (pkg.hashes ?? []).map(hash => ({ algorithm: CHECKSUM_ALGORITHMS[hash.algorithm], checksumValue: hash.value }));
    return {
      SPDXID: id,
      name: pkg.name,
      ...(pkg.version ? { versionInfo: pkg.version } : {}),
      downloadLocation: 'NONE',
      filesAnalyzed: false,
      ...(checksums.length ? { checksums } : {}),
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: licenses.expression(pkg.licenses),
      copyrightText: 'NOASSERTION',
      externalRefs: purlRef(pkg.purl),
      primaryPackagePurpose: 'LIBRARY',
      annotations: [annotation(`PkgID: ${pkg.id}`, created, tool)],
    };
  };

  for (const file of inventory.files) {
    const fileId = spdxId('Application', file.ref);
    ids.set(file.ref, fileId);
    packages.push({
      SPDXID: fileId, name: file.result.target, downloadLocation: 'NONE', filesAnalyzed: false, primaryPackagePurpose: 'APPLICATION',
      annotations: [annotation(`Class: ${file.result.class}`, created, tool), annotation(`Type: ${file.result.type}`, created, tool)],
    });
    relate(rootId, 'CONTAINS', fileId);
    if (file.project) {
      const { project, ref } = file.project;
      const id = spdxId('Package', ref);
      ids.set(ref, id);
      packages.push({
        SPDXID: id, name: project.name, ...(project.version ? { versionInfo: project.version } : {}), downloadLocation: 'NONE',
        filesAnalyzed: false, externalRefs: purlRef(project.purl), primaryPackagePurpose: 'APPLICATION',
      });
    }
    for (const entry of file.packages) packages.push(packageJson(entry.pkg, entry.ref));
  }
  for (const file of inventory.files) {
    const links: [string, readonly string[]][] = [[file.ref, file.dependsOn], ...file.packages.map(p => [p.ref, p.dependsOn] as [string, string[]])];
    if (file.project) links.push([file.project.ref, file.project.dependsOn]);
    for (const [from, to] of links) for (const ref of to) relate(ids.get(from)!, 'DEPENDS_ON', ids.get(ref)!);
  }

  const namespaceName = inventory.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100) || 'scan';
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: inventory.name,
    documentNamespace: options.serialNumber ?? `https://spdx.org/spdxdocs/vigil-${namespaceName}-${randomUUID()}`,
    creationInfo: { creators: ['Organization: Vigil', `Tool: ${tool}`], created },
    packages,
    relationships,
    ...(licenses.extracted.size ? {
      hasExtractedLicensingInfos: [...licenses.extracted].map(([licenseId, name]) => ({ licenseId, name, extractedText: name })),
    } : {}),
  };
}

export function formatSpdxJson(scan: ScanResult, options: SbomOptions): string {
  return JSON.stringify(spdxDocument(scan, options), null, 2) + '\n';
}

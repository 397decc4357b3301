// Licenses of installed NuGet packages: the `.nuspec` manifest NuGet extracts beside each package,
// in the global packages folder (`~/.nuget/packages/<id>/<version>/<id>.nuspec`, lower case) or a
// packages.config solution's `packages/<Id>.<Version>/<Id>.nuspec`. As Trivy reads it, the license
// is the `<license type="expression">` element's SPDX expression, else the `<licenseUrl>` (a
// `<license type="file">` names a file inside the package, which is not there to read). A
// project's own .nuspec, outside such a folder, describes the package it builds: no dependency.
import { declaredLicenseFindings } from '../licenses/findings';
import { baseName } from '../source';
import { LineIndex } from '../text';
import type { Analyzer, Finding } from '../types';
import { folderNames } from './license-common';
import { childNamed, childText, parseXmlTree } from './xml-tree';

export const nuspecLicenseAnalyzer: Analyzer = {
  id: 'license-nuspec',
  type: 'nuget',
  scanner: 'license',
  fileNames: ['*.nuspec'],
  inlineIgnores: false,
  fixes: 'none',
  analyze: input => ({ packages: [], findings: nuspecLicenses(input.content, input.path) }),
};

export function nuspecLicenses(content: string, path: string): Finding[] {
  const root = parseXmlTree(content, '.nuspec');
  const metadata = childNamed(root, 'metadata');
  const id = childText(metadata, 'id');
  const version = childText(metadata, 'version');
  if (root.name !== 'package' || !metadata || !id || !version || !isInstalled(path, id, version)) return [];
  const license = childNamed(metadata, 'license');
  const source = license?.attributes.type === 'expression' && license.text.trim() ? license : childNamed(metadata, 'licenseUrl');
  const value = source?.text.trim();
  if (!source || !value) return [];
  return declaredLicenseFindings([value], id, new LineIndex(content, path).range(source.start, source.end));
}

/** `<id>/<version>/<id>.nuspec` or `<id>.<version>/<id>.nuspec`, in any case, as NuGet extracts packages. */
function isInstalled(path: string, id: string, version: string): boolean {
  const lower = (text: string | undefined) => text?.toLowerCase();
  const folders = folderNames(path).map(lower);
  const name = lower(baseName(path));
  if (name !== `${lower(id)}.nuspec`) return false;
  const parent = folders[folders.length - 1];
  return (parent === lower(version) && folders[folders.length - 2] === lower(id)) || parent === lower(`${id}.${version}`);
}


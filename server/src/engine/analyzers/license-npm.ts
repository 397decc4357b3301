// Licenses of installed npm packages: `node_modules/**/package.json`, its `license` (an SPDX
// expression, or any text) or the legacy `licenses` list of `{ type }` objects. Only package.json
// files inside a node_modules tree are read, as Trivy's npm analyzer reads them beside a lockfile;
// the project's own package.json is its manifest, not a dependency.
import { declaredLicenseFindings } from '../licenses/findings';
import { LineIndex } from '../text';
import type { Analyzer, Finding } from '../types';
import { findNodeAtLocation, folderNames, jsonTree, licenseStrings, nodeRange } from './license-common';

export const npmLicenseAnalyzer: Analyzer = {
  id: 'license-npm',
  type: 'node-pkg',
  scanner: 'license',
  fileNames: ['package.json'],
  inlineIgnores: false,
  fixes: 'none',
  analyze: input => ({ packages: [], findings: npmPackageLicenses(input.content, input.path) }),
};

export function npmPackageLicenses(content: string, path: string): Finding[] {
  if (!folderNames(path).includes('node_modules')) return [];
  const tree = jsonTree(content, 'package.json');
  if (tree.type !== 'object') throw new Error('not a valid package.json: it must hold a JSON object');
  const name = findNodeAtLocation(tree, ['name']);
  const pkgName = name?.type === 'string' ? (name.value as string) : undefined;
  const lines = new LineIndex(content, path);
  const findings: Finding[] = [];
  for (const member of ['license', 'licenses']) {
    const node = findNodeAtLocation(tree, [member]);
    if (node) findings.push(...declaredLicenseFindings(licenseStrings(node), pkgName, nodeRange(lines, node.parent ?? node)));
  }
  return findings;
}

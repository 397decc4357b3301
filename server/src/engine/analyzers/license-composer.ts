// Licenses of the packages a composer.lock installs: each entry of `packages` carries the
// `license` array of its composer.json. Development packages (`packages-dev`) are left out, as
// Trivy leaves them out of its license scan by default.
import { declaredLicenseFindings } from '../licenses/findings';
import { LineIndex } from '../text';
import type { Analyzer, Finding } from '../types';
import { findNodeAtLocation, jsonTree, licenseStrings, nodeRange } from './license-common';

export const composerLicenseAnalyzer: Analyzer = {
  id: 'license-composer',
  type: 'composer',
  scanner: 'license',
  fileNames: ['composer.lock'],
  inlineIgnores: false,
  fixes: 'none',
  analyze: input => ({ packages: [], findings: composerLockLicenses(input.content, input.path) }),
};

export function composerLockLicenses(content: string, path: string): Finding[] {
  const tree = jsonTree(content, 'composer.lock');
  const packages = findNodeAtLocation(tree, ['packages']);
  if (!packages) return [];
  if (packages.type !== 'array') throw new Error('not a valid composer.lock: "packages" is not an array');
  const lines = new LineIndex(content, path);
  return (packages.children ?? []).flatMap(entry => {
    const name = findNodeAtLocation(entry, ['name']);
    const license = findNodeAtLocation(entry, ['license']);
    if (name?.type !== 'string' || !license) return [];
    return declaredLicenseFindings(licenseStrings(license), name.value as string, nodeRange(lines, license.parent ?? license));
  });
}

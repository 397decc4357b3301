// License findings: one per license of a package or of a file, under the rule of the license's
// category. Analyzers make them with the default policy; a scan with a policy of its own
// re-categorizes them once (applyLicensePolicy), before filtering.
import { licenseRule } from '../rules/licenses';
import type { FileResult, Finding, SourceRange } from '../types';
import { LicenseCategorizer, type LicensePolicy } from './categories';
import { normalizeLicense } from './normalize';

const DEFAULT_CATEGORIZER = new LicenseCategorizer();

export interface LicenseFact {
  /** An SPDX expression, or a declared text kept verbatim. */
  name: string;
  spdx: boolean;
  pkgName?: string;
  /** 1 for declared metadata; the classifier's share for a text. */
  confidence: number;
  location: SourceRange;
}

/** A link to the license's SPDX page, for a single SPDX ID. */
function linkOf(name: string, spdx: boolean): string | undefined {
  return spdx && /^[A-Za-z0-9.+-]+$/.test(name) && !name.startsWith('LicenseRef-') ? `https://spdx.org/licenses/${name.replace(/\+$/, '')}.html` : undefined;
}

function message(name: string, pkgName: string | undefined, category: string): string {
  return `${pkgName ? `${pkgName} is licensed under` : 'License'} ${name} (${category}).`;
}

export function licenseFinding(fact: LicenseFact, categorizer: LicenseCategorizer = DEFAULT_CATEGORIZER): Finding {
  const name = categorizer.licenseOf(fact.pkgName, fact.name);
  const spdx = name === fact.name ? fact.spdx : normalizeLicense(name)?.spdx ?? false;
  const category = categorizer.categorize(name, fact.pkgName);
  const rule = licenseRule(category);
  return {
    kind: 'license',
    rule,
    severity: rule.severity,
    message: message(name, fact.pkgName, category),
    location: fact.location,
    license: { name, spdx, pkgName: fact.pkgName, confidence: fact.confidence, link: linkOf(name, spdx) },
  };
}

/** Each declared license value of a package as findings: normalized, empty values left out. */
export function declaredLicenseFindings(values: readonly string[], pkgName: string | undefined, location: SourceRange): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    const normalized = normalizeLicense(value);
    if (!normalized || seen.has(normalized.name)) continue;
    seen.add(normalized.name);
    findings.push(licenseFinding({ ...normalized, pkgName, confidence: 1, location }));
  }
  return findings;
}

/** Re-categorizes a result's license findings under a policy (forbidden/allowed IDs, overrides). Mutates `result`. */
export function applyLicensePolicy(result: FileResult, policy: LicensePolicy): void {
  const categorizer = new LicenseCategorizer(policy);
  result.licenses = result.licenses.map(finding => {
    if (!finding.license) return finding;
    const declared = { name: finding.license.name, spdx: finding.license.spdx ?? false };
    const recategorized = licenseFinding({
      ...declared, pkgName: finding.license.pkgName, confidence: finding.license.confidence ?? 1, location: finding.location,
    }, categorizer);
    return { ...finding, ...recategorized, inlineIgnores: finding.inlineIgnores };
  });
}

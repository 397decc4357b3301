// The license rules: one per category of Trivy's license classification. A license finding refers
// to the rule of its license's category (its severity and advice); the license itself is the
// finding's `license.name`, the ID ignore files name (as Trivy matches `.trivyignore` entries
// against the license name). The category rules' IDs can be ignored too, to drop a whole category.
import { CATEGORY_SEVERITY, LICENSE_CATEGORIES, type LicenseCategory } from '../licenses/categories';
import type { Rule } from '../types';

const DOCS_URL = 'https://trivy.dev/latest/docs/scanner/license/';

const TITLES: Readonly<Record<LicenseCategory, [title: string, remediation: string]>> = {
  forbidden: ['Forbidden license', 'Remove the dependency or get a different license for it: its terms are not acceptable for this project.'],
  restricted: ['Restricted license', 'Check with whoever approves licenses: its copyleft terms bind how this project may be distributed.'],
  reciprocal: ['Reciprocal license', 'Changes to this component must be shared under the same license; keep them separate and published.'],
  notice: ['Notice license', 'Keep the copyright and license notice with what you ship.'],
  permissive: ['Permissive license', 'Accepted by the license policy; keep the notices it asks for.'],
  unencumbered: ['Unencumbered license', 'No conditions to meet.'],
  unknown: ['Unknown license', 'Read the license and classify it: add its ID to the forbidden or allowed list, or override it for this package.'],
};

export const LICENSE_RULE_TABLE: readonly Rule[] = LICENSE_CATEGORIES.map(category => ({
  id: ruleIdOf(category),
  kind: 'license',
  title: TITLES[category][0],
  severity: CATEGORY_SEVERITY[category],
  category,
  url: DOCS_URL,
  remediation: TITLES[category][1],
}));

export function ruleIdOf(category: LicenseCategory): string {
  return `license-${category}`;
}

/** The rule of a category. */
export function licenseRule(category: LicenseCategory): Rule {
  return LICENSE_RULE_TABLE.find(rule => rule.category === category)!;
}

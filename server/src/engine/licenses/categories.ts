// License categories and the policy that assigns them, as Trivy has them: every license ID falls
// in one of Trivy's categories (the lists come from Google's license classifier by way of Trivy's
// pkg/licensing/expression/category.go), and the category decides the finding's severity.
// A policy moves IDs between categories (forbidden, allowed) and overrides the license of a
// package by name.
import parseSpdx from 'spdx-expression-parse';
import type { Severity } from '../types';

export type LicenseCategory = 'forbidden' | 'restricted' | 'reciprocal' | 'notice' | 'permissive' | 'unencumbered' | 'unknown';

export const LICENSE_CATEGORIES: readonly LicenseCategory[] = [
  'forbidden', 'restricted', 'reciprocal', 'notice', 'permissive', 'unencumbered', 'unknown',
];

/** Trivy's severity for each category. */
export const CATEGORY_SEVERITY: Readonly<Record<LicenseCategory, Severity>> = {
  forbidden: 'CRITICAL',
  restricted: 'HIGH',
  reciprocal: 'MEDIUM',
  notice: 'LOW',
  permissive: 'LOW',
  unencumbered: 'LOW',
  unknown: 'UNKNOWN',
};

/** Trivy's default lists (IDs without `-only`/`-or-later`; both forms are looked up). */
export const DEFAULT_CATEGORY_LISTS: Readonly<Record<Exclude<LicenseCategory, 'unknown'>, readonly string[]>> = {
  forbidden: [
    'AGPL-1.0', 'AGPL-3.0', 'CC-BY-NC-1.0', 'CC-BY-NC-2.0', 'CC-BY-NC-2.5', 'CC-BY-NC-3.0', 'CC-BY-NC-4.0',
    'CC-BY-NC-ND-1.0', 'CC-BY-NC-ND-2.0', 'CC-BY-NC-ND-2.5', 'CC-BY-NC-ND-3.0', 'CC-BY-NC-ND-4.0', 'CC-BY-NC-SA-1.0',
    'CC-BY-NC-SA-2.0', 'CC-BY-NC-SA-2.5', 'CC-BY-NC-SA-3.0', 'CC-BY-NC-SA-4.0', 'Commons-Clause', 'Facebook-2-Clause',
    'Facebook-3-Clause', 'Facebook-Examples', 'WTFPL',
  ],
  restricted: [
    'BCL', 'CC-BY-ND-1.0', 'CC-BY-ND-2.0', 'CC-BY-ND-2.5', 'CC-BY-ND-3.0', 'CC-BY-ND-4.0', 'CC-BY-SA-1.0',
    'CC-BY-SA-2.0', 'CC-BY-SA-2.5', 'CC-BY-SA-3.0', 'CC-BY-SA-4.0', 'GPL-1.0', 'GPL-2.0',
    'GPL-2.0-with-autoconf-exception', 'GPL-2.0-with-bison-exception', 'GPL-2.0-with-classpath-exception',
    'GPL-2.0-with-font-exception', 'GPL-2.0-with-GCC-exception', 'GPL-3.0', 'GPL-3.0-with-autoconf-exception',
    'GPL-3.0-with-GCC-exception', 'LGPL-2.0', 'LGPL-2.1', 'LGPL-3.0', 'NPL-1.0', 'NPL-1.1', 'OSL-1.0', 'OSL-1.1',
    'OSL-2.0', 'OSL-2.1', 'OSL-3.0', 'QPL-1.0', 'Sleepycat',
  ],
  reciprocal: [
    'APSL-1.0', 'APSL-1.1', 'APSL-1.2', 'APSL-2.0', 'CDDL-1.0', 'CDDL-1.1', 'CPL-1.0', 'EPL-1.0', 'EPL-2.0',
    'FreeImage', 'IPL-1.0', 'MPL-1.0', 'MPL-1.1', 'MPL-2.0', 'Ruby',
  ],
  notice: [
    'AFL-1.1', 'AFL-1.2', 'AFL-2.0', 'AFL-2.1', 'AFL-3.0', 'Apache-1.0', 'Apache-1.1', 'Apache-2.0',
    'Artistic-1.0-cl8', 'Artistic-1.0-Perl', 'Artistic-1.0', 'Artistic-2.0', 'BSL-1.0', 'BSD-1-Clause',
    'BSD-2-Clause-FreeBSD', 'BSD-2-Clause-NetBSD', 'BSD-2-Clause', 'BSD-3-Clause-Attribution', 'BSD-3-Clause-Clear',
    'BSD-3-Clause-LBNL', 'BSD-3-Clause', 'BSD-4-Clause', 'BSD-4-Clause-UC', 'BSD-Protection', 'CC-BY-1.0', 'CC-BY-2.0',
    'CC-BY-2.5', 'CC-BY-3.0', 'CC-BY-4.0', 'FTL', 'ISC', 'ImageMagick', 'Libpng', 'Lil-1.0', 'Linux-OpenIB',
    'LPL-1.02', 'LPL-1.0', 'MS-PL', 'MIT', 'NCSA', 'OpenSSL', 'PHP-3.01', 'PHP-3.0', 'PIL', 'Python-2.0',
    'Python-2.0-complete', 'PostgreSQL', 'SGI-B-1.0', 'SGI-B-1.1', 'SGI-B-2.0', 'Unicode-DFS-2015', 'Unicode-DFS-2016',
    'Unicode-TOU', 'UPL-1.0', 'W3C-19980720', 'W3C-20150513', 'W3C', 'X11', 'Xnet', 'Zend-2.0', 'zlib-acknowledgement',
    'Zlib', 'ZPL-1.1', 'ZPL-2.0', 'ZPL-2.1',
  ],
  permissive: [],
  unencumbered: ['CC0-1.0', 'Unlicense', '0BSD'],
};

/**
 * What a user decides about licenses. IDs are compared without case and without an `-only`,
 * `-or-later` or `+` suffix, as Trivy compares them.
 */
export interface LicensePolicy {
  /** IDs reported as forbidden (CRITICAL), whatever their default category. */
  forbidden?: readonly string[];
  /** IDs accepted: reported as permissive (LOW), whatever their default category. */
  allowed?: readonly string[];
  /**
   * By package name: a category for the package's license (`permissive` to accept it), or a
   * license expression that replaces the declared one (metadata that is wrong or missing).
   */
  overrides?: Readonly<Record<string, string>>;
}

/** The order in which categories are worse: AND takes the worst side, OR the best. */
const CATEGORY_RANK: Readonly<Record<Exclude<LicenseCategory, 'unknown'>, number>> = {
  unencumbered: 0, permissive: 1, notice: 2, reciprocal: 3, restricted: 4, forbidden: 5,
};

function baseId(id: string): string {
  return id.toLowerCase().replace(/(-only|-or-later|\+)$/, '');
}

function isCategory(value: string): value is LicenseCategory {
  return (LICENSE_CATEGORIES as readonly string[]).includes(value);
}

type ParsedSpdx = { license: string; plus?: true; exception?: string } | { left: ParsedSpdx; conjunction: 'and' | 'or'; right: ParsedSpdx };

/** A policy made ready to answer: the category of a license name or expression. */
export class LicenseCategorizer {
  private readonly byId = new Map<string, LicenseCategory>();
  private readonly overrides: ReadonlyMap<string, string>;

  constructor(policy: LicensePolicy = {}) {
    for (const [category, ids] of Object.entries(DEFAULT_CATEGORY_LISTS)) {
      for (const id of ids) this.byId.set(baseId(id), category as LicenseCategory);
    }
    for (const id of policy.forbidden ?? []) this.byId.set(baseId(id), 'forbidden');
    for (const id of policy.allowed ?? []) this.byId.set(baseId(id), 'permissive');
    this.overrides = new Map(Object.entries(policy.overrides ?? {}));
  }

  /** The license a package is taken to have: its override expression, else the declared one. */
  licenseOf(pkgName: string | undefined, declared: string): string {
    const override = pkgName === undefined ? undefined : this.overrides.get(pkgName);
    return override !== undefined && !isCategory(override) ? override : declared;
  }

  /** The category of a package's license (an override by category wins). */
  categorize(name: string, pkgName?: string): LicenseCategory {
    const override = pkgName === undefined ? undefined : this.overrides.get(pkgName);
    if (override !== undefined && isCategory(override)) return override;
    let parsed: ParsedSpdx | undefined;
    try {
      parsed = parseSpdx(name) as ParsedSpdx;
    } catch {
      return this.lookup(name);
    }
    return this.categoryOfTree(parsed);
  }

  private lookup(name: string): LicenseCategory {
    return this.byId.get(baseId(name)) ?? 'unknown';
  }

  private categoryOfTree(node: ParsedSpdx): LicenseCategory {
    if ('license' in node) {
      const id = node.license + (node.plus ? '+' : '');
      if (node.exception) {
        // Trivy looks `A WITH B` up as one name (its lists have a few); an exception only loosens A.
        const whole = this.lookup(`${node.license}-with-${node.exception}`);
        if (whole !== 'unknown') return whole;
      }
      return this.lookup(id);
    }
    const left = this.categoryOfTree(node.left);
    const right = this.categoryOfTree(node.right);
    if (left === 'unknown' || right === 'unknown') return 'unknown';
    const worse = CATEGORY_RANK[left] >= CATEGORY_RANK[right] ? left : right;
    const better = worse === left ? right : left;
    return node.conjunction === 'and' ? worse : better;
  }
}

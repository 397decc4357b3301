// Licenses of vendored Rust crates: `cargo vendor` copies each crate with its Cargo.toml and a
// `.cargo-checksum.json` beside it, and the `[package]` table's `license` is an SPDX expression
// (older crates write `MIT/Apache-2.0`). A Cargo.toml without that checksum file is a project's
// own manifest, not a dependency.
import { parse as parseToml } from 'smol-toml';
import { declaredLicenseFindings } from '../licenses/findings';
import { LineIndex } from '../text';
import type { Analyzer, Finding } from '../types';

const CHECKSUM = '.cargo-checksum.json';

export const cargoLicenseAnalyzer: Analyzer = {
  id: 'license-cargo',
  type: 'cargo',
  scanner: 'license',
  fileNames: ['Cargo.toml'],
  siblings: [CHECKSUM],
  inlineIgnores: true,
  fixes: 'none',
  analyze: input => ({ packages: [], findings: input.siblings?.has(CHECKSUM) ? vendoredCrateLicenses(input.content, input.path) : [] }),
};

export function vendoredCrateLicenses(content: string, path: string): Finding[] {
  let manifest: Record<string, unknown>;
  try {
    manifest = parseToml(content) as Record<string, unknown>;
  } catch {
    throw new Error('not a valid Cargo.toml: it is not valid TOML');
  }
  const pkg = manifest.package as Record<string, unknown> | undefined;
  if (!pkg || typeof pkg !== 'object' || typeof pkg.license !== 'string') return [];
  // The parse gave the value; its line is the `license` key's in the [package] table.
  const lines = new LineIndex(content, path);
  const section = content.search(/^\[package\]/m);
  const key = section < 0 ? -1 : content.slice(section).search(/^license\s*=/m);
  const start = key < 0 ? 0 : section + key;
  const end = content.indexOf('\n', start);
  return declaredLicenseFindings([pkg.license], typeof pkg.name === 'string' ? pkg.name : undefined, lines.range(start, end < 0 ? content.length : end));
}

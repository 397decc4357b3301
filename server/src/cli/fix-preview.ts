// `vigil config PATH --fix` (and `vigil fs ... --fix`): the mechanical fixes of the reported
// findings as one unified diff per file, written nowhere but stdout. Each file's diff follows `#`
// lines naming its fixes; `patch -p1` and `git apply`, run in PATH, pass over those lines.
import type { TextEditAt } from '../engine/fixes/edits';
import { unifiedDiff } from '../engine/fixes/diff';
import { escapeControl } from '../engine/text';
import type { Finding, ScanResult } from '../engine/types';
import { openDiskTarget } from '../engine/walker';

interface FilePlan {
  edits: TextEditAt[];
  shown: string[];
  left: string[];
}

function overlaps(a: TextEditAt, b: TextEditAt): boolean {
  return (a.offset < b.offset + b.length && b.offset < a.offset + a.length) || a.offset === b.offset;
}

/** The preview of every fix of the scan's reported findings: `#` lines and unified diffs. */
export async function fixPreview(scan: ScanResult, root: string): Promise<{ text: string; fixes: number }> {
  const findings: Finding[] = scan.results.flatMap(result => [...result.misconfigurations, ...result.secrets, ...result.licenses]).filter(finding => finding.fix);
  const plans = new Map<string, FilePlan>();
  // The same fix offered by several findings (one public access block for four S3 checks) is shown once.
  const seen = new Map<string, string[]>();
  for (const finding of findings) {
    const fix = finding.fix!;
    const key = JSON.stringify(fix.changes);
    const ids = seen.get(key);
    if (ids) {
      ids.push(finding.rule.id);
      continue;
    }
    seen.set(key, [finding.rule.id]);
  }
  for (const [key, ids] of seen) {
    const fix = findings.find(finding => JSON.stringify(finding.fix!.changes) === key)!.fix!;
    const label = `${fix.title} (${ids.join(', ')}${fix.safe ? '' : '; review before applying'})`;
    const clashes = fix.changes.some(change => change.edits.some(edit => (plans.get(change.file)?.edits ?? []).some(accepted => overlaps(accepted, edit))));
    for (const change of fix.changes) {
      const plan = plans.get(change.file) ?? { edits: [], shown: [], left: [] };
      plans.set(change.file, plan);
      if (clashes) {
        plan.left.push(`${label}: it changes what an earlier fix changes; run again after applying this diff`);
      } else {
        plan.edits.push(...change.edits);
        plan.shown.push(label);
      }
    }
  }
  const disk = await openDiskTarget(root);
  const out: string[] = [];
  let fixes = 0;
  for (const file of [...plans.keys()].sort()) {
    const plan = plans.get(file)!;
    const text = await disk.source.readText(file);
    const diff = unifiedDiff(file, text, plan.edits);
    fixes += plan.shown.length;
    out.push(`# ${file}: ${plan.shown.length} ${plan.shown.length === 1 ? 'fix' : 'fixes'}`);
    for (const label of plan.shown) out.push(`#   ${label}`);
    for (const label of plan.left) out.push(`#   not in this diff: ${label}`);
    out.push(...diff);
  }
  // Nothing read may drive the terminal; a tab is harmless there and keeps the diff applicable.
  return { text: out.map(line => `${line.split('\t').map(escapeControl).join('\t')}\n`).join(''), fixes };
}

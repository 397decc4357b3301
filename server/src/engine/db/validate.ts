// Checks an advisory read from a feed against the OSV schema's types (https://ossf.github.io/osv-schema/)
// and bounds what one record may hold. Feeds are hostile input: a record of the wrong shape is
// refused whole, with a message that names the field but never quotes the feed's content; a record
// that is merely too big is cut to the limits below, and the cuts are reported.
import type { OsvRecord } from '../osv';

/** Why a record was refused. The message names the record's ID (when it has a usable one) and the field. */
export class InvalidRecordError extends Error {}

/** What one record may hold. Real OSV records stay far below (the largest of the shared corpus: 22 affected entries, 1,132 versions, 46 events). */
export const RECORD_LIMITS = {
  affected: 2_000,
  rangesPerAffected: 100,
  eventsPerRange: 1_000,
  versionsPerAffected: 20_000,
  /** aliases, related, upstream, references, severity, credits. */
  listItems: 1_000,
  /** summary and details, in characters. */
  text: 64 * 1024,
  /** An ID, a name, a version, a URL... in characters. */
  shortString: 4 * 1024,
};

/** An ID usable in messages: printable ASCII without spaces, so it cannot forge terminal output. */
const PRINTABLE_ID = /^[\x21-\x7e]{1,256}$/;

/** An ID as a message may show it, or a placeholder when it is not printable. */
export function idForMessages(id: unknown): string {
  return typeof id === 'string' && PRINTABLE_ID.test(id) ? id : 'a record without a printable id';
}

export interface CheckedRecord {
  record: OsvRecord;
  /** What was cut to fit RECORD_LIMITS, one sentence each starting with the ID (empty when nothing was). */
  cuts: string[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

class Checker {
  readonly cuts: string[] = [];
  constructor(private readonly id: string) {}

  fail(field: string, expected: string): never {
    throw new InvalidRecordError(`${this.id}: "${field}" ${expected}`);
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string') this.fail(field, 'is not a string');
    if (value.length > RECORD_LIMITS.shortString) this.fail(field, `is longer than ${RECORD_LIMITS.shortString} characters`);
    return value;
  }

  text(value: unknown, field: string): string {
    if (typeof value !== 'string') this.fail(field, 'is not a string');
    if (value.length <= RECORD_LIMITS.text) return value;
    this.cuts.push(`${this.id}: "${field}" cut to ${RECORD_LIMITS.text} of its ${value.length} characters`);
    return value.slice(0, RECORD_LIMITS.text);
  }

  object(value: unknown, field: string): Json {
    if (!isObject(value)) this.fail(field, 'is not an object');
    return value;
  }

  /** A list, cut to `limit` items (with a note), each item checked by `item`. */
  list<T>(value: unknown, field: string, limit: number, item: (value: unknown, field: string) => T): T[] {
    if (!Array.isArray(value)) this.fail(field, 'is not a list');
    if (value.length > limit) this.cuts.push(`${this.id}: "${field}" cut to ${limit} of its ${value.length} items`);
    const kept = value.length > limit ? value.slice(0, limit) : value;
    return kept.map((element, i) => item(element, `${field}[${i}]`));
  }

  /** Copies `source` with each present field checked by its rule; unknown fields are kept as they are. */
  fields(source: Json, prefix: string, rules: Record<string, (value: unknown, field: string) => unknown>): Json {
    const result: Json = {};
    for (const key of Object.keys(source)) {
      const value = source[key];
      const rule = Object.prototype.hasOwnProperty.call(rules, key) ? rules[key] : undefined;
      // Absent and null optional fields are the same to every reader.
      if (rule && value === null) continue;
      const checked = rule ? rule(value, prefix + key) : value;
      // defineProperty: a `__proto__` key stays a plain field instead of setting the prototype.
      if (key === '__proto__') Object.defineProperty(result, key, { value: checked, enumerable: true, writable: true, configurable: true });
      else result[key] = checked;
    }
    return result;
  }
}

/**
 * Checks one value read from a feed. Returns the record (a copy, cut to RECORD_LIMITS where it held
 * more) and what was cut; throws InvalidRecordError when a field has the wrong type.
 */
export function checkOsvRecord(value: unknown): CheckedRecord {
  if (!isObject(value)) throw new InvalidRecordError('not an OSV record (not an object)');
  if (typeof value.id !== 'string' || value.id === '') throw new InvalidRecordError('not an OSV record (no id)');
  if (!PRINTABLE_ID.test(value.id)) throw new InvalidRecordError('not an OSV record (its id is not printable ASCII of at most 256 characters)');
  const c = new Checker(value.id);
  if (typeof value.modified !== 'string') c.fail('modified', 'is missing or not a string');

  const string = (v: unknown, f: string) => c.string(v, f);
  const strings = (v: unknown, f: string) => c.list(v, f, RECORD_LIMITS.listItems, string);
  const object = (v: unknown, f: string) => c.object(v, f);
  const severity = (v: unknown, f: string) => c.list(v, f, RECORD_LIMITS.listItems, (item, g) =>
    c.fields(c.object(item, g), `${g}.`, { type: string, score: string }));
  const event = (v: unknown, f: string) =>
    c.fields(c.object(v, f), `${f}.`, { introduced: string, fixed: string, last_affected: string, limit: string });
  const range = (v: unknown, f: string) => {
    const source = c.object(v, f);
    if (!('type' in source)) c.fail(`${f}.type`, 'is missing');
    if (!('events' in source)) c.fail(`${f}.events`, 'is missing');
    return c.fields(source, `${f}.`, {
      type: string,
      repo: string,
      events: (w, g) => c.list(w, g, RECORD_LIMITS.eventsPerRange, event),
      database_specific: object,
    });
  };
  const affected = (v: unknown, f: string) => c.fields(c.object(v, f), `${f}.`, {
    package: (w, g) => c.fields(c.object(w, g), `${g}.`, { ecosystem: string, name: string, purl: string }),
    severity,
    ranges: (w, g) => c.list(w, g, RECORD_LIMITS.rangesPerAffected, range),
    versions: (w, g) => c.list(w, g, RECORD_LIMITS.versionsPerAffected, string),
    ecosystem_specific: object,
    database_specific: object,
  });

  const record = c.fields(value, '', {
    schema_version: string,
    id: string,
    modified: string,
    published: string,
    withdrawn: string,
    aliases: strings,
    related: strings,
    upstream: strings,
    summary: (v, f) => c.text(v, f),
    details: (v, f) => c.text(v, f),
    severity,
    affected: (v, f) => c.list(v, f, RECORD_LIMITS.affected, affected),
    references: (v, f) => c.list(v, f, RECORD_LIMITS.listItems, (item, g) =>
      c.fields(c.object(item, g), `${g}.`, { type: string, url: string })),
    credits: (v, f) => c.list(v, f, RECORD_LIMITS.listItems, (item, g) =>
      c.fields(c.object(item, g), `${g}.`, { name: string, contact: strings, type: string })),
    database_specific: object,
  });
  return { record: record as unknown as OsvRecord, cuts: c.cuts };
}

/** The record as checkOsvRecord leaves it, or undefined when it fails: for records read back from a DB built before these checks. */
export function validStoredRecord(value: unknown): OsvRecord | undefined {
  try {
    return checkOsvRecord(value).record;
  } catch {
    return undefined;
  }
}

import { isMap, parseDocument } from 'yaml';
import { ReleaseError } from '../errors.js';
import { DIGEST_KEY, PINNED_AT_KEY } from './regions.js';

export const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** RFC 3339 in UTC to the second, e.g. 2026-12-06T14:30:00Z (what CEL's timestamp() parses). */
export const PINNED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** Non-empty value = the train leaves this region's pin alone; the value is the reason. */
export const HOLD_ANNOTATION = 'release.demo-app.dev/hold';
/** Non-empty value = this region may run a digest the standby never ran; the value is the reason. */
export const OVERRIDE_ANNOTATION = 'release.demo-app.dev/override';
/** Standby only: digests pinned there before the current one, newest first, space separated. */
export const EARLIER_ANNOTATION = 'release.demo-app.dev/earlier-digests';
/** How many earlier standby digests are remembered (a primary further behind needs an override). */
export const EARLIER_LIMIT = 10;

/** One region's release state, as read from its `release-pin.yaml` ConfigMap. */
export interface RegionPin {
  readonly digest: string;
  /** When `digest` was pinned (PINNED_AT format). */
  readonly pinnedAt: string;
  readonly hold: string | undefined;
  readonly override: string | undefined;
  readonly earlier: readonly string[];
}

export interface PinChange {
  /** New digest; undefined keeps the current one. */
  readonly digest?: string;
  /** Required with a new digest: when it is pinned (PINNED_AT format). */
  readonly pinnedAt?: string;
  /** A reason holds the region, `null` releases the hold, undefined keeps it. */
  readonly hold?: string | null;
  /** A reason records an override, `null` removes it, undefined keeps it. */
  readonly override?: string | null;
  /** Remember the replaced digest in `earlier-digests` (the standby's pins). */
  readonly rememberEarlier?: boolean;
}

function parse(source: string, fileName: string) {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) {
    throw new ReleaseError(`${fileName}: not valid YAML: ${doc.errors[0]?.message ?? ''}`);
  }
  if (doc.get('kind') !== 'ConfigMap' || doc.getIn(['metadata', 'name']) !== 'release-pin') {
    throw new ReleaseError(`${fileName}: expected the ConfigMap "release-pin"`);
  }
  return doc;
}

function annotation(value: unknown, fileName: string, key: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new ReleaseError(`${fileName}: metadata.annotations["${key}"] must be a string`);
  }
  return value;
}

/** Reads and checks a region pin file. Pure. */
export function readPin(source: string, fileName: string): RegionPin {
  const doc = parse(source, fileName);
  const digest = doc.getIn(['data', DIGEST_KEY]);
  if (typeof digest !== 'string' || !DIGEST.test(digest)) {
    throw new ReleaseError(
      `${fileName}: data.${DIGEST_KEY} must be "sha256:" followed by 64 lowercase hex characters, got ${JSON.stringify(digest ?? null)}`,
    );
  }
  const pinnedAt = doc.getIn(['data', PINNED_AT_KEY]);
  if (typeof pinnedAt !== 'string' || !PINNED_AT.test(pinnedAt)) {
    throw new ReleaseError(
      `${fileName}: data.${PINNED_AT_KEY} must be a UTC time like 2026-12-06T14:30:00Z, got ${JSON.stringify(pinnedAt ?? null)}`,
    );
  }
  const annotations = doc.getIn(['metadata', 'annotations']);
  const get = (key: string) =>
    annotation(isMap(annotations) ? annotations.get(key) : undefined, fileName, key);
  const earlier = (get(EARLIER_ANNOTATION) ?? '').split(/\s+/).filter((d) => d !== '');
  const bad = earlier.find((d) => !DIGEST.test(d));
  if (bad !== undefined) {
    throw new ReleaseError(`${fileName}: ${EARLIER_ANNOTATION} has "${bad}", not a sha256 digest`);
  }
  return {
    digest,
    pinnedAt,
    hold: get(HOLD_ANNOTATION),
    override: get(OVERRIDE_ANNOTATION),
    earlier,
  };
}

/**
 * Applies `change` to a region pin file and returns the new text, keeping comments and every other
 * field. Pure. The text is unchanged (and `changed` false) when nothing differs.
 */
export function updatePin(
  source: string,
  fileName: string,
  change: PinChange,
): { text: string; changed: boolean; before: RegionPin; after: RegionPin } {
  if (change.digest !== undefined && !DIGEST.test(change.digest)) {
    throw new ReleaseError(
      `--digest: expected "sha256:" followed by 64 lowercase hex characters, got "${change.digest}"`,
    );
  }
  for (const [flag, reason] of [
    ['--reason (hold)', change.hold],
    ['--override', change.override],
  ] as const) {
    if (typeof reason === 'string' && reason.trim() === '') {
      throw new ReleaseError(`${flag}: expected a non-empty reason`);
    }
  }
  const before = readPin(source, fileName);
  const doc = parse(source, fileName);
  const digest = change.digest ?? before.digest;
  if (digest !== before.digest) {
    if (change.pinnedAt === undefined || !PINNED_AT.test(change.pinnedAt)) {
      throw new ReleaseError(
        `pinnedAt: a new digest needs its pin time like 2026-12-06T14:30:00Z, got ${JSON.stringify(change.pinnedAt ?? null)}`,
      );
    }
    doc.setIn(['data', DIGEST_KEY], digest);
    doc.setIn(['data', PINNED_AT_KEY], change.pinnedAt);
    if (change.rememberEarlier === true) {
      const earlier = [before.digest, ...before.earlier.filter((d) => d !== digest)]
        .filter((d, i, all) => all.indexOf(d) === i)
        .slice(0, EARLIER_LIMIT);
      doc.setIn(['metadata', 'annotations', EARLIER_ANNOTATION], earlier.join(' '));
    }
  }
  const setOrDelete = (key: string, value: string | null | undefined) => {
    if (value === undefined) return;
    if (value === null) {
      if (doc.hasIn(['metadata', 'annotations', key]))
        doc.deleteIn(['metadata', 'annotations', key]);
      const annotations = doc.getIn(['metadata', 'annotations']);
      if (isMap(annotations) && annotations.items.length === 0)
        doc.deleteIn(['metadata', 'annotations']);
      return;
    }
    doc.setIn(['metadata', 'annotations', key], value.trim());
  };
  setOrDelete(HOLD_ANNOTATION, change.hold);
  setOrDelete(OVERRIDE_ANNOTATION, change.override);
  const text = doc.toString({ lineWidth: 0 });
  const after = readPin(text, fileName);
  const changed = JSON.stringify(after) !== JSON.stringify(before);
  return { text: changed ? text : source, changed, before, after };
}

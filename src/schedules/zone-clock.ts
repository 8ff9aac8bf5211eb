// Wall-clock time in an IANA zone and the instants it names, from the runtime's time-zone data. A wall-clock time
// is kept as the milliseconds a UTC clock showing the same digits would have, so calendar arithmetic on it is
// plain UTC arithmetic.

const MINUTE = 60_000;
const DAY = 86_400_000;

/** What a wall-clock time names in a zone: one instant, none (a spring-forward gap), or two (a repeated hour). */
export type WallTimeInstants =
  | { kind: 'once'; at: number }
  /** `jump`: the instant the clocks jumped over this time, which is the first one after the gap. */
  | { kind: 'gap'; jump: number }
  | { kind: 'twice'; first: number; second: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** The zone's offset from UTC at an instant, in milliseconds (+02:00 is 7,200,000). */
export function offsetAt(timeZone: string, instant: number): number {
  if (timeZone === 'UTC') return 0;
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) parts[part.type] = Number(part.value);
  const shown = Date.UTC(parts.year!, parts.month! - 1, parts.day, parts.hour, parts.minute, parts.second);
  // The formatter drops milliseconds, and a year before 100 would be read as 19xx: neither occurs in a schedule.
  return shown - (instant - (((instant % 1000) + 1000) % 1000));
}

/**
 * The instants a wall-clock time names. The zone's offsets a day either side are the only candidates, which
 * holds for every zone whose changes are more than a day apart (all of them since 1900).
 */
export function instantsOf(timeZone: string, wall: number): WallTimeInstants {
  const earlier = offsetAt(timeZone, wall - DAY);
  const later = offsetAt(timeZone, wall + DAY);
  const fits = (offset: number) => offsetAt(timeZone, wall - offset) === offset;
  if (earlier === later) return { kind: 'once', at: wall - earlier };
  const first = fits(earlier) ? wall - earlier : undefined;
  const second = fits(later) ? wall - later : undefined;
  if (first !== undefined && second !== undefined)
    return first === second ? { kind: 'once', at: first } : { kind: 'twice', first, second };
  if (first !== undefined || second !== undefined) return { kind: 'once', at: (first ?? second)! };
  return { kind: 'gap', jump: changeBetween(timeZone, wall - later, wall - earlier) };
}

/** The first instant after `from` whose offset differs from `from`'s, when it is before `to` (binary search). */
function changeBetween(timeZone: string, from: number, to: number): number {
  const startOffset = offsetAt(timeZone, from);
  let low = from;
  let high = to;
  // Offsets change on a whole second; the formatter shows no finer time.
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (offsetAt(timeZone, middle) === startOffset) low = middle;
    else high = middle;
  }
  return high;
}

/** A change of the zone's offset: the instant, and the offsets before and after it. */
export interface OffsetChange {
  at: number;
  before: number;
  after: number;
}

const changesCache = new Map<string, OffsetChange[]>();

/**
 * Every change of the zone's offset between two instants. Looked at a week apart, then searched to the second:
 * no zone changes its offset twice within a week.
 */
export function offsetChanges(timeZone: string, from: number, to: number): OffsetChange[] {
  const key = `${timeZone} ${from} ${to}`;
  const cached = changesCache.get(key);
  if (cached !== undefined) return cached;
  const changes: OffsetChange[] = [];
  const WEEK = 7 * DAY;
  let previous = offsetAt(timeZone, from);
  for (let at = from; at < to; at += WEEK) {
    const end = Math.min(at + WEEK, to);
    const next = offsetAt(timeZone, end);
    if (next !== previous) changes.push({ at: changeBetween(timeZone, at, end), before: previous, after: next });
    previous = next;
  }
  changesCache.set(key, changes);
  return changes;
}

/** `+02:00`, `-03:30`, `+12:45`. */
export function formatOffset(offset: number): string {
  const minutes = Math.round(Math.abs(offset) / MINUTE);
  const sign = offset < 0 ? '-' : '+';
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

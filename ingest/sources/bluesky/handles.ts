import { setTimeout as sleep } from "node:timers/promises";
import { isValidHandle } from "@atproto/syntax";
import { log } from "../../../runtime/log/index.ts";
import { isCount } from "../../normalise/index.ts";
import { backoffMs } from "../../sinks/retry.ts";
import type { NormalisedRecord } from "../../types.ts";

/** Bluesky's public AppView: unauthenticated reads such as `app.bsky.actor.getProfiles`. */
export const PUBLIC_APPVIEW = "https://public.api.bsky.app";
/** The lexicon's limit on `actors` per call. */
export const PROFILES_PER_CALL = 25;

export interface HandlesOptions {
  /** AppView origin (default the public one); tests pass their fake's. */
  appViewUrl?: string;
  /** A profile (handle, followers) is reused this long (default 1 h). */
  ttlMs?: number;
  /** Profiles kept at most (the oldest go first). */
  maxEntries?: number;
  /** At least this long between two calls (default 100 ms: 10 calls/s, well under the public limit). */
  minIntervalMs?: number;
  /** Attempts per call on 429, 5xx, a timeout or a network error (default 5), full-jitter backoff. */
  attempts?: number;
  /** One call's deadline, headers and body (default 10 s): a stuck or dripping AppView is cut off. */
  callTimeoutMs?: number;
  /**
   * How long one batch may wait for its profiles, calls, retries and throttling included (default
   * 15 s). Past it the batch goes on with the profiles it has; the rest are sent as unknown.
   */
  budgetMs?: number;
  /** The longest `Retry-After` honoured (default 60 s); a longer one is read as this. */
  maxRetryAfterMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  /** Profiles known in advance (a recorded replay); with `offline` the AppView is never called. */
  preload?: Readonly<Record<string, { handle: string; followers: number }>>;
  offline?: boolean;
}

/** What the profile lookups count, for the ingest summary (`IngestSummary.sourceStats`). */
export interface ProfileStats {
  profileCalls: number;
  profilesThrottled: number;
  /** Calls cut off at their deadline (`callTimeoutMs`). */
  profileCallsTimedOut: number;
  /** Profiles whose handle or follower count was not one (ignored). */
  invalidProfiles: number;
  /** Records sent with the DID as username and 0 followers: the AppView did not answer in time. */
  sentWithoutProfile: number;
}

interface Profile {
  handle: string | undefined;
  followers: number | undefined;
  at: number;
}

/** DIDs → handles and follower counts: identity events, then the AppView in batches of 25, cached. */
export interface Handles {
  known(did: string): string | undefined;
  identity(did: string, handle: string): void;
}

export class ProfileCache implements Handles {
  private readonly profiles = new Map<string, Profile>();
  private readonly url: string;
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly gapMs: number;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private nextCallAt = 0;
  /**
   * Calls made, 429 answers, calls cut off at their deadline, profiles the AppView answered with
   * values that are not a handle or a count (ignored), and lookups that gave up (the record went
   * out with the DID as username and 0 followers, and the profile is asked again for the next post).
   */
  readonly stats = { calls: 0, throttled: 0, timedOut: 0, invalid: 0, failed: 0 };

  constructor(private readonly o: HandlesOptions = {}) {
    this.url = (o.appViewUrl ?? PUBLIC_APPVIEW).replace(/\/+$/, "");
    this.ttlMs = o.ttlMs ?? 3_600_000;
    this.max = o.maxEntries ?? 200_000;
    this.gapMs = o.minIntervalMs ?? 100;
    this.fetch = o.fetch ?? fetch;
    this.now = o.now ?? Date.now;
    for (const [did, p] of Object.entries(o.preload ?? {}))
      this.remember(did, { handle: p.handle, followers: p.followers, at: Number.POSITIVE_INFINITY });
  }

  known(did: string): string | undefined {
    return this.profiles.get(did)?.handle;
  }

  /** An identity event: the handle changed (the follower count, if known, stays). */
  identity(did: string, handle: string): void {
    if (!isValidHandle(handle)) {
      this.stats.invalid++;
      return;
    }
    const p = this.profiles.get(did);
    if (p) p.handle = handle;
    else this.remember(did, { handle, followers: undefined, at: this.now() });
  }

  /** Fills handles and follower counts of the records' authors and referenced authors in place. */
  async enrich(records: NormalisedRecord[], signal: AbortSignal): Promise<void> {
    const now = this.now();
    const missing = new Set<string>();
    for (const r of records) {
      for (const did of [r.author_id, r.ref_author_id]) {
        if (!did) continue;
        const p = this.profiles.get(did);
        if (!p || p.followers === undefined || now - p.at > this.ttlMs) missing.add(did);
      }
    }
    const dids = this.o.offline ? [] : [...missing];
    const deadline = now + (this.o.budgetMs ?? 15_000);
    for (let i = 0; i < dids.length && !signal.aborted; i += PROFILES_PER_CALL)
      await this.fetchProfiles(dids.slice(i, i + PROFILES_PER_CALL), signal, deadline);
    for (const r of records) {
      const a = this.profiles.get(r.author_id);
      if (a?.handle) r.author_username = a.handle;
      if (a?.followers !== undefined) r.author_followers = a.followers;
      if (r.ref_author_id) {
        const b = this.profiles.get(r.ref_author_id);
        if (b?.handle) r.ref_author_username = b.handle;
        if (b?.followers !== undefined) r.ref_author_followers = b.followers;
      }
    }
  }

  private async fetchProfiles(dids: string[], signal: AbortSignal, deadline: number): Promise<void> {
    const q = new URLSearchParams();
    for (const d of dids) q.append("actors", d);
    const url = `${this.url}/xrpc/app.bsky.actor.getProfiles?${q}`;
    const attempts = this.o.attempts ?? 5;
    for (let attempt = 0; attempt < attempts && !signal.aborted; attempt++) {
      // Waiting past the batch's deadline (a long Retry-After, a backoff) would hold the stream.
      if (this.nextCallAt >= deadline) break;
      const wait = this.nextCallAt - this.now();
      this.nextCallAt = Math.max(this.now(), this.nextCallAt) + this.gapMs;
      if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => {});
      const left = deadline - this.now();
      if (left <= 0) break;
      // The deadline covers the body too: fetch's signal aborts a body that drips.
      const timeout = AbortSignal.timeout(Math.min(this.o.callTimeoutMs ?? 10_000, left));
      let status = 0;
      let retryAfterMs: number | undefined;
      try {
        this.stats.calls++;
        const res = await this.fetch(url, {
          signal: AbortSignal.any([signal, timeout]),
          headers: { accept: "application/json" },
        });
        status = res.status;
        if (res.ok) {
          this.store(dids, (await res.json()) as unknown);
          return;
        }
        await res.body?.cancel();
        if (status === 429) {
          this.stats.throttled++;
          retryAfterMs = retryAfter(res.headers, this.o.maxRetryAfterMs ?? 60_000);
        }
        // Other 4xx will not get better by asking again (a malformed DID, say).
        if (status < 500 && status !== 429) break;
      } catch (e) {
        if (signal.aborted) return;
        if (timeout.aborted) this.stats.timedOut++;
        log().debug({ err: String(e) }, "bluesky: getProfiles failed, retrying");
      }
      const delay = Math.max(
        retryAfterMs ?? 0,
        backoffMs(attempt, this.o.backoffBaseMs ?? 500, this.o.backoffMaxMs ?? 30_000),
      );
      // The whole client waits: other batches would only be throttled too.
      this.nextCallAt = Math.max(this.nextCallAt, this.now() + delay);
    }
    this.stats.failed += dids.length;
    log().warn(
      { profiles: dids.length },
      "bluesky: profiles unavailable, sent with 0 followers for now (asked again for the next post)",
    );
  }

  /** The counters for the ingest summary. */
  summary(): ProfileStats {
    const { calls, throttled, timedOut, invalid, failed } = this.stats;
    return {
      profileCalls: calls,
      profilesThrottled: throttled,
      profileCallsTimedOut: timedOut,
      invalidProfiles: invalid,
      sentWithoutProfile: failed,
    };
  }

  private store(dids: string[], body: unknown): void {
    const list = (body as { profiles?: unknown } | null)?.profiles;
    const at = this.now();
    const seen = new Set<string>();
    if (Array.isArray(list))
      for (const p of list) {
        if (typeof p !== "object" || p === null) continue;
        const { did, handle, followersCount } = p as Record<string, unknown>;
        if (typeof did !== "string" || !dids.includes(did)) continue;
        seen.add(did);
        const validHandle = typeof handle === "string" && isValidHandle(handle);
        const validCount = isCount(followersCount);
        if (!validHandle || !validCount) this.stats.invalid++;
        this.remember(did, {
          handle: validHandle && handle !== "handle.invalid" ? handle : this.known(did),
          followers: validCount ? followersCount : 0,
          at,
        });
      }
    // Deleted or suspended accounts are not returned: 0 followers, not asked again within the TTL.
    for (const d of dids) if (!seen.has(d)) this.remember(d, { handle: this.known(d), followers: 0, at });
  }

  private remember(did: string, p: Profile): void {
    this.profiles.delete(did);
    this.profiles.set(did, p);
    if (this.profiles.size > this.max) {
      const oldest = this.profiles.keys().next().value;
      if (oldest !== undefined) this.profiles.delete(oldest);
    }
  }
}

/** `Retry-After` in seconds, or the `ratelimit-reset` epoch seconds the AppView sends, at most `maxMs`. */
function retryAfter(h: Headers, maxMs: number): number | undefined {
  const after = Number(h.get("retry-after"));
  if (Number.isFinite(after) && after > 0) return Math.min(after * 1000, maxMs);
  const reset = Number(h.get("ratelimit-reset"));
  if (Number.isFinite(reset) && reset > 0) return Math.min(Math.max(0, reset * 1000 - Date.now()), maxMs);
  return undefined;
}

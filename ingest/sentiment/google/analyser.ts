import { v1, v2 } from "@google-cloud/language";
import type { ChannelCredentials } from "@grpc/grpc-js";
import { log } from "../../../runtime/log/index.ts";
import type { Sentiment, SentimentAnalyser } from "../../types.ts";
import { googleLanguage } from "./languages.ts";
import { backoffMs, RateLimiter, sleep } from "./pacing.ts";

export interface GoogleAnalyserOptions {
  /** API version: v2 (default) or v1. Both answer `documentSentiment { score, magnitude }`. */
  version?: "v1" | "v2";
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Quota to stay under, requests per minute (default 600, the project default; 0 = unlimited). */
  requestsPerMinute?: number;
  /** Attempts per text, the first included (default 4). */
  maxAttempts?: number;
  /** Backoff base and cap in ms (defaults 250 and 8,000), full jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Deadline of one request (default 10,000 ms). */
  timeoutMs?: number;
  /** Where the client connects; default Google's endpoint with the standard credential chain. */
  apiEndpoint?: string;
  port?: number;
  /** For a local fake: `grpc.credentials.createInsecure()`. */
  sslCreds?: ChannelCredentials;
  /** Injected for tests; default Math.random (jitter needs no reproducibility). */
  random?: () => number;
}

/** What the adapter counts, for progress lines and tests. */
export interface GoogleAnalyserMetrics {
  /** Requests sent, retries included. */
  requests: number;
  /** Requests that failed with a retryable code and were tried again. */
  retries: number;
  /** Texts that got null after the last attempt or a permanent error. */
  failed: number;
  /** Texts not sent: empty, or in a language Google cannot score. */
  skipped: number;
}

export interface GoogleAnalyser extends SentimentAnalyser {
  metrics(): GoogleAnalyserMetrics;
  /** Stops retries in progress and closes the gRPC channel. */
  close(): Promise<void>;
}

// gRPC status codes worth another try: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED (quota), ABORTED,
// INTERNAL, UNAVAILABLE (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
const RETRYABLE = new Set([4, 8, 10, 13, 14]);

type Client = InstanceType<typeof v1.LanguageServiceClient> | InstanceType<typeof v2.LanguageServiceClient>;

const codeOf = (e: unknown): number | undefined =>
  typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "number"
    ? (e as { code: number }).code
    : undefined;

/**
 * Google Cloud Natural Language `analyzeSentiment`, one request per text (billing is per 1,000
 * characters per request, so batching texts into one document would merge their sentiments
 * without saving money). Null — never an exception — for a text it could not score: an empty
 * text, an unsupported language, a permanent error, or retries used up; `metrics()` counts them.
 *
 * @example createGoogleAnalyser({ concurrency: 16, requestsPerMinute: 1800 })
 */
export function createGoogleAnalyser(options: GoogleAnalyserOptions = {}): GoogleAnalyser {
  const version = options.version ?? "v2";
  const clientOptions = {
    ...(options.apiEndpoint === undefined ? {} : { apiEndpoint: options.apiEndpoint }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.sslCreds === undefined ? {} : { sslCreds: options.sslCreds }),
  };
  const client: Client =
    version === "v1"
      ? new v1.LanguageServiceClient(clientOptions)
      : new v2.LanguageServiceClient(clientOptions);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const baseMs = options.backoffBaseMs ?? 250;
  const maxMs = options.backoffMaxMs ?? 8_000;
  const timeout = options.timeoutMs ?? 10_000;
  const random = options.random ?? Math.random;
  const limiter = new RateLimiter(options.requestsPerMinute ?? 600);
  const closing = new AbortController();
  const m: GoogleAnalyserMetrics = { requests: 0, retries: 0, failed: 0, skipped: 0 };

  /** A sentiment, or null when v2 says it detected a language it cannot score. */
  async function request(content: string, language: string | undefined): Promise<Sentiment | null> {
    // gax's own retries are off (`retry: null`): retries, backoff and pacing are ours, so they
    // are counted and share the rate limit.
    const call = { retry: null, timeout };
    const [res] =
      version === "v1"
        ? await (client as InstanceType<typeof v1.LanguageServiceClient>).analyzeSentiment(
            {
              document: { type: "PLAIN_TEXT", content, ...(language ? { language } : {}) },
              encodingType: "UTF8",
            },
            call,
          )
        : await (client as InstanceType<typeof v2.LanguageServiceClient>).analyzeSentiment(
            {
              document: { type: "PLAIN_TEXT", content, ...(language ? { languageCode: language } : {}) },
              encodingType: "UTF8",
            },
            call,
          );
    if ("languageSupported" in res && res.languageSupported === false) return null;
    const s = res.documentSentiment;
    const score = Math.max(-1, Math.min(1, Number(s?.score ?? 0)));
    const magnitude = Math.max(0, Number(s?.magnitude ?? 0));
    return { score, magnitude };
  }

  async function scoreOne(text: string, lang: string | null): Promise<Sentiment | null> {
    const language = googleLanguage(lang);
    if (text.trim() === "" || language === null) {
      m.skipped++;
      return null;
    }
    for (let attempt = 0; ; attempt++) {
      if (closing.signal.aborted) break;
      await limiter.take();
      m.requests++;
      try {
        const s = await request(text, language);
        if (s === null) m.skipped++;
        return s;
      } catch (e) {
        const code = codeOf(e);
        if (code === undefined || !RETRYABLE.has(code) || attempt + 1 >= maxAttempts) {
          // The text itself is not logged: it is user content.
          log().warn({ code, attempts: attempt + 1 }, "google sentiment failed; sending the record unscored");
          break;
        }
        m.retries++;
        await sleep(backoffMs(attempt, baseMs, maxMs, random), closing.signal);
      }
    }
    m.failed++;
    return null;
  }

  return {
    name: "google",
    metrics: () => ({ ...m }),
    async analyse(items) {
      const out: (Sentiment | null)[] = new Array(items.length).fill(null);
      let next = 0;
      const worker = async () => {
        while (next < items.length) {
          const i = next++;
          const it = items[i]!;
          out[i] = await scoreOne(it.text, it.lang);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
      return out;
    },
    async close() {
      closing.abort();
      await client.close();
    },
  };
}

import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { ApiResponseError, type ITwitterApiClientPlugin, TwitterApi } from "twitter-api-v2";
import { prerequisiteError, TrendsError, usageError } from "../../../runtime/errors/index.ts";

/** X's API host; the library has no base-URL option (and `cloneWithPrefix` is broken in 1.29.1). */
const X_API_ORIGIN = "https://api.x.com";

export interface XClientOptions {
  /** App-only bearer token (`X_BEARER_TOKEN`, setting `xBearerToken`). */
  bearerToken: string | undefined;
  /**
   * Another origin speaking X's API (a local fake in tests, a proxy): requests to
   * `https://api.x.com/2/…` go to `<apiUrl>/2/…` instead.
   */
  apiUrl?: string | undefined;
}

/**
 * A twitter-api-v2 client. With `apiUrl`, a plugin rewrites every request URL (plain and stream
 * requests have separate hooks) and an agent of the right protocol is passed, since the library
 * otherwise assumes https.
 */
export function createXClient(o: XClientOptions): TwitterApi {
  if (!o.bearerToken)
    throw prerequisiteError(
      "no X bearer token configured",
      "set X_BEARER_TOKEN (an app-only bearer token from the X developer portal)",
    );
  if (!o.apiUrl) return new TwitterApi(o.bearerToken);
  let base: URL;
  try {
    base = new URL(o.apiUrl);
  } catch {
    throw usageError(
      `--x-api-url ${JSON.stringify(o.apiUrl)} is not a URL`,
      "write it like http://127.0.0.1:8080",
    );
  }
  const rewrite = (url: string): string =>
    url.startsWith(X_API_ORIGIN)
      ? base.origin + base.pathname.replace(/\/$/, "") + url.slice(X_API_ORIGIN.length)
      : url;
  const urlRewriter: ITwitterApiClientPlugin = {
    onBeforeRequestConfig: ({ params }) => {
      params.url = rewrite(params.url);
    },
    onBeforeStreamRequestConfig: ({ params }) => {
      params.url = rewrite(params.url);
    },
  };
  const httpAgent = base.protocol === "http:" ? new HttpAgent() : new HttpsAgent();
  return new TwitterApi(o.bearerToken, { httpAgent, plugins: [urlRewriter] });
}

/** X's HTTP status of an API error, if it is one. */
export const httpStatusOf = (e: unknown): number | undefined =>
  e instanceof ApiResponseError ? e.code : undefined;

/** Maps an X API failure to a TrendsError naming the likely fix; other errors pass through. */
export function xApiError(e: unknown, what: string): unknown {
  const status = httpStatusOf(e);
  if (status === undefined) return e;
  const detail = e instanceof ApiResponseError ? (e.data.detail ?? e.data.title ?? e.message) : "";
  if (status === 401 || status === 403)
    return new TrendsError(`X rejected the bearer token while ${what} (${status}): ${detail}`, {
      exitCode: 3,
      fix: "check X_BEARER_TOKEN and that the app's project has filtered-stream access",
    });
  if (status === 429)
    return new TrendsError(`X rate limit while ${what} (429)`, { fix: "wait a few minutes and try again" });
  return new TrendsError(`X API error while ${what} (${status}): ${detail}`, { cause: e });
}

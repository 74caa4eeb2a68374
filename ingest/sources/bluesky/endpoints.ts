import { usageError } from "../../../runtime/errors/index.ts";

function parse(url: string, flag: string, example: string): URL {
  try {
    return new URL(url);
  } catch {
    throw usageError(`${flag} ${JSON.stringify(url)} is not a URL`, `write it like ${example}`);
  }
}

const JETSTREAM_EXAMPLE = "wss://jetstream1.us-east.bsky.network/subscribe";

/**
 * A `--jetstream-url` checked before anything connects: ws: or wss: only, and no userinfo. The
 * URL is logged on every reconnect (redacted, but a user name still shows), and Jetstream takes
 * no credentials in the URL; a proxy that needs them should get them another way.
 */
export function checkJetstreamUrl(url: string, flag = "--jetstream-url"): string {
  const u = parse(url, flag, JETSTREAM_EXAMPLE);
  if (u.protocol !== "ws:" && u.protocol !== "wss:")
    throw usageError(
      `${flag} must be a ws: or wss: URL, not ${u.protocol}`,
      `write it like ${JETSTREAM_EXAMPLE}`,
    );
  if (u.username || u.password)
    throw usageError(
      `${flag} must not carry a user name or password`,
      "drop the user:password@ part (Jetstream needs no credentials)",
    );
  return url;
}

/** An `--appview-url` checked before anything connects: http: or https: only. */
export function checkAppViewUrl(url: string, flag = "--appview-url"): string {
  const example = "https://public.api.bsky.app";
  const u = parse(url, flag, example);
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw usageError(`${flag} must be an http: or https: URL, not ${u.protocol}`, `write it like ${example}`);
  return url;
}

import { redactUrl } from "../runtime/config/index.ts";
import { isTrendsError, NETWORK_ERROR_CODES, TrendsError } from "../runtime/errors/index.ts";

/** PostgreSQL SQLSTATEs that mean "could not log in" (invalid authorization, password, database). */
const LOGIN = new Set(["28000", "28P01", "3D000"]);

/**
 * Turns the database failures a user can act on into one-line TrendsErrors (exit 1, external
 * failure) naming the server (password redacted) and the fix; anything else is returned as is.
 */
export function explainDatabaseError(e: unknown, url: string): unknown {
  if (isTrendsError(e) || !(e instanceof Error)) return e;
  const code = (e as { code?: string }).code ?? "";
  const where = redactUrl(url);
  if (NETWORK_ERROR_CODES.has(code) || /timeout expired|connection terminated/i.test(e.message)) {
    return new TrendsError(`cannot connect to the results database ${where}: ${e.message}`, {
      cause: e,
      fix: "check --database-url / DATABASE_URL, the network path and that the server is running",
    });
  }
  if (LOGIN.has(code)) {
    return new TrendsError(`the results database ${where} refused the login: ${e.message}`, {
      cause: e,
      fix: "check the user, password and database name in DATABASE_URL",
    });
  }
  if (code === "57014") {
    return new TrendsError(`a query on ${where} was cancelled: ${e.message}`, {
      cause: e,
      fix: "narrow the range, or raise TRENDS_DATABASE_STATEMENT_TIMEOUT_MS",
    });
  }
  if (/self[- ]signed|unable to verify|certificate|Hostname\/IP does not match/i.test(e.message)) {
    return new TrendsError(`TLS verification of ${where} failed: ${e.message}`, {
      cause: e,
      fix: "point TRENDS_DATABASE_CA_FILE at the CA bundle of the server (for RDS: global-bundle.pem)",
    });
  }
  if (/does not support SSL/i.test(e.message)) {
    return new TrendsError(`${where} does not accept TLS: ${e.message}`, {
      cause: e,
      fix: "remove sslmode from the URL for a local server (keep verify-full for RDS)",
    });
  }
  return e;
}

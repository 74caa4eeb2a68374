/**
 * The one redaction for URLs that are logged or printed (connect errors, the serve log, doctor,
 * JDBC URLs, step arguments). It hides the password of the userinfo and the value of every query
 * parameter that can carry a secret: libpq and pg honour `password=` and `sslpassword=` in a
 * database URL, `sslkey=` names the client's private key, and the dashboard's `token=`.
 */
export const SECRET_URL_PARAMS: readonly string[] = ["password", "sslpassword", "sslkey", "token"];

const SECRET = new Set(SECRET_URL_PARAMS);
const MASK = "***";

/** Whether a query parameter name carries a secret (case-insensitive: pg matches it exactly, a proxy may not). */
export const isSecretUrlParam = (name: string): boolean => SECRET.has(name.toLowerCase());

/**
 * A URL safe to print: the userinfo password and secret parameters become `***`. Handles
 * `jdbc:postgresql://…` too. What cannot be parsed is not printed at all.
 *
 * @example redactUrl("postgres://u:pw@h/db?sslmode=require&password=pw") // "postgres://u:***@h/db?sslmode=require&password=***"
 */
export function redactUrl(url: string): string {
  const jdbc = /^jdbc:/i.exec(url)?.[0] ?? "";
  let u: URL;
  try {
    u = new URL(url.slice(jdbc.length));
  } catch {
    return "[unparsable url]";
  }
  if (u.password) u.password = MASK;
  // Rewrite the query by hand: URLSearchParams would re-encode `***` and every other value.
  if (u.search) {
    u.search = u.search
      .slice(1)
      .split("&")
      .map((pair) => {
        const eq = pair.indexOf("=");
        const name = eq < 0 ? pair : pair.slice(0, eq);
        let decoded = name;
        try {
          decoded = decodeURIComponent(name.replace(/\+/g, " "));
        } catch {
          // A malformed escape: compare the raw name.
        }
        return isSecretUrlParam(decoded) ? `${name}=${MASK}` : pair;
      })
      .join("&");
  }
  return jdbc + u.toString();
}

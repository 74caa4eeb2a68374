import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

const ITERATIONS = 4096;

/**
 * A PostgreSQL SCRAM-SHA-256 password verifier, computed here so that the plain password never
 * reaches the server, its logs or pg_stat_statements — what psql's \password does (libpq
 * PQencryptPasswordConn). Format (RFC 5803, PostgreSQL's `pg_authid.rolpassword`):
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, base64.
 * https://www.postgresql.org/docs/current/catalog-pg-authid.html
 */
export function scramVerifier(
  password: string,
  salt: Buffer = randomBytes(16),
  iterations = ITERATIONS,
): string {
  // SASLprep is approximated by NFKC normalisation (its core step); plain ASCII is unchanged.
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  const b64 = (b: Buffer) => b.toString("base64");
  return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

/** Base64 and the format's separators only: safe between single quotes in DDL. */
export const SCRAM_PATTERN = /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;

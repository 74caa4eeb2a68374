import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { poolConfig } from "./connection.ts";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const caFile = join(mkdtempSync(join(tmpdir(), "trends-ca-")), "ca.pem");
writeFileSync(caFile, PEM);
const RDS = "postgres://app:pw@db.abc.eu-west-1.rds.amazonaws.com:5432/trends";

describe("poolConfig", () => {
  it("verify-full with a CA bundle: verifies chain and host name; TLS params leave the URL", () => {
    const c = poolConfig(`${RDS}?sslmode=verify-full`, { caFile, poolSize: 4, statementTimeoutMs: 5000 });
    expect(c.ssl).toEqual({ ca: PEM, rejectUnauthorized: true });
    expect(c.connectionString).toBe(RDS);
    expect(c.max).toBe(4);
    expect(c.statement_timeout).toBe(5000);
  });

  it("sslrootcert in the URL is the CA bundle when no setting is given", () => {
    const c = poolConfig(`${RDS}?sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}`);
    expect(c.ssl).toEqual({ ca: PEM, rejectUnauthorized: true });
  });

  it("require encrypts without verifying, as libpq does; verify-ca skips the host name", () => {
    expect(poolConfig(`${RDS}?sslmode=require`).ssl).toEqual({ rejectUnauthorized: false });
    const ca = poolConfig(`${RDS}?sslmode=verify-ca`, { caFile }).ssl as Record<string, unknown>;
    expect(ca.rejectUnauthorized).toBe(true);
    expect(ca.ca).toBe(PEM);
    expect(typeof ca.checkServerIdentity).toBe("function");
  });

  it("disable and allow: plain TCP; prefer or none: TLS first, unverified, as libpq; defaults", () => {
    for (const url of [`${RDS}?sslmode=disable`, `${RDS}?sslmode=allow`])
      expect(poolConfig(url).ssl).toBe(false);
    for (const url of [RDS, `${RDS}?sslmode=prefer`])
      expect(poolConfig(url).ssl).toEqual({ rejectUnauthorized: false });
    // Over a Unix socket libpq never uses TLS.
    expect(poolConfig("postgres:///db?host=/var/run/postgresql").ssl).toBe(false);
    const c = poolConfig(RDS);
    expect(c.max).toBe(10);
    expect(c.statement_timeout).toBe(30_000);
    expect(poolConfig(RDS, { statementTimeoutMs: 0 }).statement_timeout).toBeUndefined();
  });

  it("reads bigint as number and leaves other types to pg", () => {
    const types = poolConfig(RDS).types as {
      getTypeParser: (oid: number, f?: string) => (v: string) => unknown;
    };
    expect(types.getTypeParser(20)("9007199254740991")).toBe(9007199254740991);
    expect(types.getTypeParser(23)("42")).toBe(42);
    expect(types.getTypeParser(1700)("1.50")).toBe("1.50");
  });

  it("refuses client-certificate parameters instead of dropping them, without printing secrets", () => {
    for (const p of ["sslcert=/c.pem", "sslkey=/secret.key", "sslpassword=secret"]) {
      const e = (() => {
        try {
          poolConfig(`${RDS}?sslmode=verify-full&${p}&password=secret`);
        } catch (err) {
          return err as Error & { exitCode: number };
        }
      })();
      expect(e?.exitCode).toBe(2);
      expect(e?.message).toMatch(
        /asks for a client certificate \(ssl(cert|key|password)\), which trends does not support/,
      );
      expect(e?.message).not.toContain("secret");
    }
  });

  it("usage errors name the problem without the password", () => {
    expect(() => poolConfig(`${RDS}?sslmode=strict`)).toThrow(
      /sslmode="strict" in the database URL is not a libpq sslmode/,
    );
    expect(() => poolConfig(`${RDS}?sslmode=verify-full`, { caFile: "/nope/ca.pem" })).toThrow(
      /CA bundle \/nope\/ca.pem \(databaseCaFile \/ sslrootcert\) does not exist/,
    );
    expect(() => poolConfig("mysql://u:secret@h/db")).toThrow(
      /mysql:\/\/u:\*\*\*@h\/db is not a postgres:\/\/ URL/,
    );
    try {
      poolConfig("mysql://u:secret@h/db");
    } catch (e) {
      expect((e as Error).message).not.toContain("secret");
      expect((e as { exitCode: number }).exitCode).toBe(2);
    }
  });
});

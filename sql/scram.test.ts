import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SCRAM_PATTERN, scramVerifier } from "./scram.ts";

describe("scramVerifier", () => {
  it("reproduces the RFC 7677 exchange (user/pencil, salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 rounds)", () => {
    const v = scramVerifier("pencil", Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"));
    expect(v).toMatch(SCRAM_PATTERN);
    const [, salt, serverKey] = /^SCRAM-SHA-256\$4096:([^$]+)\$[^:]+:(.+)$/.exec(v)!;
    expect(salt).toBe("W22ZaJ0SNY7soEsUEjb6gQ==");
    // RFC 7677 §3: ServerSignature = HMAC(ServerKey, AuthMessage), sent as v=6rriTRBi23WpRR/….
    const nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${nonce},s=${salt},i=4096,c=biws,r=${nonce}`;
    const signature = createHmac("sha256", Buffer.from(serverKey!, "base64"))
      .update(authMessage)
      .digest("base64");
    expect(signature).toBe("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  });

  it("uses a fresh salt each time", () => {
    expect(scramVerifier("x")).not.toBe(scramVerifier("x"));
  });
});

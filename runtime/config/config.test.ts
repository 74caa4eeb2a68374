import { describe, expect, it } from "vitest";
import { loadConfig, redactUrl } from "./index.ts";

describe("loadConfig", () => {
  it("takes flags over env over defaults", () => {
    const s = loadConfig({
      env: { TRENDS_WINDOW_MINUTES: "30" },
      flags: { logLevel: "debug" },
      cwd: "/nonexistent",
    });
    expect(s.windowMinutes).toBe(30);
    expect(s.logLevel).toBe("debug");
    expect(s.latenessMinutes).toBe(10);
  });

  it("names the bad setting, where it came from and the rule", () => {
    expect(() => loadConfig({ env: { TRENDS_WINDOW_MINUTES: "7" }, cwd: "/nonexistent" })).toThrow(
      /invalid setting windowMinutes \(TRENDS_WINDOW_MINUTES="7"\): a number of minutes that divides a day/,
    );
  });

  it("never echoes a secret value", () => {
    let message = "";
    try {
      loadConfig({ env: { DATABASE_URL: "not a url with hunter2" }, cwd: "/nonexistent" });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("databaseUrl (DATABASE_URL)");
    expect(message).not.toContain("hunter2");
  });

  it("redacts passwords in URLs", () => {
    expect(redactUrl("postgres://u:secret@h:5432/db")).toBe("postgres://u:***@h:5432/db");
    // pg and libpq honour these parameters: a password there is as secret as in the userinfo.
    expect(
      redactUrl("postgres://u@h/db?sslmode=require&password=secret&sslpassword=secret&sslkey=%2Fsecret.pem"),
    ).toBe("postgres://u@h/db?sslmode=require&password=***&sslpassword=***&sslkey=***");
    expect(redactUrl("jdbc:postgresql://h:5432/db?PassWord=secret&user=u")).toBe(
      "jdbc:postgresql://h:5432/db?PassWord=***&user=u",
    );
    expect(redactUrl("postgres://h/db?pass%77ord=secret")).toBe("postgres://h/db?pass%77ord=***");
    expect(redactUrl("http://127.0.0.1:8080/?token=secret&topic=a")).toBe(
      "http://127.0.0.1:8080/?token=***&topic=a",
    );
    expect(redactUrl("not a url secret")).toBe("[unparsable url]");
  });
});

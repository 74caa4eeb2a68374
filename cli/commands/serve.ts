import { existsSync } from "node:fs";
import type { CommandModule } from "yargs";
import { resolveToken, serveUntilStopped } from "../../dashboard/index.ts";
import { DEFAULT_RULES_FILE, RulesFile } from "../../ingest/index.ts";
import { settingsFrom } from "../context.ts";
import { numberOption } from "../flags.ts";

interface ServeArgs {
  port: number;
  host: string;
  token?: string;
  "token-file"?: string;
  "secure-cookie": boolean;
  "trust-proxy": boolean;
  "database-url"?: string;
  "rules-file"?: string;
}

export const serve: CommandModule<object, ServeArgs> = {
  command: "serve",
  describe: "serve the dashboard (sentiment, influencers, words, alerts) and its read-only JSON API",
  builder: (y) =>
    y
      .option("port", {
        ...numberOption("--port", { min: 0, max: 65_535 }),
        default: 8080,
        describe: "TCP port (0 picks a free one)",
      })
      .option("host", {
        type: "string",
        default: "127.0.0.1",
        describe: "address to bind; anything but loopback needs --token",
      })
      .option("token", {
        type: "string",
        describe:
          "access token every request must carry (visible in ps: prefer --token-file or TRENDS_DASHBOARD_TOKEN)",
      })
      .option("token-file", {
        type: "string",
        describe: "read the access token from the first line of this file (chmod 600)",
      })
      .option("secure-cookie", {
        type: "boolean",
        default: false,
        describe: "mark the token cookie Secure (browsers reach the dashboard over HTTPS)",
      })
      .option("rules-file", {
        type: "string",
        describe: `the topics' local rules (default ./${DEFAULT_RULES_FILE} when present): the word cloud leaves their keywords out`,
      })
      .option("trust-proxy", {
        type: "boolean",
        default: false,
        describe: "behind a TLS proxy: X-Forwarded-Proto: https marks the cookie Secure",
      })
      .epilog(
        [
          "The dashboard reads --database-url, else TRENDS_DASHBOARD_DATABASE_URL (a read-only role),",
          "else DATABASE_URL, else the local PostgreSQL. A token needs 16+ printable characters and",
          "about 48 bits of entropy (`openssl rand -hex 24`). With a token, open the page once as",
          "http://HOST:PORT/?token=T (it is swapped for a cookie) or send `Authorization: Bearer T`.",
          "API: /api/topics, /api/sentiment, /api/influencers, /api/words[?keywords=omit], /api/alerts,",
          "/api/live, /api/metrics/NAME[?by=range|window&all_topics=true]",
          "(?topic=*&from=ISO&to=ISO[&limit=N]), /api/metrics, /api/health (dashboard/README.md).",
        ].join("\n"),
      ),
  handler: async (argv) => {
    const settings = settingsFrom(argv);
    const env = process.env;
    const token = resolveToken({
      flag: argv.token,
      file: argv["token-file"],
      env: env.TRENDS_DASHBOARD_TOKEN,
    });
    // The query's own keywords come from the topics' rules where a local rules file has them.
    const rulesFile = argv["rules-file"] ?? (existsSync(DEFAULT_RULES_FILE) ? DEFAULT_RULES_FILE : undefined);
    const rules = rulesFile === undefined ? [] : new RulesFile(rulesFile).list();
    await serveUntilStopped(settings, {
      rules,
      host: argv.host,
      port: argv.port,
      token,
      secureCookie: argv["secure-cookie"],
      trustProxy: argv["trust-proxy"],
      databaseUrl: argv["database-url"] ?? (env.TRENDS_DASHBOARD_DATABASE_URL || settings.databaseUrl),
      onListening: (s) => {
        process.stdout.write(`dashboard: ${s.url}${token === undefined ? "" : "?token=… (your token)"}\n`);
      },
    });
  },
};

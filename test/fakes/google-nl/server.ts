import { protos } from "@google-cloud/language";
import * as grpc from "@grpc/grpc-js";

/**
 * A local Cloud Natural Language server speaking real gRPC, built from the client package's own
 * protos, for v1 and v2 `AnalyzeSentiment`. Clients reach it with
 * `{ apiEndpoint: "127.0.0.1", port, sslCreds: grpc.credentials.createInsecure() }`.
 *
 * What it answers is decided by `respond`, given the request and how many times this exact text
 * was asked before (so "fail once, then succeed" is easy to script).
 */
export interface SentimentRequest {
  version: "v1" | "v2";
  content: string;
  language: string;
}

export type FakeAnswer = { score: number; magnitude: number } | { code: grpc.status; details?: string };

export interface FakeGoogleNl {
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: SentimentRequest[];
  close(): Promise<void>;
}

const V1 = protos.google.cloud.language.v1;
const V2 = protos.google.cloud.language.v2;

function method<Req, Res>(
  path: string,
  req: { decode(b: Uint8Array): Req; encode(m: Req): { finish(): Uint8Array } },
  res: { encode(m: Res): { finish(): Uint8Array }; decode(b: Uint8Array): Res },
): grpc.MethodDefinition<Req, Res> {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: (m) => Buffer.from(req.encode(m).finish()),
    requestDeserialize: (b) => req.decode(b),
    responseSerialize: (m) => Buffer.from(res.encode(m).finish()),
    responseDeserialize: (b) => res.decode(b),
  };
}

export async function startFakeGoogleNl(
  respond: (req: SentimentRequest, seenBefore: number) => FakeAnswer,
): Promise<FakeGoogleNl> {
  const server = new grpc.Server();
  const requests: SentimentRequest[] = [];
  const seen = new Map<string, number>();

  const answer = (req: SentimentRequest): FakeAnswer => {
    requests.push(req);
    const n = seen.get(req.content) ?? 0;
    seen.set(req.content, n + 1);
    return respond(req, n);
  };

  server.addService(
    {
      AnalyzeSentiment: method(
        "/google.cloud.language.v2.LanguageService/AnalyzeSentiment",
        V2.AnalyzeSentimentRequest,
        V2.AnalyzeSentimentResponse,
      ),
    },
    {
      AnalyzeSentiment: (
        call: grpc.ServerUnaryCall<protos.google.cloud.language.v2.AnalyzeSentimentRequest, unknown>,
        cb: grpc.sendUnaryData<protos.google.cloud.language.v2.IAnalyzeSentimentResponse>,
      ) => {
        const doc = call.request.document;
        const a = answer({ version: "v2", content: doc?.content ?? "", language: doc?.languageCode ?? "" });
        if ("code" in a) return cb({ code: a.code, details: a.details ?? "fake failure" });
        // Like the real v2 API: an undetectable or unsupported language is not an error, it is
        // `languageSupported: false` with a zero sentiment.
        const supported = !doc?.content?.startsWith("klingon");
        cb(null, {
          documentSentiment: supported ? a : { score: 0, magnitude: 0 },
          languageCode: doc?.languageCode || (supported ? "en" : "tlh"),
          languageSupported: supported,
        });
      },
    },
  );
  server.addService(
    {
      AnalyzeSentiment: method(
        "/google.cloud.language.v1.LanguageService/AnalyzeSentiment",
        V1.AnalyzeSentimentRequest,
        V1.AnalyzeSentimentResponse,
      ),
    },
    {
      AnalyzeSentiment: (
        call: grpc.ServerUnaryCall<protos.google.cloud.language.v1.AnalyzeSentimentRequest, unknown>,
        cb: grpc.sendUnaryData<protos.google.cloud.language.v1.IAnalyzeSentimentResponse>,
      ) => {
        const doc = call.request.document;
        const a = answer({ version: "v1", content: doc?.content ?? "", language: doc?.language ?? "" });
        if ("code" in a) return cb({ code: a.code, details: a.details ?? "fake failure" });
        cb(null, { documentSentiment: a, language: doc?.language || "en" });
      },
    },
  );

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    port,
    requests,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/**
 * A plausible default: positive for "good"/"love", negative for "bad"/"hate", else neutral. The
 * values are exact in float32 (the proto's type), so tests can compare them exactly.
 */
export function wordScores(req: SentimentRequest): FakeAnswer {
  const t = req.content.toLowerCase();
  const pos = /good|love|wonderful|bueno/.test(t);
  const neg = /bad|hate|worst/.test(t);
  if (pos && !neg) return { score: 0.75, magnitude: 1.5 };
  if (neg && !pos) return { score: -0.5, magnitude: 1.25 };
  return { score: 0, magnitude: 0.125 };
}

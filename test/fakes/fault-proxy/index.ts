import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What the proxy does to one PutRecordBatch call.
 * - `partial`: the entries for which `fail(i)` holds get ErrorCode `errorCode` and are NOT
 *   forwarded (FailedPutCount > 0 on a 200, as Firehose does); the rest reach moto. So a sink that
 *   resends exactly the failed entries produces no duplicates.
 * - `partial-forwarded`: everything is forwarded but the same entries are reported failed — the
 *   at-least-once case (Firehose may have stored a record it reported failed): resending them
 *   makes duplicates, which the Spark steps' dedup by `id` removes.
 * - `status`: an error response without forwarding (500 InternalFailure, 503/400 throttling).
 * - `reset`: the connection is destroyed before forwarding (a network error).
 */
export type Fault =
  | { kind: "partial"; fail: (index: number) => boolean; errorCode?: string }
  | { kind: "partial-forwarded"; fail: (index: number) => boolean; errorCode?: string }
  | { kind: "status"; status: number; errorType: string }
  | { kind: "reset" };

export const throttle: Fault = { kind: "status", status: 400, errorType: "ThrottlingException" };
export const unavailable: Fault = { kind: "status", status: 503, errorType: "ServiceUnavailableException" };
export const internal: Fault = { kind: "status", status: 500, errorType: "InternalFailure" };

export interface ProxyCall {
  records: number;
  fault: string;
  /** Entries forwarded to moto (and so stored in S3). */
  forwarded: number;
  /** Entries reported failed in RequestResponses. */
  reportedFailed: number;
}

export interface FaultProxy {
  readonly url: string;
  /** Faults for the next PutRecordBatch calls, in order; once used up, calls pass through. */
  plan(faults: readonly Fault[]): void;
  /** For the next `ms`, every PutRecordBatch call gets a reset connection (an outage). */
  outage(ms: number): void;
  readonly calls: ProxyCall[];
  close(): Promise<void>;
}

const PUT_RECORD_BATCH = "Firehose_20150804.PutRecordBatch";

/**
 * An HTTP proxy the suite owns, in front of moto, that injects Firehose faults moto cannot
 * produce (moto's FailedPutCount is always 0). Other requests (CreateDeliveryStream, S3) pass
 * through untouched. moto does not verify SigV4 signatures, so rewriting a body is harmless.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const up = new URL(upstream);
  const queue: Fault[] = [];
  const calls: ProxyCall[] = [];
  let outageUntil = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      handle(req, res, body).catch((e: unknown) => {
        res.writeHead(502).end(String(e));
      });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    if (req.headers["x-amz-target"] !== PUT_RECORD_BATCH) {
      const r = await forward(req, body);
      res.writeHead(r.status, r.headers).end(r.body);
      return;
    }
    const payload = JSON.parse(body.toString()) as {
      DeliveryStreamName: string;
      Records: { Data: string }[];
    };
    const n = payload.Records.length;
    if (Date.now() < outageUntil) {
      calls.push({ records: n, fault: "outage", forwarded: 0, reportedFailed: n });
      req.socket.destroy();
      return;
    }
    const fault = queue.shift();
    if (!fault) {
      const r = await forward(req, body);
      calls.push({ records: n, fault: "none", forwarded: r.status === 200 ? n : 0, reportedFailed: 0 });
      res.writeHead(r.status, r.headers).end(r.body);
      return;
    }
    switch (fault.kind) {
      case "reset":
        calls.push({ records: n, fault: "reset", forwarded: 0, reportedFailed: n });
        req.socket.destroy();
        return;
      case "status":
        calls.push({ records: n, fault: fault.errorType, forwarded: 0, reportedFailed: n });
        json(res, fault.status, { __type: fault.errorType, message: `injected ${fault.errorType}` });
        return;
      case "partial":
      case "partial-forwarded": {
        const failed = payload.Records.map((_, i) => fault.fail(i));
        const sent =
          fault.kind === "partial" ? payload.Records.filter((_, i) => !failed[i]) : payload.Records;
        let ids: string[] = [];
        if (sent.length > 0) {
          const r = await forward(req, Buffer.from(JSON.stringify({ ...payload, Records: sent })));
          if (r.status !== 200) {
            res.writeHead(r.status, r.headers).end(r.body);
            return;
          }
          ids = (
            JSON.parse(r.body.toString()) as { RequestResponses: { RecordId: string }[] }
          ).RequestResponses.map((x) => x.RecordId);
        }
        const code = fault.errorCode ?? "ServiceUnavailableException";
        let k = 0;
        const responses = payload.Records.map((_, i) => {
          const id = fault.kind === "partial" ? (failed[i] ? undefined : ids[k++]) : ids[i];
          return failed[i] ? { ErrorCode: code, ErrorMessage: `injected ${code}` } : { RecordId: id };
        });
        const reportedFailed = failed.filter(Boolean).length;
        calls.push({ records: n, fault: fault.kind, forwarded: sent.length, reportedFailed });
        json(res, 200, { FailedPutCount: reportedFailed, Encrypted: false, RequestResponses: responses });
        return;
      }
    }
  }

  function forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: up.host, "content-length": String(body.length) };
      const out = request(
        { host: up.hostname, port: up.port, method: req.method, path: req.url, headers },
        (r) => {
          const chunks: Buffer[] = [];
          r.on("data", (c: Buffer) => chunks.push(c));
          r.on("end", () => {
            const h = { ...r.headers };
            // The body may be re-encoded on its way back; let Node frame it.
            delete h["transfer-encoding"];
            delete h["content-length"];
            resolve({ status: r.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
          });
          r.on("error", reject);
        },
      );
      out.on("error", reject);
      out.end(body);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    plan: (faults) => {
      queue.push(...faults);
    },
    outage: (ms) => {
      outageUntil = Date.now() + ms;
    },
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.1",
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": "fault-proxy",
    ...(status >= 400 ? { "x-amzn-errortype": JSON.parse(body).__type } : {}),
  });
  res.end(body);
}

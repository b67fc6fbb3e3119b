// A real CRM answers in 80-300 ms, not the 1 ms a loopback stand-in takes, and how batches form
// depends on that: while a call is out, the next batch fills. `withLatency` holds a stand-in's
// handling back by half a round trip (the request on its way: the CRM counts it, and records a
// write, on arrival) and its answer by the other half. Each call draws rttMs + [0, jitterMs).
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Latency {
  /** The shortest round trip, ms. */
  rttMs: number;
  /** Up to this much more per call, uniformly drawn (80-300 ms: rttMs 80, jitterMs 220). */
  jitterMs?: number;
  /** [0, 1) for the jitter; default Math.random. */
  random?: () => number;
}

/** A request that went through withLatency: the round trip drawn for it, ms. */
export type RequestWithLatency = IncomingMessage & { latencyMs?: number };

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** `handler` delayed by the latency, when there is any; `skip` names requests answered at once (token endpoints). */
export function withLatency(
  handler: Handler,
  latency: Latency | undefined,
  skip?: (req: IncomingMessage) => boolean,
): Handler {
  if (!latency || (latency.rttMs <= 0 && !latency.jitterMs)) return handler;
  const random = latency.random ?? Math.random;
  return (req, res) => {
    if (skip?.(req)) return handler(req, res);
    const rtt = latency.rttMs + (latency.jitterMs ?? 0) * random();
    // The round trip drawn, for stand-ins that log when each request arrived (bench stage figures).
    (req as RequestWithLatency).latencyMs = rtt;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      setTimeout(() => end(...args), rtt / 2);
      return res;
    }) as ServerResponse['end'];
    setTimeout(() => handler(req, res), rtt / 2);
  };
}

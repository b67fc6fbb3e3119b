// Pure: what Salesforce must get back. Only HTTP 200 with <Ack>true</Ack> ends delivery; anything
// else (a fault, a non-200, Ack false) makes Salesforce retry the whole message with backoff for
// up to 24 hours, which is what we want when we could not store the events.
import type { AckResponse } from '../../src/connector.js';
import { isAppError } from '../../src/errors.js';

export const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8';

/** The acknowledgement, verbatim from the outbound messaging WSDL (notificationsResponse > Ack). */
export const ACK_TRUE = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
 <soapenv:Body>
  <notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">
   <Ack>true</Ack>
  </notificationsResponse>
 </soapenv:Body>
</soapenv:Envelope>
`;

export function soapAck(): AckResponse {
  return { status: 200, contentType: SOAP_CONTENT_TYPE, body: ACK_TRUE };
}

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/**
 * A SOAP 1.1 fault. A 4xx AppError is the sender's problem (soapenv:Client, its code and message);
 * anything else is ours (soapenv:Server, no detail: internals never leave the service).
 */
export function soapFault(err: unknown): AckResponse {
  const client = isAppError(err) && err.status < 500;
  const code = client ? 'soapenv:Client' : 'soapenv:Server';
  // A coded 503 (the database is down) keeps its status and says so: the CRM retries either way.
  const unavailable = isAppError(err) && err.status === 503;
  const reason =
    client || unavailable
      ? `${err.code}: ${err.message}${unavailable ? '; please retry' : ''}`
      : 'INTERNAL: the message was not stored; please retry';
  const body = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
 <soapenv:Body>
  <soapenv:Fault>
   <faultcode>${code}</faultcode>
   <faultstring>${escapeXml(reason)}</faultstring>
  </soapenv:Fault>
 </soapenv:Body>
</soapenv:Envelope>
`;
  return { status: client || unavailable ? err.status : 500, contentType: SOAP_CONTENT_TYPE, body };
}

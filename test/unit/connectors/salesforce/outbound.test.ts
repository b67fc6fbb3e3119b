import { describe, expect, it } from 'vitest';
import { createSalesforceConnector, soapFault, ACK_TRUE } from '../../../../connectors/salesforce/index.js';
import { AppError, errors } from '../../../../src/errors.js';
import { aSalesforceConfig, fixture, OUTBOUND_TOKEN } from './helpers.js';

const now = new Date('2025-07-15T21:13:00.000Z');
const connector = (over = {}) => createSalesforceConnector(aSalesforceConfig(over), { now: () => now });
const req = (file: string, token: string | null = OUTBOUND_TOKEN) => ({
  method: 'POST',
  url: `https://router.example/v1/webhooks/salesforce/${token}`,
  rawBody: fixture(`outbound/${file}`),
  headers: { 'content-type': 'text/xml; charset=utf-8' },
  ...(token === null ? {} : { params: { token } }),
});

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('salesforce outbound messages', () => {
  it('turns a single notification into a created event carrying the selected fields', () => {
    const sf = connector();
    sf.verifyRequest(req('lead-single.xml'), now);
    expect(sf.parseEvents(req('lead-single.xml'))).toEqual([
      {
        kind: 'created',
        sourceEventId: '04l5g00000FgHiJAAV',
        record: { crm: 'salesforce', objectType: 'Lead', id: '00Q5g00000LmNoPEAV' },
        occurredAt: '2025-07-15T21:12:05.000Z',
        fields: {
          Id: '00Q5g00000LmNoPEAV',
          Company: 'Acme Corp',
          Country: 'US',
          Email: 'pat.lee@acme.example',
          FirstName: 'Pat',
          LastModifiedDate: '2025-07-15T21:12:05.000Z',
          LastName: 'Lee',
          LeadSource: 'Web',
          OwnerId: '00G5g000001WxYzEAK',
          Status: 'Open - Not Contacted',
        },
      },
    ]);
  });

  it('decodes the predefined XML entities in field values (Company AT&amp;T is AT&T)', () => {
    const body = fixture('outbound/lead-single.xml').replace(
      '<sf:Company>Acme Corp</sf:Company>',
      '<sf:Company>AT&amp;T &lt;Labs&gt; &quot;R&amp;D&quot; &apos;x&apos;</sf:Company>',
    );
    expect(body).toContain('AT&amp;T');
    const [event] = connector().parseEvents({ ...req('lead-single.xml'), rawBody: body });
    expect(event).toMatchObject({ fields: { Company: `AT&T <Labs> "R&D" 'x'` } });
  });

  it('parses a batch of 100 notifications in order, one event each', () => {
    const events = connector().parseEvents(req('lead-batch-100.xml'));
    expect(events).toHaveLength(100);
    expect(events[0]).toMatchObject({ sourceEventId: '04l5g00000Fg0000AAV', record: { id: '00Q5g00000Lm0000AAV' } });
    expect(events[99]).toMatchObject({ sourceEventId: '04l5g00000Fg0099AAV', record: { id: '00Q5g00000Lm0099AAV' } });
    expect(new Set(events.map((e) => e.sourceEventId)).size).toBe(100);
  });

  it('refuses more than 100 notifications, naming the path', () => {
    const e = thrown(() => connector().parseEvents(req('lead-batch-101.xml')));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.details?.errors).toEqual([
      {
        path: 'body.Envelope.Body.notifications.Notification',
        message: 'has 101 entries; Salesforce sends at most 100',
      },
    ]);
  });

  it('rejects malformed XML with VALIDATION_FAILED at path body', () => {
    const e = thrown(() => connector().parseEvents(req('lead-malformed.xml')));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.status).toBe(400);
    expect(e.details?.errors?.[0]?.path).toBe('body');
    expect(e.message).toMatch(/not well-formed XML at line \d+/);
  });

  it('names the missing element of a structurally wrong message', () => {
    const body = fixture('outbound/lead-single.xml').replace('<sf:Id>00Q5g00000LmNoPEAV</sf:Id>', '');
    const e = thrown(() => connector().parseEvents({ ...req('lead-single.xml'), rawBody: body }));
    expect(e.details?.errors).toEqual([
      { path: 'body.Envelope.Body.notifications.Notification[0].sObject.Id', message: 'is required' },
    ]);
  });

  it('refuses a message from another org with UNAUTHORIZED', () => {
    const e = thrown(() => connector().verifyRequest(req('lead-wrong-org.xml'), now));
    expect(e).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(e.message).toContain('00D6h000001AbCdEAK');
  });

  it('accepts the 15-character form of the configured org id', () => {
    expect(() =>
      connector({ organizationId: '00D5g000004XyZa' }).verifyRequest(req('lead-single.xml'), now),
    ).not.toThrow();
  });

  it('refuses a missing or wrong path token without echoing the expected one', () => {
    expect(thrown(() => connector().verifyRequest(req('lead-single.xml', null), now))).toMatchObject({
      code: 'UNAUTHORIZED',
      status: 401,
    });
    const wrong = thrown(() =>
      connector().verifyRequest(req('lead-single.xml', 'outbound-path-token-0123456789abcdeX'), now),
    );
    expect(wrong).toMatchObject({
      code: 'SIGNATURE_INVALID',
      status: 401,
      details: { errors: [{ path: 'params.token', message: 'does not match' }] },
    });
    expect(JSON.stringify({ m: wrong.message, d: wrong.details })).not.toContain(OUTBOUND_TOKEN);
  });

  it('reads an owner-change outbound message as ownerChanged when the config says so', () => {
    const events = connector({ ownerChangeOutboundObjects: ['Lead'] }).parseEvents(req('lead-owner-change.xml'));
    expect(events).toEqual([
      {
        kind: 'ownerChanged',
        sourceEventId: '04l5g00000FgHiJAAV',
        record: { crm: 'salesforce', objectType: 'Lead', id: '00Q5g00000LmNoPEAV' },
        occurredAt: '2025-07-15T21:12:05.000Z',
        newOwnerId: '00G5g000001WxYzEAK',
        changedBy: '0055g000003QrSuAAK',
      },
    ]);
  });

  it('answers with exactly the WSDL acknowledgement', () => {
    const expected = fixture('outbound/ack.xml')
      .replace(/<\?xml[^>]*>\n/, '')
      .replace(/<!--[\s\S]*?-->\n/, '');
    const ack = connector().ackResponse!([]);
    expect(ack).toEqual({ status: 200, contentType: 'text/xml; charset=utf-8', body: expected });
    expect(ack.body).toBe(ACK_TRUE);
  });

  it('answers a client error with a SOAP fault and a server error without internals', () => {
    const client = soapFault(errors.validation([{ path: 'body', message: 'not <xml>' }]));
    expect(client.status).toBe(400);
    expect(client.body).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(client.body).toContain('<faultstring>VALIDATION_FAILED: body: not &lt;xml&gt;</faultstring>');
    const server = soapFault(new Error('db password=hunter2 refused'));
    expect(server.status).toBe(500);
    expect(server.body).toContain('<faultcode>soapenv:Server</faultcode>');
    expect(server.body).not.toContain('hunter2');
  });

  it('answers our database being down with a 503 Server fault that says to retry', () => {
    const fault = soapFault(errors.notReady('the database'));
    expect(fault.status).toBe(503);
    expect(fault.body).toContain('<faultcode>soapenv:Server</faultcode>');
    expect(fault.body).toContain('<faultstring>NOT_READY: the database is not reachable; please retry</faultstring>');
  });
});

// Reps, pools and rules as a form: the draft's routing section as fields an admin fills in,
// and the pure step that writes a posted form back into the document. Only the fields the form
// sent change; everything else in the document (schedules, conditions, accounts) is kept as is.
// A value that is not a number where one is expected is kept as typed, so validation names it at
// its path and line rather than the form quietly dropping it.
import type { FormBody } from './auth.js';
import { html, type Html } from './html.js';
import { csrfField, type PageContext } from './layout.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

export const repNumbers = ['weight', 'capPerDay', 'capPerWeek', 'maxOpen'] as const;
const strategies = ['round_robin', 'weighted_round_robin', 'least_loaded', 'least_recently_assigned'];

const one = (body: FormBody, key: string): string | undefined => {
  const v = body[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
};

function setNumber(target: Obj, key: string, raw: string | undefined): void {
  if (raw === undefined) return;
  const t = raw.trim();
  if (t === '') delete target[key];
  else target[key] = /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

function setText(target: Obj, key: string, raw: string | undefined): void {
  if (raw === undefined) return;
  const t = raw.trim();
  if (t === '') delete target[key];
  else target[key] = t;
}

/** The document with the posted form applied (a copy; the input is not changed). */
export function applyRoutingForm(document: unknown, body: FormBody): unknown {
  const doc = structuredClone(isObj(document) ? document : {});
  const routing = isObj(doc.routing) ? doc.routing : (doc.routing = {});
  const reps = list(routing.reps);
  reps.forEach((rep, i) => {
    const at = `reps[${i}]`;
    setText(rep, 'name', one(body, `${at}.name`));
    setText(rep, 'email', one(body, `${at}.email`));
    if (one(body, `${at}.present`) !== undefined) rep.active = one(body, `${at}.active`) !== undefined;
    for (const k of repNumbers) setNumber(rep, k, one(body, `${at}.${k}`));
  });
  const newId = one(body, 'newRep.id')?.trim();
  if (newId) {
    const rep: Obj = { id: newId, crmIds: {} };
    setText(rep, 'name', one(body, 'newRep.name'));
    setText(rep, 'email', one(body, 'newRep.email'));
    routing.reps = [...(Array.isArray(routing.reps) ? routing.reps : []), rep];
  }
  list(routing.pools).forEach((pool, i) => {
    const strategy = one(body, `pools[${i}].strategy`);
    if (strategy !== undefined) pool.strategy = strategy;
    const members = one(body, `pools[${i}].members`);
    if (members !== undefined)
      pool.members = members
        .split(/[\s,]+/)
        .map((m) => m.trim())
        .filter(Boolean);
  });
  const rules = Array.isArray(routing.rules) ? [...(routing.rules as unknown[])] : [];
  rules.forEach((rule, i) => {
    const pool = one(body, `rules[${i}].pool`);
    if (pool !== undefined && isObj(rule) && isObj(rule.action) && 'pool' in rule.action) rule.action.pool = pool;
  });
  // Reorder by the positions typed (ties keep their order); a rule without one keeps its place.
  const position = (i: number) => {
    const p = Number(one(body, `rules[${i}].position`));
    return Number.isFinite(p) ? p : i + 1;
  };
  if (rules.length)
    routing.rules = rules
      .map((r, i) => ({ r, p: position(i), i }))
      .sort((a, b) => a.p - b.p || a.i - b.i)
      .map((x) => x.r);
  return doc;
}

const value = (v: unknown) => (v === undefined || v === null ? '' : String(v));

function repRows(reps: Obj[], withText: boolean): Html {
  return html`${reps.map((r, i) => {
    const at = `reps[${i}]`;
    const id = value(r.id);
    const num = (k: string, label: string) =>
      html`<td data-label="${label}">
        <input name="${at}.${k}" value="${value(r[k])}" inputmode="decimal" aria-label="${label} of ${id}" class="w6" />
      </td>`;
    return html`<tr>
      <th scope="row">${id}<input type="hidden" name="${at}.present" value="1" /></th>
      ${
        withText
          ? html`<td data-label="Name">
                <input name="${at}.name" value="${value(r.name)}" aria-label="Name of ${id}" />
              </td>
              <td data-label="Email">
                <input name="${at}.email" value="${value(r.email)}" type="email" aria-label="Email of ${id}" />
              </td>`
          : ''
      }
      <td data-label="Active">
        <input
          type="checkbox"
          name="${at}.active"
          ${r.active === false ? '' : html`checked`}
          aria-label="${id} is active"
        />
      </td>
      ${num('weight', 'Weight')}${num('capPerDay', 'Cap per day')}${num('capPerWeek', 'Cap per week')}${num('maxOpen', 'Max open')}
    </tr>`;
  })}`;
}

/** The reps table: name and email too on the draft form; weights and caps only on the reps page. */
export function repTable(reps: Obj[], withText: boolean): Html {
  return html`<div class="table-wrap">
    <table class="stack">
      <thead>
        <tr>
          <th>Rep</th>
          ${
            withText
              ? html`<th>Name</th>
                  <th>Email</th>`
              : ''
          }
          <th>Active</th>
          <th>Weight</th>
          <th>Cap per day</th>
          <th>Cap per week</th>
          <th>Max open</th>
        </tr>
      </thead>
      <tbody>
        ${repRows(reps, withText)}
      </tbody>
    </table>
  </div>`;
}

export function routingForm(ctx: PageContext, action: string, document: unknown): Html {
  const routing = isObj(document) && isObj(document.routing) ? document.routing : {};
  const pools = list(routing.pools);
  const poolIds = pools.map((p) => value(p.id));
  const rules = Array.isArray(routing.rules) ? (routing.rules as unknown[]) : [];
  return html`<form method="post" action="${action}">
    ${csrfField(ctx)}
    <h2>Reps</h2>
    ${repTable(list(routing.reps), true)}
    <fieldset>
      <legend>Add a rep</legend>
      <div class="filters">
        <p><label for="new-id">Id</label><input id="new-id" name="newRep.id" pattern="[A-Za-z0-9_.:-]+" /></p>
        <p><label for="new-name">Name</label><input id="new-name" name="newRep.name" /></p>
        <p><label for="new-email">Email</label><input id="new-email" name="newRep.email" type="email" /></p>
      </div>
    </fieldset>
    <h2>Pools</h2>
    <div class="table-wrap">
      <table class="stack">
        <thead>
          <tr>
            <th>Pool</th>
            <th>Strategy</th>
            <th>Members (comma separated)</th>
          </tr>
        </thead>
        <tbody>
          ${pools.map(
            (p, i) =>
              html`<tr>
                <th scope="row">${value(p.id)}</th>
                <td data-label="Strategy">
                  <select name="pools[${i}].strategy" aria-label="Strategy of ${value(p.id)}">
                    ${strategies.map((s) => html`<option ${p.strategy === s ? html`selected` : ''}>${s}</option>`)}
                  </select>
                </td>
                <td data-label="Members">
                  <input
                    name="pools[${i}].members"
                    value="${Array.isArray(p.members) ? p.members.join(', ') : ''}"
                    aria-label="Members of ${value(p.id)}"
                  />
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <h2>Rules</h2>
    <div class="table-wrap">
      <table class="stack">
        <thead>
          <tr>
            <th>Position</th>
            <th>Rule</th>
            <th>When</th>
            <th>Pool</th>
          </tr>
        </thead>
        <tbody>
          ${rules.map((r, i) => {
            const rule = isObj(r) ? r : {};
            const action = isObj(rule.action) ? rule.action : {};
            const id = value(rule.id);
            return html`<tr>
              <td data-label="Position">
                <input
                  name="rules[${i}].position"
                  value="${i + 1}"
                  inputmode="numeric"
                  aria-label="Position of ${id}"
                  class="w4"
                />
              </td>
              <th scope="row">${id}</th>
              <td data-label="When"><code>${JSON.stringify(rule.when ?? null)}</code></td>
              <td data-label="Pool">
                ${
                  'pool' in action
                    ? html`<select name="rules[${i}].pool" aria-label="Pool of ${id}">
                        ${[...new Set([...poolIds, value(action.pool)])].map(
                          (p) => html`<option ${p === action.pool ? html`selected` : ''}>${p}</option>`,
                        )}
                      </select>`
                    : html`<code>${JSON.stringify(action)}</code>`
                }
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
    <p class="muted">Conditions, schedules and everything else: edit the YAML.</p>
    <div class="actions"><button type="submit">Save to the draft</button></div>
  </form>`;
}

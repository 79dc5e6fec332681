/**
 * Who may call each documented route: ONE ENTRY PER ROUTE of the OpenAPI document (`/docs/json`), keyed
 * `METHOD /path/{param}`. tests/integration/route-matrix.test.ts calls every route as every caller (anonymous,
 * admin token, admin, leader, township officer, industry association, viewer) and fails for a route without an
 * entry here. Adding a route: add its line below, in the group of its file.
 *
 * - `{ action }`: the action of src/core/permissions.ts the route needs. Anonymous callers get 401, roles
 *   without the action 403 (both before the body is looked at); the others pass. For GET routes a scoped caller
 *   (township officer, association) must not see anything outside its reach (names, phone numbers, chat ids).
 * - `scope: 'city'` with `why`: the route shows the whole city's data by design (no reach check on its answer).
 * - `params` / `query`: what to put in the path and query (default: ids that do not exist). Point reads at an
 *   out-of-scope record so the scope check means something.
 * - `public`, `signedIn`, `simulator` (admins only, 401 for others), `metrics` (token or loopback only: 403),
 *   `signed` (a partner's signature, no session or token: 401 for every caller here).
 */
import type { Action } from '../../src/core/permissions.js'

/** What the matrix seeds; `params` and `query` pick from it. */
export interface MatrixIds {
  /** a hazard in the other township (红山街道), at a catering business */
  hazardOther: string
  /** a person of the other township's business, with a phone number */
  personOther: number
  businessOther: number
}

export type RouteRule =
  | { public: true; why: string }
  /** a machine caller proving itself by a signature of the request (no session, no token): everyone else 401 */
  | { signed: true; why: string }
  | { signedIn: true }
  | { simulator: true }
  | { metrics: true }
  | {
      action: Action
      scope?: 'city'
      why?: string
      params?: (ids: MatrixIds) => Record<string, string | number>
      query?: Record<string, string>
    }

const city = (action: Action, why: string): RouteRule => ({ action, scope: 'city', why })

export const ROUTE_RULES: Record<string, RouteRule> = {
  // src/http/ops-routes.ts
  'GET /health/live': { public: true, why: 'probes' },
  'GET /health': { public: true, why: 'probes' },
  'GET /health/ready': { public: true, why: 'probes' },
  'GET /metrics': { metrics: true },

  // src/http/privacy-routes.ts
  'GET /api/people/{id}/personal-data': { action: 'privacy.export', params: (i) => ({ id: i.personOther }) },
  'POST /api/people/{id}/erase': { action: 'privacy.erase' },

  // src/http/admin-routes.ts
  'GET /api/jurisdictions': city('admin.read', 'the names of the townships, nothing else'),
  'POST /api/jurisdictions': { action: 'admin.manage' },
  'GET /api/businesses': { action: 'admin.read' },
  'POST /api/businesses': { action: 'admin.manage' },
  'GET /api/people': { action: 'admin.read' },
  'POST /api/people': { action: 'admin.manage' },
  'POST /api/people/{id}/bind-codes': { action: 'admin.manage' },
  'GET /api/bind-codes': { action: 'admin.manage' },
  'GET /api/hazards': { action: 'admin.read' },
  'GET /api/hazards/{code}': { action: 'admin.read', params: (i) => ({ code: i.hazardOther }) },
  'POST /api/hazards/{code}/transfer-result': { action: 'hazard.transfer_result' },
  'GET /api/attachments/{sha256}': { action: 'admin.read' },

  // src/http/content-routes.ts
  'GET /api/content': city('admin.read', 'the safety tips and cases pushed to every group'),
  'POST /api/content': { action: 'content.manage' },
  'PATCH /api/content/{id}': { action: 'content.manage' },
  'POST /api/content/{id}/retire': { action: 'content.manage' },
  'GET /api/calendar': city('admin.read', 'the key periods of the year, one calendar for the city'),
  'PUT /api/calendar/{key}/{year}': { action: 'content.manage' },
  'DELETE /api/calendar/{key}/{year}': { action: 'content.manage' },
  'GET /api/duty-rosters': { action: 'admin.read' },
  'PUT /api/duty-rosters/{key}/{year}': { action: 'content.manage' },
  'POST /api/alerts/weather': { action: 'alert.weather' },

  // src/http/notice-routes.ts
  'POST /api/notices': { action: 'notice.send' },
  'GET /api/notices': { action: 'notice.view' },
  'GET /api/notices/{code}': { action: 'notice.view' },
  'POST /api/tasks': { action: 'task.assign' },
  'GET /api/tasks': { action: 'task.view' },
  'GET /api/tasks/{code}': { action: 'task.view' },
  'POST /api/notices/preview': { action: 'notice.send' },
  'POST /api/notices/{code}/remind': { action: 'notice.send' },
  'GET /api/notices/{code}/export.csv': { action: 'notice.view' },
  'GET /api/outbox/dead': { action: 'outbox.view' },
  'POST /api/outbox/{id}/retry': { action: 'outbox.manage' },

  // src/http/push-plan-routes.ts
  'GET /api/push-plan': city('outbox.view', 'what the scheduler sends to every group; only city-wide roles may view the outbox'),
  'GET /api/outbox': city('outbox.view', 'the outbox of every channel; only city-wide roles may view it'),

  // src/http/programme-routes.ts
  'GET /api/checklists': city('programme.read', 'the self-check checklists, the same for every business'),
  'GET /api/selfchecks': { action: 'programme.read' },
  'GET /api/selfchecks/missing': { action: 'programme.read' },
  'POST /api/trainings': { action: 'programme.manage' },
  'GET /api/trainings': { action: 'programme.read' },
  'GET /api/trainings/coverage': { action: 'programme.read' },
  'GET /api/trainings/{code}/roster': { action: 'programme.read', params: () => ({ code: 'P999999' }) },
  'GET /api/responsibility': { action: 'programme.read' },
  'GET /api/responsibility/coverage': { action: 'programme.read' },
  'POST /api/responsibility/{id}/verify': { action: 'responsibility.verify' },
  'POST /api/inspections': { action: 'programme.manage' },
  'GET /api/inspections': { action: 'programme.read' },
  'POST /api/inspections/{id}/record': { action: 'programme.manage' },
  'POST /api/exhibitions': { action: 'programme.manage' },
  'GET /api/exhibitions': { action: 'programme.read' },
  'PUT /api/exhibitions/{id}/documents/{doc}': { action: 'programme.manage' },
  'POST /api/exhibitions/{id}/documents/{doc}/file': { action: 'programme.manage' },
  'POST /api/exhibitions/{id}/decision': { action: 'programme.manage' },
  'POST /api/policy-exclusions': { action: 'programme.manage' },
  'GET /api/policy-exclusions': { action: 'programme.read' },
  'POST /api/policy-exclusions/{id}/lift': { action: 'programme.manage' },
  'PUT /api/gas-conversions/{id}': { action: 'programme.manage' },
  'GET /api/gas-conversions': { action: 'programme.read' },
  'GET /api/commendations/candidates': { action: 'programme.read' },
  'POST /api/commendations': { action: 'commendation.publish' },

  // src/http/console-routes.ts
  'POST /console/sign-in': { public: true, why: 'signing in' },
  'POST /console/sign-out': { public: true, why: 'signing out ends only the caller’s own session' },
  'GET /console/api/me': { signedIn: true },
  'GET /console/api/options': city('admin.read', 'the words of the filters: townships, industries, categories'),
  'GET /console/api/hazards/{code}': { action: 'hazard.view', params: (i) => ({ code: i.hazardOther }) },
  'GET /console/api/hazards/{code}/photos/{sha256}': { action: 'hazard.view', params: (i) => ({ code: i.hazardOther }) },
  'POST /console/api/hazards/{code}/accept': { action: 'hazard.accept' },
  'POST /console/api/hazards/{code}/verify': { action: 'hazard.verify' },
  'POST /console/api/hazards/{code}/transfer': { action: 'hazard.transfer' },
  'POST /console/api/hazards/{code}/transfer-result': { action: 'hazard.transfer_result' },
  'POST /console/api/hazards/{code}/void': { action: 'hazard.void' },
  'GET /console/api/businesses': { action: 'admin.read' },
  'POST /console/api/businesses': { action: 'admin.manage' },
  'PUT /console/api/businesses/{id}': { action: 'admin.manage' },
  'GET /console/api/people': { action: 'admin.manage' },
  'POST /console/api/people': { action: 'admin.manage' },
  'PUT /console/api/people/{id}': { action: 'admin.manage' },
  'POST /console/api/people/{id}/bind-code': { action: 'admin.manage' },
  'POST /console/api/people/{id}/credentials': { action: 'admin.manage' },
  'GET /console/api/groups': { action: 'admin.read' },
  'GET /console/api/audit': { action: 'audit.read' },

  // src/http/plan-routes.ts
  'GET /api/plans': city('programme.read', 'the plan files themselves'),
  'POST /api/plans': { action: 'admin.manage' },
  'GET /api/plans/{key}': city('programme.read', 'the plan files themselves'),
  'PUT /api/plans/{key}': { action: 'admin.manage' },
  'PATCH /api/plans/{key}': { action: 'admin.manage' },
  'GET /api/plan/targets': { action: 'programme.read' },
  'POST /api/plan/milestones': { action: 'programme.manage' },
  'GET /api/plan/milestones': city('programme.read', 'the plan’s milestones are the whole city’s'),

  // src/http/document-routes.ts
  'GET /api/documents/summary.docx': { action: 'programme.read' },
  'GET /api/documents/monthly.docx': { action: 'programme.read' },
  'GET /api/stats/table.docx': { action: 'ledger.export' },
  'GET /api/reports': { action: 'programme.read' },
  'GET /api/reports/{id}/file': { action: 'programme.read' },
  'POST /api/reports/monthly': { action: 'programme.manage' },

  // src/http/ledger-routes.ts
  'GET /api/ledger': { action: 'admin.read' },
  'GET /api/ledger/export.csv': { action: 'ledger.export' },
  'GET /api/ledger/export.xlsx': { action: 'ledger.export' },
  'GET /api/stats/overview': { action: 'admin.read' },
  'GET /api/stats/table': { action: 'admin.read' },
  'GET /api/stats/table.xlsx': { action: 'ledger.export' },
  'GET /api/charts/weekly.png': { action: 'admin.read' },
  'POST /api/businesses/import': { action: 'admin.manage' },

  // src/http/sim-routes.ts
  'GET /sim/api/state': { simulator: true },
  'POST /sim/api/contacts': { simulator: true },
  'POST /sim/api/groups': { simulator: true },
  'POST /sim/api/messages': { simulator: true },
  'GET /sim/api/transcript': { simulator: true },
  'GET /sim/api/devices': { simulator: true },
  'POST /sim/api/devices/{id}/events': { simulator: true },

  // src/http/register-routes.ts
  'GET /api/association-issues': { action: 'help' },
  'POST /api/association-issues': { action: 'association.issue' },
  'POST /api/association-issues/{id}/decision': { action: 'association.approve' },
  'PUT /api/association-issues/approval': { action: 'association.approve' },
  'GET /api/accidents': { action: 'programme.read' },
  'POST /api/accidents': { action: 'programme.manage' },
  'PUT /api/accidents/{id}': { action: 'programme.manage' },
  'DELETE /api/accidents/{id}': { action: 'programme.manage' },
  'GET /api/licences': { action: 'programme.read' },
  'POST /api/licences': { action: 'programme.manage' },
  'PUT /api/licences/{id}': { action: 'programme.manage' },
  'GET /api/drills': { action: 'programme.read' },
  'POST /api/drills': { action: 'programme.manage' },
  'GET /api/drills/coverage': { action: 'programme.read' },
  'PUT /api/drills/{id}': { action: 'programme.manage' },
  'GET /api/zones': { action: 'programme.read' },
  'POST /api/zones': { action: 'programme.manage' },
  'PUT /api/zones/{id}': { action: 'programme.manage' },
  'GET /api/zones/{id}/record': { action: 'programme.read' },
  'GET /api/zones/{id}/record.xlsx': { action: 'ledger.export' },
  'GET /api/campaigns': city('programme.read', 'the campaigns themselves: names and dates, the same for the city'),
  'POST /api/campaigns': { action: 'programme.manage' },
  'PUT /api/campaigns/{id}': { action: 'programme.manage' },
  'GET /api/campaigns/{id}/stats': { action: 'admin.read' },
  'POST /api/campaigns/{id}/inspections': { action: 'programme.manage' },
  'GET /api/regulations': { action: 'programme.read' },
  'PUT /api/regulations/{id}': { action: 'content.manage' },
  'POST /api/regulations/{id}/push': { action: 'content.manage' },
  'GET /api/import/templates/hazards.xlsx': { action: 'admin.read' },
  'POST /api/import/hazards': { action: 'admin.manage' },
  'GET /api/policy-supports': { action: 'programme.read' },
  'GET /api/policy-supports/figures': { action: 'programme.read' },
  'POST /api/policy-supports': { action: 'programme.manage' },
  'PUT /api/policy-supports/{id}': { action: 'programme.manage' },
  'GET /api/publicity': { action: 'programme.read' },
  'GET /api/publicity/summary': { action: 'programme.read' },
  'POST /api/publicity': { action: 'programme.manage' },
  'PUT /api/publicity/{id}': { action: 'programme.manage' },
  'GET /api/import/history/{kind}/template.xlsx': { action: 'admin.read', params: () => ({ kind: 'inspections' }) },
  'GET /api/import/history/{kind}/export.xlsx': { action: 'admin.manage', params: () => ({ kind: 'responsibility' }) },
  'POST /api/import/history/{kind}': { action: 'admin.manage', params: () => ({ kind: 'trainings' }) },

  // src/http/sensor-routes.ts
  'POST /api/sensors/push': { signed: true, why: 'vendors sign each push with HMAC (SENSOR_HTTP_KEYS)' },
  'GET /api/sensors/devices': { action: 'admin.read' },
  'POST /api/sensors/devices': { action: 'admin.manage' },
  'POST /api/sensors/devices/import': { action: 'admin.manage' },
  'GET /api/sensors/stats': { action: 'admin.read' },
  'DELETE /api/sensors/devices/{id}': { action: 'admin.manage' },
  'GET /api/sensors/alarms': { action: 'admin.read' },
  'POST /api/sensors/alarms/{id}/answer': { action: 'hazard.accept' },

  // src/http/wecom-admin-routes.ts
  'GET /api/wecom/groups': { action: 'admin.read' },
  'PUT /api/wecom/groups/{id}/webhook': { action: 'admin.manage' },
  'POST /api/wecom/robot-groups': { action: 'admin.manage' },
}

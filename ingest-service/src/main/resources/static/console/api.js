// The API key and the reviewer's name live in this tab's session storage; every /v1/ call sends the key.

const KEY = 'guardian.apiKey';
const REVIEWER = 'guardian.reviewer';

export const CATEGORIES = ['PROFANITY', 'HATE_SPEECH', 'SEXUAL', 'INSULT', 'VIOLENCE_OR_THREAT', 'GRAPHIC',
  'HARASSMENT_OR_ABUSE'];
export const LABELS = ['clean', ...CATEGORIES.map(c => c.toLowerCase())];

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  set key(value) { value ? sessionStorage.setItem(KEY, value) : sessionStorage.removeItem(KEY); },
  get reviewer() { return sessionStorage.getItem(REVIEWER) || ''; },
  set reviewer(value) { sessionStorage.setItem(REVIEWER, value); },
};

/** The key was refused: the console signs out and asks for it again. */
export class Unauthorized extends Error {}

/** A refusal the API explained (application/problem+json): title, detail and the fix when it gives one. */
export class Problem extends Error {
  constructor(status, problem) {
    super([problem.title || `HTTP ${status}`, problem.detail, problem.fix && `Fix: ${problem.fix}.`]
      .filter(Boolean).join(' — '));
    this.status = status;
    this.problem = problem;
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(handler) { onUnauthorized = handler; }

/** The request with the key; a 401 anywhere signs out. */
export async function send(path, { method = 'GET', headers = {}, body, signal } = {}) {
  const response = await fetch(path, {
    method, body, signal, cache: 'no-store',
    headers: { 'X-Api-Key': session.key || '', Accept: 'application/json', ...headers },
  });
  if (response.status === 401) {
    const problem = await response.json().catch(() => ({}));
    onUnauthorized(problem.title ? `${problem.title}: ${problem.detail}` : 'The API key was not accepted.');
    throw new Unauthorized();
  }
  return response;
}

export async function getJson(path, options) {
  const response = await send(path, options);
  if (!response.ok) {
    throw new Problem(response.status, await response.json().catch(() => ({ title: `HTTP ${response.status}` })));
  }
  return response.json();
}

export const api = {
  calls: params => getJson(`/v1/calls?${params}`),
  call: id => getJson(`/v1/calls/${encodeURIComponent(id)}`),
  review: (callId, segmentId, label, reviewer) =>
    getJson(`/v1/calls/${encodeURIComponent(callId)}/segments/${encodeURIComponent(segmentId)}/review`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-Reviewer': reviewer },
      body: JSON.stringify({ label }),
    }),
};

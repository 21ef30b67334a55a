// The call list: GET /v1/calls with its filters, a page at a time ("More calls" follows nextCursor).

import { api, CATEGORIES, Unauthorized } from './api.js';
import { actionBadge, audioTime, callLink, el, instant } from './dom.js';

const PAGE = 50;

export class CallList {
  constructor({ form, rows, empty, more, problem }) {
    this.form = form;
    this.rows = rows;
    this.empty = empty;
    this.more = more;
    this.problem = problem;
    this.cursor = null;
    const categories = form.elements.category;
    for (const category of CATEGORIES) categories.append(el('option', { value: category }, category));
    form.addEventListener('submit', event => {
      event.preventDefault();
      this.search();
    });
    form.addEventListener('reset', () => setTimeout(() => this.search()));
    more.addEventListener('click', () => this.load(false));
  }

  /** The filters as query parameters; dates are whole UTC days, as the API reads them. */
  params() {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(this.form)) {
      if (String(value).trim()) params.set(name, String(value).trim());
    }
    params.set('limit', PAGE);
    return params;
  }

  search() {
    return this.load(true);
  }

  async load(fresh) {
    const params = this.params();
    if (!fresh && this.cursor) params.set('cursor', this.cursor);
    this.problem.hidden = true;
    this.more.disabled = true;
    try {
      const page = await api.calls(params);
      const fragment = document.createDocumentFragment();
      for (const call of page.items) fragment.append(callRow(call));
      if (fresh) this.rows.replaceChildren(fragment);
      else this.rows.append(fragment);
      this.cursor = page.nextCursor;
      this.more.hidden = !page.nextCursor;
      this.empty.hidden = this.rows.rows.length > 0;
    } catch (e) {
      if (e instanceof Unauthorized) return;
      this.problem.textContent = e.message;
      this.problem.hidden = false;
    } finally {
      this.more.disabled = false;
    }
  }

  clear() {
    this.rows.replaceChildren();
    this.cursor = null;
    this.more.hidden = true;
    this.empty.hidden = true;
  }
}

function callRow(call) {
  return el('tr', { class: `action-row-${(call.action || 'none').toLowerCase()}`, dataset: { callId: call.callId } },
    el('td', {}, instant(call.startedAt)),
    el('td', {}, callLink(call.callId)),
    el('td', {}, el('span', { class: `status status-${call.status}`, title: call.failure || null }, call.status)),
    el('td', {}, call.language || '—'),
    el('td', {}, actionBadge(call.action)),
    el('td', {}, (call.categories || []).join(', ') || '—'),
    el('td', { class: 'number' }, call.segments),
    el('td', { class: 'number' }, audioTime(call.audioMs || 0)));
}

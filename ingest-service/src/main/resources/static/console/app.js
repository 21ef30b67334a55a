// The console: signing in and out, and routes in the URL fragment (#/live, #/calls, #/calls/<callId>).

import { api, Problem, session, Unauthorized, whenUnauthorized } from './api.js';
import { CallList } from './calls.js';
import { CallView } from './call.js';
import { EscalationAlert, LiveList } from './live.js';

const $ = id => document.getElementById(id);

const alert = new EscalationAlert({ banner: $('alert'), text: $('alert-text'), dismiss: $('alert-dismiss'), mute: $('mute') });
const live = new LiveList({ rows: $('live-rows'), empty: $('live-empty'), status: $('feed-status'), clear: $('live-clear'), alert });
const calls = new CallList({ form: $('call-filters'), rows: $('call-rows'), empty: $('calls-empty'), more: $('calls-more'), problem: $('calls-problem') });
const call = new CallView({ title: $('call-title'), body: $('call-body'), reviewer: $('reviewer') });

const reviewer = $('reviewer');
reviewer.value = session.reviewer;
reviewer.addEventListener('input', () => { session.reviewer = reviewer.value.trim(); });

whenUnauthorized(message => signOut(message));

$('sign-out').addEventListener('click', () => signOut('Signed out.'));

$('key-form').addEventListener('submit', async event => {
  event.preventDefault();
  const input = $('api-key');
  session.key = input.value.trim();
  input.value = '';
  try {
    await api.calls(new URLSearchParams({ limit: 1 })); // proves the key before anything else runs
  } catch (e) {
    if (!(e instanceof Unauthorized)) signOut(e instanceof Problem ? e.message : `The API is unreachable: ${e.message}`);
    return;
  }
  signedIn();
});

function signedIn() {
  $('sign-in').hidden = true;
  $('session').hidden = false;
  live.start();
  calls.search();
  route();
}

/** Forgets the key, stops the feed and shows the key form with why. */
function signOut(message) {
  session.key = null;
  live.stop();
  calls.clear();
  $('live-rows').replaceChildren();
  $('alert').hidden = true;
  $('session').hidden = true;
  $('overview').hidden = true;
  $('call').hidden = true;
  $('call-body').replaceChildren();
  $('sign-in').hidden = false;
  const note = $('sign-in-message');
  note.textContent = message || '';
  note.hidden = !message;
  $('api-key').focus();
}

function route() {
  if (!session.key) return;
  const hash = location.hash || '#/';
  const callMatch = hash.match(/^#\/calls\/(.+)$/);
  $('overview').hidden = Boolean(callMatch);
  $('call').hidden = !callMatch;
  if (callMatch) {
    call.show(decodeURIComponent(callMatch[1]));
    $('call-title').focus();
  } else if (hash === '#/live' || hash === '#/calls') {
    $(`${hash.slice(2)}-title`).focus();
  }
}

window.addEventListener('hashchange', route);

if (session.key) signedIn();
else signOut();

// The page: the chat's rooms (chat.js), a fetch panel and the TCP echo's lines, over the bus.
// Everything that came from outside is put in the page as text (textContent), never as markup.
import {BusError, TandemBus, randomId} from './eventbus.js';
import {isRoomAddress, logLine, refusedRoom, startChat} from './chat.js';

const MAX_ECHO_LINES = 500; // older lines go, so a chatty server cannot grow the page forever
// the bridge gives up on a request after 30 s; a batch's own deadline comes first
const FETCH_DEADLINE_MS = 25000;
const SUBSCRIBE_TIMEOUT_MS = 10000;

const $ = id => document.getElementById(id);

let bus = null; // once connected: see the end of this file
let fetching = false;

// ---- the token -----------------------------------------------------------------------------

/**
 * A Tandem with auth.tokensFile wants a token for the bus. The page asks for it and keeps it in
 * memory only: not in storage, not in a cookie (which another site's page could ride on), so a
 * reload asks again. Resolves with the token, null when none is needed, undefined when the bus is
 * not to be had with any token (protected mode, say: the page says why).
 */
async function tokenIfNeeded() {
  let token = null;
  for (;;) {
    const probe = new URL('../eventbus/info', location.href);
    if (token !== null) {
      probe.searchParams.set('access_token', token);
    }
    let answer;
    try {
      answer = await fetch(probe, {cache: 'no-store'});
    } catch (e) {
      return token; // not reachable now: the bus's own retries say so
    }
    if (answer.ok) {
      return token;
    }
    const error = await answer.json().then(body => body.error, () => `HTTP ${answer.status}`);
    if (!answer.headers.has('WWW-Authenticate')) {
      $('state').textContent = `not allowed: ${error}`;
      return undefined;
    }
    token = await askToken(token === null ? 'This Tandem wants a token to use the bus.' : `Not allowed: ${error}`);
  }
}

function askToken(message) {
  const form = $('token-form');
  note($('token-note'), message);
  form.hidden = false;
  $('token').focus();
  return new Promise(resolve => {
    form.addEventListener('submit', event => {
      event.preventDefault();
      const token = $('token').value.trim();
      $('token').value = '';
      form.hidden = true;
      resolve(token);
    }, {once: true});
  });
}

// ---- the bus -------------------------------------------------------------------------------

/** What the page does with the bus once it has one: the state line, refusals, the subscriptions. */
function wire(bus) {
  bus.on('state', state => {
    $('state').textContent = state === 'open' ? 'connected' : 'not connected, trying again…';
    document.body.dataset.bus = state;
    $('echo-button').disabled = state !== 'open';
    $('fetch-button').disabled = state !== 'open' || fetching;
  });
  // a room's refusal is the chat's to say; requests are refused on their own reply address, so
  // what is left is the echo's: its subscriptions and its broadcast (a publish, which Vert.x Web
  // refuses naming nothing)
  bus.on('refused', (reason, address) => {
    if (isRoomAddress(address)) {
      refusedRoom(address, reason);
    } else {
      note($('echo-note'), `The bridge refused a frame: ${reason}`);
    }
  });
  startChat(bus);

  bus.subscribe('tandem.tcp.messages', line => {
    let text = line.text;
    if (line.truncated) {
      text += ' … (cut: the line was longer than the server keeps)';
    }
    if (line.skippedBytes) {
      text = `(${line.skippedBytes} bytes before this line were not shown: the client typed too fast) ` + text;
    }
    echoLine('line', line.remote, text);
  });

  bus.subscribe('tandem.tcp.connections', event => {
    echoLine('event', event.remote, event.type === 'connected' ? 'joined' : 'left');
  });
}

// ---- the TCP echo's lines ------------------------------------------------------------------

function echoLine(kind, who, text) {
  logLine($('echo-log'), MAX_ECHO_LINES, kind, null, who, text);
}

$('echo-form').addEventListener('submit', event => {
  event.preventDefault();
  const input = $('echo-text');
  const text = input.value;
  if (text.trim() === '') {
    note($('echo-note'), 'Type something to send to every TCP echo client.');
    return;
  }
  if (!bus.publish('tandem.tcp.broadcast', {text})) {
    note($('echo-note'), 'Not connected: the line was not sent.');
    return;
  }
  echoLine('self', 'you, to all', text);
  note($('echo-note'), '');
  input.value = '';
});

// ---- fetch -------------------------------------------------------------------------------

/** What went wrong, in words, for each error kind of the fetcher. */
const KINDS = {
  'invalid-url': 'Not a valid URL',
  'blocked': 'Refused by the safety rules',
  'dns': 'The host name does not resolve',
  'connect': 'Could not connect',
  'reset': 'The connection broke mid-answer',
  'timeout': 'No complete answer in time',
  'deadline': 'The batch ran out of time first',
  'too-many-redirects': 'Too many redirects',
  'io': 'Not an HTTP answer, or not saved',
  'cancelled': 'Cancelled',
  'node-lost': 'The node fetching it left the cluster',
  'unavailable': 'No fetcher was left to fetch it',
};

function outcome(result) {
  if (result.error) {
    return [Object.hasOwn(KINDS, result.error.kind) ? KINDS[result.error.kind] : result.error.kind, result.error.message];
  }
  if (result.ok) {
    return ['OK', result.truncated ? 'cut at the size cap' : ''];
  }
  return [`The server answered ${result.status}`, ''];
}

function size(bytes) {
  if (bytes === undefined) {
    return '—';
  }
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  return td;
}

function showResult(result) {
  const row = $('results').tBodies[0].insertRow();
  row.className = result.ok ? 'ok' : 'failed';
  row.dataset.index = result.index;
  cell(row, result.index + 1, 'num');
  cell(row, result.url, 'url');
  cell(row, result.status ?? '—', 'num');
  cell(row, size(result.bytes), 'num');
  cell(row, `${result.elapsedMs} ms`, 'num');
  const [words, detail] = outcome(result);
  const td = cell(row, words, 'outcome');
  if (detail) {
    const small = document.createElement('small');
    small.textContent = detail;
    td.append(small);
  }
}

$('fetch-form').addEventListener('submit', async event => {
  event.preventDefault();
  const urls = $('urls').value.split('\n').map(url => url.trim()).filter(url => url !== '');
  if (urls.length === 0) {
    note($('fetch-note'), 'Paste at least one URL, one per line.');
    return;
  }
  const button = $('fetch-button');
  $('results').tBodies[0].replaceChildren();
  fetching = true;
  button.disabled = true;
  const shown = new Set();
  const show = result => {
    if (!shown.has(result.index)) {
      shown.add(result.index);
      showResult(result);
      note($('fetch-note'), `${shown.size} of ${urls.length} done…`);
    }
  };
  const progress = bus.subscribe('tandem.fetch.progress.' + randomId(), show);
  note($('fetch-note'), `Fetching ${urls.length} URL${urls.length === 1 ? '' : 's'}…`);
  try {
    await withTimeout(progress.ready, SUBSCRIBE_TIMEOUT_MS, 'the bridge did not confirm the progress subscription');
    // sizes only: the page shows no bodies, so none cross the bus
    const request = {urls, deadlineMs: FETCH_DEADLINE_MS, body: 'none', progressAddress: progress.address};
    if ($('concurrency').value !== '') {
      request.concurrency = Number($('concurrency').value);
    }
    if ($('timeout').value !== '') {
      request.timeoutMs = Math.round(Number($('timeout').value) * 1000);
    }
    const reply = await bus.request('tandem.fetch', request, FETCH_DEADLINE_MS + 5000);
    // a progress message can be dropped on a slow page; the reply has every result
    reply.results.forEach(show);
    note($('fetch-note'), `Done: ${reply.succeeded} succeeded, ${reply.failed} failed, in ${reply.elapsedMs} ms.`);
  } catch (e) {
    note($('fetch-note'), e instanceof BusError ? `The fetch failed: ${e.message}` : `The fetch failed: ${e}`);
  } finally {
    progress.close();
    fetching = false;
    button.disabled = !bus.open;
  }
});

function withTimeout(promise, ms, what) {
  let timer;
  const late = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new BusError('TIMEOUT', -1, `${what} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function note(element, text) {
  element.textContent = text;
}

tokenIfNeeded().then(token => {
  if (token === undefined) {
    return;
  }
  const url = new URL('../eventbus/websocket', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token) {
    url.searchParams.set('access_token', token);
  }
  bus = new TandemBus(url.href);
  wire(bus);
});

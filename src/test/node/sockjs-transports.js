'use strict';
// Drives the SockJS bridge with the official clients under Node: sockjs-client and
// @vertx/eventbus-bridge-client.js, one session per transport named on the command line.
//   node sockjs-transports.js BASE_URL ECHO_PORT ORIGIN open|refused TRANSPORT...
// ORIGIN is the page's origin a browser would send ("-" for none, as a program sends). With
// "open" each session must work: a request answered, and a line written to the TCP echo on
// ECHO_PORT received through a subscription to tandem.tcp.messages. With "refused" each must
// close before it opens.
// Prints one line per check and "all checks passed" last; exits 1 on the first failure.
const http = require('http');
const net = require('net');

const [base, echoPort, origin, expect, ...transports] = process.argv.slice(2);
const TIMEOUT_MS = 15000;

// A browser names the page in an Origin header on every WebSocket handshake and XHR POST; under
// Node sockjs-client's XHR driver takes no headers, so this adds it where a browser would.
if (origin !== '-') {
  const request = http.request;
  http.request = function (options, callback) {
    options.headers = Object.assign({ Origin: origin }, options.headers || {});
    return request.call(http, options, callback);
  };
}

const EventBus = require('@vertx/eventbus-bridge-client.js');

function within(what, executor) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(what + ': nothing within ' + TIMEOUT_MS + ' ms')), TIMEOUT_MS);
    executor(value => { clearTimeout(timer); resolve(value); }, error => { clearTimeout(timer); reject(error); });
  });
}

function check(condition, what, detail) {
  if (!condition) {
    throw new Error(what + ': ' + JSON.stringify(detail));
  }
  console.log('ok ' + what);
}

async function session(transport) {
  const options = { transports: [transport], vertxbus_reconnect_attempts_max: 0 };
  if (origin !== '-') {
    options.transportOptions = { websocket: { headers: { Origin: origin } } };
  }
  const eb = new EventBus(base + '/eventbus', options);
  eb.enableReconnect(false);
  const errors = [];
  eb.onerror = error => errors.push(error);
  await within(transport + ' open', (resolve, reject) => {
    eb.onopen = resolve;
    eb.onclose = event => reject(new Error(transport + ' closed before open: ' + JSON.stringify(event)));
  });
  check(eb.sockJSConn.transport === transport, transport + ': the transport used is ' + eb.sockJSConn.transport, eb.sockJSConn.transport);

  const reply = await within(transport + ' hello', (resolve, reject) =>
    eb.send('tandem.hello', { name: 'Ada' }, {}, (err, message) => (err ? reject(new Error(JSON.stringify(err))) : resolve(message))));
  check(reply.body && reply.body.message === 'Hello, Ada!', transport + ': tandem.hello answers', reply);

  // Vert.x Web handles a session's frames in order, so once a request sent after the register is
  // answered the subscription is in place; then a line typed on the TCP echo is published to it
  const text = 'typed while on ' + transport + ' ' + Math.random();
  const received = within(transport + ' published message', (resolve, reject) => {
    eb.registerHandler('tandem.tcp.messages', {}, (err, message) => {
      if (err) {
        reject(new Error(JSON.stringify(err)));
      } else if (message.body && message.body.text === text) {
        resolve(message);
      }
    });
  });
  await within(transport + ' echo after register', (resolve, reject) =>
    eb.send('tandem.echo', 'after register', {}, (err, message) => (err ? reject(new Error(JSON.stringify(err))) : resolve(message))));
  const typist = net.connect(Number(echoPort), '127.0.0.1', () => typist.write(text + '\n'));
  typist.on('data', () => typist.end());
  const message = await received;
  check(message.address === 'tandem.tcp.messages' && message.body.text === text, transport + ': a published message is received', message);

  check(errors.length === 0, transport + ': no error frames', errors);
  await within(transport + ' close', resolve => { eb.onclose = resolve; eb.close(); });
}

async function refused(transport) {
  const eb = new EventBus(base + '/eventbus', { transports: [transport], vertxbus_reconnect_attempts_max: 0,
    transportOptions: { websocket: { headers: { Origin: origin } } } });
  eb.enableReconnect(false);
  const closed = await within(transport + ' refusal', (resolve, reject) => {
    eb.onopen = () => reject(new Error(transport + ' opened for a page of ' + origin));
    eb.onclose = resolve;
  });
  console.log('ok ' + transport + ': no session for a page of ' + origin + ' (closed ' + closed.code + ' ' + closed.reason + ')');
}

(async () => {
  if (expect !== 'open' && expect !== 'refused') {
    throw new Error('expected open or refused, not ' + expect);
  }
  for (const transport of transports) {
    await (expect === 'open' ? session(transport) : refused(transport));
  }
  console.log('all checks passed');
  process.exit(0);
})().catch(error => {
  console.log('FAILED ' + error.message);
  process.exit(1);
});

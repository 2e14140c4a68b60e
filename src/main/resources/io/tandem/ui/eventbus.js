// A small client for Tandem's event bus through the SockJS bridge's raw WebSocket endpoint
// (/eventbus/websocket). Frames out are text, shaped like the TCP bridge's; each frame in is one
// JSON object in a binary frame, with "rec" where the TCP bridge says "message". No SockJS
// framing and no library: every browser that runs this page has WebSocket.

const PING_MS = 5000; // as Vert.x's own client; Tandem's bridge closes a socket silent for 90 s
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 10000;

/** A failed or refused request: failureType is TIMEOUT, NO_HANDLERS, RECIPIENT_FAILURE, CLOSED... */
export class BusError extends Error {
  constructor(failureType, code, message) {
    super(message);
    this.name = 'BusError';
    this.failureType = failureType;
    this.code = code;
  }
}

/** Random hex, from getRandomValues: crypto.randomUUID exists only on https or localhost pages. */
export function randomId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), b => b.toString(16).padStart(2, '0')).join('');
}

export class TandemBus {
  /** Connects to url (ws: or wss:) and reconnects after every loss, re-subscribing. */
  constructor(url) {
    this.url = url;
    this.subscriptions = new Map(); // address -> {handlers, placed, waiting}
    this.pending = new Map(); // reply address -> {resolve, reject, timer}
    this.listeners = {state: [], refused: []};
    this.retryMs = FIRST_RETRY_MS;
    this.explained = false;
    this.decoder = new TextDecoder();
    this.connect();
  }

  /**
   * 'state' handlers get 'open' or 'closed'; 'refused' handlers get the reason of a refused frame,
   * and the address it named, if any (a refused subscription names its address).
   */
  on(event, handler) {
    this.listeners[event].push(handler);
  }

  get open() {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Resolves with the reply's body; rejects with a BusError. */
  request(address, body, timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      if (!this.open) {
        reject(new BusError('CLOSED', -1, 'not connected to Tandem'));
        return;
      }
      const replyAddress = 'ui.reply.' + randomId(); // the bridge takes at most 36 characters
      const timer = setTimeout(() => {
        this.pending.delete(replyAddress);
        reject(new BusError('TIMEOUT', -1, `no answer from ${address} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(replyAddress, {resolve, reject, timer});
      this.write({type: 'send', address, replyAddress, body});
    });
  }

  /** Returns false when not connected: then nothing was sent. */
  publish(address, body) {
    return this.write({type: 'publish', address, body});
  }

  /**
   * Calls handler(body, frame) for each message on address. Returns {address, ready, close}:
   * ready resolves once the bridge has the subscription in place (it acks a register frame that
   * asks; after a lost connection, once it is back), close stops it.
   */
  subscribe(address, handler) {
    let subscription = this.subscriptions.get(address);
    if (!subscription) {
      subscription = {handlers: new Set(), placed: false, waiting: []};
      this.subscriptions.set(address, subscription);
      this.write({type: 'register', address, ack: true});
    }
    subscription.handlers.add(handler);
    const ready = subscription.placed
      ? Promise.resolve()
      : new Promise((resolve, reject) => subscription.waiting.push({resolve, reject}));
    ready.catch(() => {}); // a caller that never waits for it is told through 'refused' instead
    const close = () => {
      subscription.handlers.delete(handler);
      if (subscription.handlers.size === 0 && this.subscriptions.get(address) === subscription) {
        this.subscriptions.delete(address);
        this.write({type: 'unregister', address});
        this.announceOpen();
      }
    };
    return {address, ready, close};
  }

  placed(address) {
    const subscription = this.subscriptions.get(address);
    if (subscription) {
      subscription.placed = true;
      subscription.waiting.splice(0).forEach(waiting => waiting.resolve());
    }
    this.announceOpen();
  }

  /** The bridge refused a subscription: it is dropped, and whoever waits for it is told why. */
  refusedSubscription(address, reason) {
    const subscription = this.subscriptions.get(address);
    this.subscriptions.delete(address);
    const error = new BusError('ACCESS_DENIED', 403, reason);
    subscription.waiting.splice(0).forEach(waiting => waiting.reject(error));
    this.announceOpen();
  }

  /** 'open' only once every subscription is in place again: nothing published after it is missed. */
  announceOpen() {
    if (!this.announced && this.open && [...this.subscriptions.values()].every(subscription => subscription.placed)) {
      this.announced = true;
      this.emit('state', 'open');
    }
  }

  connect() {
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = FIRST_RETRY_MS;
      for (const address of this.subscriptions.keys()) {
        this.write({type: 'register', address, ack: true});
      }
      this.pinger = setInterval(() => this.write({type: 'ping'}), PING_MS);
      this.announceOpen();
    };
    socket.onmessage = event => this.receive(typeof event.data === 'string' ? event.data : this.decoder.decode(event.data));
    // an error is always followed by close, which is where it is handled
    socket.onclose = () => {
      clearInterval(this.pinger);
      for (const [replyAddress, waiting] of this.pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new BusError('CLOSED', -1, 'the connection to Tandem closed before the answer'));
        this.pending.delete(replyAddress);
      }
      for (const subscription of this.subscriptions.values()) {
        subscription.placed = false;
      }
      this.announced = false;
      this.emit('state', 'closed');
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
    };
  }

  write(frame) {
    if (!this.open) {
      return false;
    }
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch (e) {
      this.emit('refused', 'the bridge sent something that is not JSON');
      return;
    }
    // Tandem names what it refuses (with the address or reply address, and a reason), then Vert.x
    // Web answers the same frame again without them: that second answer has nothing more to say
    const explained = this.explained;
    this.explained = false;
    if (explained && frame.type === 'err' && (frame.body === 'access_denied' || frame.body === 'rejected')) {
      return;
    }
    const waiting = frame.address === undefined ? undefined : this.pending.get(frame.address);
    if (waiting) {
      this.explained = frame.failureType === 'ACCESS_DENIED';
      this.pending.delete(frame.address);
      clearTimeout(waiting.timer);
      if (frame.type === 'err') {
        waiting.reject(new BusError(frame.failureType, frame.failureCode, frame.reason || frame.message));
      } else {
        waiting.resolve(frame.body);
      }
    } else if (frame.type === 'rec' || frame.type === 'message') {
      for (const handler of this.subscriptions.get(frame.address)?.handlers || []) {
        handler(frame.body, frame);
      }
    } else if (frame.type === 'registered') {
      this.placed(frame.address);
    } else if (frame.type === 'err' && this.subscriptions.has(frame.address)) {
      this.explained = true;
      this.refusedSubscription(frame.address, frame.reason || frame.message);
      this.emit('refused', frame.reason || frame.message, frame.address);
    } else if (frame.type === 'err') {
      // Vert.x Web's refusals name no address: access_denied, rejected, invalid_json...
      this.emit('refused', frame.reason || frame.body || frame.message);
    }
  }

  emit(event, ...values) {
    for (const listener of this.listeners[event]) {
      listener(...values);
    }
  }
}

// The chat panel: a nickname, the rooms the page listens to (each a tab), each room's history then
// its live events, who is in it, and lines said with tandem.chat.send. The rooms are the chat's on
// chat.port; the page joins one by subscribing to its address, so it is heard but not listed.
// Everything that came from outside is put in the page as text (textContent), never as markup.

const NICKNAME = /^[A-Za-z0-9_-]{1,32}$/; // the chat's own rules (bus/ChatMessages)
const ROOM = /^#[a-z0-9_-]{1,32}$/;
const DEFAULT_ROOM = '#general';
const ROOM_ADDRESS = 'tandem.chat.room.';
const MAX_ROOMS = 20; // chat.maxRoomsPerClient's default: a page holds no more than a chat client
const MAX_LINES = 500; // per room: older lines go, so a busy room cannot grow the page forever
const REQUEST_MS = 10000;

const $ = id => document.getElementById(id);

let bus = null;
let nick = null;
let current = null; // the room whose tab is shown and where lines are said
const rooms = new Map(); // name -> room, in the order joined

/** Whether an address is a room's: refusals of it are the chat's to say. */
export function isRoomAddress(address) {
  return typeof address === 'string' && address.startsWith(ROOM_ADDRESS);
}

/** Wires the panel to the bus; the page calls it once it has one. */
export function startChat(theBus) {
  bus = theBus;
  bus.on('state', state => {
    for (const room of rooms.values()) {
      if (state === 'closed') {
        // what comes once connected again waits for the history that covers the gap
        room.loading = true;
        room.whoEvents = [];
      } else if (room.joined) {
        load(room);
        refreshWho(room);
      }
    }
    enable();
  });
  joinFirstRoom();
  enable();
}

/** A room subscription the bridge refused (on joining, or again after a reconnect). */
export function refusedRoom(address, reason) {
  for (const room of rooms.values()) {
    if (room.address === address) {
      drop(room);
      note(`Not listening to ${room.name}: ${reason}`);
    }
  }
}

/** #general, once there are a nickname and a bus, unless the user has left every room since. */
function joinFirstRoom() {
  if (bus !== null && nick !== null && rooms.size === 0 && !$('no-room').dataset.left) {
    join(DEFAULT_ROOM);
  }
}

function enable() {
  const open = bus !== null && bus.open;
  $('join-room').disabled = nick === null || bus === null;
  $('join-button').disabled = nick === null || bus === null;
  $('say-text').disabled = current === null;
  $('say-button').disabled = !open || current === null;
  $('say-text').placeholder = current === null ? 'Say something in the room' : `Say something in ${current} as ${nick}`;
}

// ---- nickname and rooms -------------------------------------------------------------------

$('nick-form').addEventListener('submit', event => {
  event.preventDefault();
  const wanted = $('nick').value.trim();
  if (!NICKNAME.test(wanted)) {
    note('A nickname is 1 to 32 letters (A-Z, a-z), digits, _ or -, as on the chat.');
    $('nick').value = nick ?? '';
    $('nick').select();
    return;
  }
  nick = wanted;
  $('nick').value = wanted;
  note(`You are ${nick}.`);
  joinFirstRoom();
  enable();
  $('say-text').focus();
});

$('join-form').addEventListener('submit', event => {
  event.preventDefault();
  let name = $('join-room').value.trim().toLowerCase();
  if (name !== '' && !name.startsWith('#')) {
    name = '#' + name;
  }
  if (!ROOM.test(name)) {
    note('A room is # and 1 to 32 of a-z, 0-9, _ or -.');
    return;
  }
  $('join-room').value = '';
  if (rooms.has(name)) {
    select(name);
  } else if (rooms.size >= MAX_ROOMS) {
    note(`At most ${MAX_ROOMS} rooms at once: leave one first.`);
  } else {
    join(name);
  }
});

/**
 * Listens to a room: its address first, then its history, then what came live meanwhile, less
 * what the history already showed. A message said while the history is read is then either in
 * it, or live after the subscription was placed, or both (shown once): none is lost or doubled.
 */
async function join(name) {
  const room = newRoom(name);
  rooms.set(name, room);
  select(name);
  room.subscription = bus.subscribe(room.address, event => heard(room, event));
  try {
    await room.subscription.ready;
  } catch (e) {
    refusedRoom(room.address, e.message);
    return;
  }
  if (!room.gone) {
    room.joined = true;
    load(room);
    refreshWho(room);
  }
}

function newRoom(name) {
  const tab = document.createElement('li');
  tab.dataset.room = name;
  const show = document.createElement('button');
  show.type = 'button';
  show.className = 'tab';
  show.textContent = name;
  const unread = document.createElement('span');
  unread.className = 'unread';
  show.append(unread);
  const leave = document.createElement('button');
  leave.type = 'button';
  leave.className = 'leave';
  leave.textContent = '×';
  leave.title = `Leave ${name}`;
  leave.setAttribute('aria-label', `Leave ${name}`);
  tab.append(show, leave);
  $('rooms').append(tab);
  const log = document.createElement('ol');
  log.className = 'log room-log';
  log.dataset.room = name;
  log.hidden = true;
  $('room-logs').append(log);
  $('no-room').hidden = true;

  const room = {
    name, address: ROOM_ADDRESS + name.slice(1), tab, log, unread: 0,
    subscription: null, joined: false, gone: false,
    loading: true, held: [], loads: 0, // live events wait while the history is read
    seen: new Set(), lastSeq: 0, lastAt: 0, // the messages shown, by id and time
    nicks: [], whoEvents: [], asking: false, // who is here, and what changed since it was asked
  };
  show.addEventListener('click', () => select(name));
  leave.addEventListener('click', () => {
    drop(room);
    note(`You left ${name}.`);
  });
  return room;
}

function select(name) {
  current = name;
  for (const room of rooms.values()) {
    const shown = room.name === name;
    room.log.hidden = !shown;
    room.tab.classList.toggle('current', shown);
    if (shown) {
      room.tab.querySelector('.tab').setAttribute('aria-current', 'true');
    } else {
      room.tab.querySelector('.tab').removeAttribute('aria-current');
    }
    if (shown) {
      room.unread = 0;
      room.tab.querySelector('.unread').textContent = '';
      room.log.scrollTop = room.log.scrollHeight;
      renderWho(room);
    }
  }
  enable();
}

/** Stops listening to a room: its tab and lines go. The chat itself never knew the page was in it. */
function drop(room) {
  if (room.gone) {
    return;
  }
  room.gone = true;
  room.subscription?.close();
  room.tab.remove();
  room.log.remove();
  rooms.delete(room.name);
  if (current === room.name) {
    current = null;
    const last = [...rooms.keys()].pop();
    if (last) {
      select(last);
    } else {
      $('no-room').hidden = false;
      $('no-room').dataset.left = 'yes'; // no #general again unasked
      $('no-room').textContent = 'You are in no room: join one above.';
      renderWho(null);
    }
  }
  enable();
}

// ---- what is said in a room ---------------------------------------------------------------

/** An event published on the room's address. */
function heard(room, event) {
  if (room.gone || event === null || typeof event !== 'object') {
    return;
  }
  if (event.type === 'joined' || event.type === 'left' || event.type === 'renamed') {
    whoChanged(room, event);
  }
  if (room.loading) {
    room.held.push(event);
  } else {
    show(room, event);
  }
}

/** Reads the room's history and shows it, then what was held back; again after a reconnect. */
async function load(room) {
  room.loading = true;
  const load = ++room.loads;
  let messages = [];
  try {
    messages = (await bus.request('tandem.chat.history', {room: room.name}, REQUEST_MS)).messages;
  } catch (e) {
    if (room.gone || load !== room.loads || e.failureType === 'CLOSED') {
      return; // read again once connected
    }
    note(`The history of ${room.name} could not be read: ${e.message}`);
  }
  if (room.gone || load !== room.loads) {
    return;
  }
  const first = messages[0];
  const missed = first ? first.seq - room.lastSeq - 1 : 0;
  if (room.lastSeq > 0 && missed > 0 && Date.parse(first.at) >= room.lastAt) {
    line(room, 'info', null, '*', `${missed} message${missed === 1 ? ' was' : 's were'} said while the page was away that the history no longer holds`);
  }
  for (const message of messages) {
    show(room, message);
  }
  room.loading = false;
  for (const event of room.held.splice(0)) {
    show(room, event);
  }
}

function show(room, event) {
  switch (event.type) {
    case 'message': {
      // an id is the room's counter: a Tandem restarted without a cluster counts from 1 again,
      // so a message is known by its id and time together
      const key = `${event.id} ${event.at}`;
      if (room.seen.has(key)) {
        return;
      }
      room.seen.add(key);
      room.lastSeq = event.seq;
      room.lastAt = Date.parse(event.at);
      const said = line(room, event.from === nick ? 'message self' : 'message', event.at, event.from, event.text);
      said.dataset.key = key;
      if (room.name !== current) {
        room.unread++;
        room.tab.querySelector('.unread').textContent = String(room.unread);
      }
      return;
    }
    case 'joined':
      line(room, 'event', event.at, '*', `${event.nick} joined`);
      return;
    case 'left':
      line(room, 'event', event.at, '*', `${event.nick} left`);
      return;
    case 'renamed':
      line(room, 'event', event.at, '*', `${event.was} is now ${event.nick}`);
      return;
    default:
      // a kind of event this page does not know yet
  }
}

function line(room, kind, at, who, text) {
  return logLine(room.log, MAX_LINES, kind, at, who, text, first => room.seen.delete(first.dataset.key));
}

/**
 * Appends a line to a log (its time, who, what, all as text, never HTML), keeps the last `max`
 * (`dropped` hears of each that goes) and follows the end if the reader was there.
 */
export function logLine(log, max, kind, at, who, text, dropped) {
  const stick = log.hidden || log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  const item = document.createElement('li');
  item.className = kind;
  const time = document.createElement('time');
  const when = at ? new Date(at) : new Date();
  time.dateTime = when.toISOString();
  time.textContent = when.toLocaleTimeString();
  const from = document.createElement('span');
  from.className = 'who';
  from.textContent = who;
  const said = document.createElement('span');
  said.className = 'text';
  said.textContent = text;
  item.append(time, from, said);
  log.append(item);
  while (log.childElementCount > max) {
    if (dropped) {
      dropped(log.firstElementChild);
    }
    log.firstElementChild.remove();
  }
  if (stick) {
    log.scrollTop = log.scrollHeight;
  }
  return item;
}

$('say-form').addEventListener('submit', async event => {
  event.preventDefault();
  const input = $('say-text');
  const text = input.value;
  const room = current;
  const from = nick;
  if (text.trim() === '') {
    note(`Type something to say in ${room}.`);
    return;
  }
  input.value = '';
  try {
    // the line shows when it comes back on the room's address, as everyone else sees it
    await bus.request('tandem.chat.send', {room, from, text}, REQUEST_MS);
    note('');
  } catch (e) {
    if (input.value === '') {
      input.value = text;
    }
    note(notSent(e, from));
    if (e.code === 409) {
      $('nick').select();
    }
  }
});

/** Why a line was not said, in words. */
function notSent(e, from) {
  if (e.code === 409) {
    return `Not sent: ${from} is the nickname of a chat client (someone on the chat port holds it). Choose another nickname.`;
  }
  if (e.code === 400) {
    return `Not sent, the chat refused it: ${e.message}`;
  }
  switch (e.failureType) {
    case 'NO_HANDLERS':
      return 'Not sent: the chat is not running on this Tandem.';
    case 'TIMEOUT':
      return 'No answer from the chat in time: the line may have been said; look before sending it again.';
    case 'CLOSED':
      return `Not sent: ${e.message}.`;
    default:
      return `Not sent: ${e.message}`;
  }
}

// ---- who is here --------------------------------------------------------------------------

/**
 * Someone joined, left or took another nickname: the list changes at once, and is asked again.
 * The answer is as of some moment after the event; the events since are applied to it again, in
 * order, so whatever raced the question, each nickname ends as its last event left it.
 */
function whoChanged(room, event) {
  applyWho(room, event);
  room.whoEvents.push(event);
  refreshWho(room);
}

async function refreshWho(room) {
  if (room.asking) {
    return; // the events meanwhile are applied to its answer
  }
  room.asking = true;
  try {
    const reply = await bus.request('tandem.chat.who', {room: room.name}, REQUEST_MS);
    room.nicks = [...reply.nicks];
    for (const event of room.whoEvents.splice(0)) {
      applyWho(room, event);
    }
  } catch (e) {
    room.whoEvents = [];
    if (e.failureType !== 'CLOSED' && !room.gone) {
      note(`Who is in ${room.name} could not be read: ${e.message}`);
    }
  } finally {
    room.asking = false;
  }
  renderWho(room);
}

function applyWho(room, event) {
  const without = name => room.nicks.filter(n => n !== name);
  if (event.type === 'joined') {
    room.nicks = [...without(event.nick), event.nick];
  } else if (event.type === 'left') {
    room.nicks = without(event.nick);
  } else if (event.type === 'renamed') {
    room.nicks = [...without(event.was).filter(n => n !== event.nick), event.nick];
  }
  renderWho(room);
}

function renderWho(room) {
  if (room !== null && room.name !== current) {
    return;
  }
  const list = $('who-list');
  const nicks = room === null ? [] : [...room.nicks].sort((a, b) => a.localeCompare(b, undefined, {sensitivity: 'base'}));
  list.replaceChildren(...nicks.map(name => {
    const item = document.createElement('li');
    item.textContent = name;
    return item;
  }));
  $('who-title').textContent = room === null ? 'Here' : `In ${room.name}`;
  $('who').hidden = room === null;
}

function note(text) {
  $('chat-note').textContent = text;
}

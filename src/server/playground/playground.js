// The playground page: one call at a time over /ws/text (or /ws/call with the microphone) on the picked flow, shown as transcript, slots, tools, latency, a live statechart with the states visited, the live turn-taking machine of a voice call, and the flow's path coverage; or another live call (a phone call) watched over /ws/watch, its states only.

const element = (id) => document.getElementById(id);
const transcript = element('transcript');
const slotsList = element('slots');
const toolsList = element('tools');
const latencyList = element('latency');
const statusText = element('status');
const currentStateText = element('current-state');
const diagram = element('diagram');
const turnDiagram = element('turn-diagram');
const turnStateText = element('turn-state');
const lineInput = element('line');
const sendButton = element('send');
const microphoneButton = element('microphone');
const voiceMessage = element('voice-message');
const flowPicker = element('flow-picker');
const coverageList = element('coverage');
const visitedCount = element('visited-count');
const watchPicker = element('watch-picker');

/** Microphone audio goes to the server at this rate, as 16-bit mono PCM. */
const microphoneSampleRate = 16000;

let call; // { socket, kind: 'text' | 'voice', ended, turnSentAt, turns, visited: Set<state path> }
let flows = []; // [{ name, description, default }] from /flows
let selectedFlow; // the name new text calls run; undefined = the server's default
let voice; // { context, source, stream, node, playback: { rate, playhead, sources } }
let watchSocket; // /ws/watch, open while the page is
let watched; // { callId, transport, ended, visited: Set<state path> }: the live call followed instead of a call of our own

function endpoint(path) {
  const url = new URL(path, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

function setStatus(text) {
  statusText.textContent = text;
}

/** The close code of a call the server turned away: every line busy (FRONTDESK_MAX_CALLS) or shutting down. */
const busyCloseCode = 1013;

function turnedAway(event) {
  return `call turned away: ${event.reason || 'the server is not taking calls now'}; try again in a moment`;
}

function addLine(kind, text) {
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = text;
  transcript.append(item);
  transcript.scrollTop = transcript.scrollHeight;
}

function clearCallView() {
  transcript.replaceChildren();
  slotsList.replaceChildren();
  toolsList.replaceChildren();
  latencyList.replaceChildren();
  highlightState('');
  highlightTurnState('');
  markVisited(new Set());
}

/** Every state a call has been in, and the states containing each, get class "visited" (drawn green). */
function markVisited(visited) {
  for (const node of diagram.querySelectorAll('g.state.visited')) node.classList.remove('visited');
  for (const path of visited) diagram.querySelector(`g.state[data-state="${CSS.escape(path)}"]`)?.classList.add('visited');
  visitedCount.textContent = String(visited.size);
}

function noteVisited(activeCall, value) {
  for (const path of value ? value.split('+') : []) {
    const parts = path.split('.');
    for (let length = 1; length <= parts.length; length += 1) activeCall.visited.add(parts.slice(0, length).join('.'));
  }
  markVisited(activeCall.visited);
}

/** Marks the state's <g data-state> in `drawing` as current and its ancestors as active; "a+b" is parallel regions. */
function markCurrent(drawing, value) {
  for (const node of drawing.querySelectorAll('g.state.current, g.state.active')) node.classList.remove('current', 'active');
  for (const path of value ? value.split('+') : []) {
    const parts = path.split('.');
    for (let length = 1; length < parts.length; length += 1) {
      drawing.querySelector(`g.state[data-state="${CSS.escape(parts.slice(0, length).join('.'))}"]`)?.classList.add('active');
    }
    const current = drawing.querySelector(`g.state[data-state="${CSS.escape(path)}"]`);
    if (!current) continue;
    current.classList.add('current');
    if (!drawing.classList.contains('fit')) current.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }
}

function highlightState(value) {
  currentStateText.textContent = value || '—';
  document.body.dataset.callState = value;
  markCurrent(diagram, value);
}

/** The voice call's turn-taking machine (regions: line, agent, speech, caller, keypad, answer, silence). */
function highlightTurnState(value) {
  turnStateText.textContent = value || '—';
  document.body.dataset.turnState = value;
  markCurrent(turnDiagram, value);
}

function showSlots(slots) {
  const rows = [];
  for (const [name, value] of Object.entries(slots)) {
    if (value === undefined || value === null) continue;
    const term = document.createElement('dt');
    term.textContent = name;
    const detail = document.createElement('dd');
    detail.textContent = String(value);
    rows.push(term, detail);
  }
  slotsList.replaceChildren(...rows);
}

function showTool(event) {
  const item = document.createElement('li');
  item.className = event.ok ? 'ok' : 'failed';
  item.textContent = `${event.name} ${event.ok ? 'ok' : 'failed'} ${event.durationMs} ms`;
  toolsList.append(item);
}

function noteLatency(activeCall) {
  if (activeCall.turnSentAt === undefined) return;
  const milliseconds = Math.round(performance.now() - activeCall.turnSentAt);
  activeCall.turnSentAt = undefined;
  activeCall.turns += 1;
  const item = document.createElement('li');
  item.textContent = `turn ${activeCall.turns}: ${milliseconds} ms`;
  latencyList.append(item);
}

/** One channel event (the same JSON on /ws/text and /ws/call). */
function handleEvent(activeCall, event) {
  switch (event.type) {
    case 'agent':
      noteLatency(activeCall);
      addLine('agent', event.text);
      break;
    case 'caller':
    case 'transcript':
      if (typeof event.text === 'string' && event.final !== false) {
        addLine('caller', event.text);
        activeCall.turnSentAt ??= performance.now();
      }
      break;
    case 'state':
      highlightState(event.value);
      noteVisited(activeCall, event.value);
      break;
    case 'turn-state':
      highlightTurnState(event.value);
      break;
    case 'slots':
      showSlots(event.slots);
      break;
    case 'tool':
      showTool(event);
      break;
    case 'end':
      activeCall.ended = true;
      addLine('system', `Call ended: ${event.reason}`);
      setStatus(`call ended (${event.reason})`);
      document.body.dataset.callEnd = event.reason;
      updateControls();
      break;
    case 'error':
      addLine('error', event.message);
      break;
    case 'audio-format':
      if (voice) voice.playback.rate = event.sampleRate;
      break;
    case 'clear':
      stopPlayback();
      break;
    default:
      break;
  }
}

function updateControls() {
  watchPicker.value = watched?.callId ?? '';
  const textOpen = call?.kind === 'text' && !call.ended && call.socket.readyState === WebSocket.OPEN;
  lineInput.disabled = !textOpen;
  sendButton.disabled = !textOpen;
}

function hangUp() {
  if (!call) return;
  const previous = call;
  call = undefined;
  previous.socket.close(1000, 'caller hung up');
}

function startTextCall() {
  stopWatching();
  stopMicrophone();
  hangUp();
  clearCallView();
  delete document.body.dataset.callEnd;
  const socket = new WebSocket(endpoint(selectedFlow ? `/ws/text?flow=${encodeURIComponent(selectedFlow)}` : '/ws/text'));
  const activeCall = { socket, kind: 'text', ended: false, turnSentAt: undefined, turns: 0, visited: new Set() };
  call = activeCall;
  setStatus('connecting…');
  updateControls();
  socket.addEventListener('open', () => {
    setStatus('text call in progress');
    updateControls();
    lineInput.focus();
  });
  socket.addEventListener('message', (message) => {
    if (call !== activeCall || typeof message.data !== 'string') return;
    handleEvent(activeCall, JSON.parse(message.data));
  });
  socket.addEventListener('close', (event) => {
    if (call !== activeCall) return;
    if (!activeCall.ended) setStatus(event.code === busyCloseCode ? turnedAway(event) : 'disconnected: press New call');
    updateControls();
  });
}

function sendLine(line) {
  if (!call || call.kind !== 'text' || call.socket.readyState !== WebSocket.OPEN) return;
  addLine('caller', line.trim() === '' ? '(silence)' : line);
  call.turnSentAt = performance.now();
  call.socket.send(line);
}

// ---- microphone: 16 kHz PCM16 up to /ws/call, agent audio back at the rate the server announces ----

function showVoiceMessage(text) {
  voiceMessage.textContent = text;
  voiceMessage.hidden = !text;
}

function stopPlayback() {
  if (!voice) return;
  for (const source of voice.playback.sources) source.stop();
  voice.playback.sources.clear();
  voice.playback.playhead = voice.context.currentTime;
}

/** Adds `milliseconds` to a running total kept on <body data-…> (what went up and came back, for tests and the curious). */
function countAudio(name, milliseconds) {
  document.body.dataset[name] = String(Math.round(Number(document.body.dataset[name] ?? 0) + milliseconds));
}

function playPcm(buffer) {
  if (!voice) return;
  const samples = new Int16Array(buffer);
  if (samples.length === 0) return;
  countAudio('agentAudioMs', (samples.length / voice.playback.rate) * 1000);
  const audio = voice.context.createBuffer(1, samples.length, voice.playback.rate);
  const channel = audio.getChannelData(0);
  for (let index = 0; index < samples.length; index += 1) channel[index] = samples[index] / 32768;
  const source = voice.context.createBufferSource();
  source.buffer = audio;
  source.connect(voice.context.destination);
  const startAt = Math.max(voice.playback.playhead, voice.context.currentTime + 0.02);
  source.start(startAt);
  voice.playback.playhead = startAt + audio.duration;
  voice.playback.sources.add(source);
  const durationMs = audio.duration * 1000;
  source.addEventListener('ended', () => {
    // A source cut off by a barge-in was removed by stopPlayback already: only audio that played to its end counts.
    if (voice?.playback.sources.delete(source)) countAudio('agentAudioPlayedMs', durationMs);
  });
}

function stopMicrophone() {
  if (!voice) return;
  const previous = voice;
  voice = undefined;
  previous.node?.port.close();
  previous.source?.disconnect();
  for (const track of previous.stream?.getTracks() ?? []) track.stop();
  void previous.context.close();
  microphoneButton.setAttribute('aria-pressed', 'false');
  microphoneButton.textContent = 'Start microphone';
  if (call?.kind === 'voice') hangUp();
}

/** Resolves with the open socket, or rejects when the server has no /ws/call (the upgrade fails or closes at once). */
function openVoiceSocket() {
  return new Promise((resolve, reject) => {
    const flow = selectedFlow ? `&flow=${encodeURIComponent(selectedFlow)}` : '';
    const socket = new WebSocket(endpoint(`/ws/call?sampleRate=${microphoneSampleRate}${flow}`));
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('open', () => resolve(socket), { once: true });
    socket.addEventListener('error', () => reject(new Error('no voice endpoint')), { once: true });
    socket.addEventListener('close', () => reject(new Error('no voice endpoint')), { once: true });
  });
}

async function startMicrophone() {
  if (!navigator.mediaDevices?.getUserMedia || typeof AudioWorkletNode === 'undefined') {
    showVoiceMessage('This browser cannot capture the microphone here (it needs a secure context: localhost or https). The text box still works.');
    return;
  }
  showVoiceMessage('');
  microphoneButton.disabled = true;
  let socket;
  try {
    socket = await openVoiceSocket();
  } catch {
    showVoiceMessage('Voice is not available on this server (no /ws/call endpoint, or the offline speech packages are missing). The text box still works.');
    microphoneButton.disabled = false;
    return;
  }
  stopWatching();
  hangUp();
  clearCallView();
  delete document.body.dataset.callEnd;
  delete document.body.dataset.microphoneMs;
  delete document.body.dataset.agentAudioMs;
  delete document.body.dataset.agentAudioPlayedMs;
  const activeCall = { socket, kind: 'voice', ended: false, turnSentAt: undefined, turns: 0, visited: new Set() };
  call = activeCall;
  const context = new AudioContext();
  voice = { context, playback: { rate: microphoneSampleRate, playhead: 0, sources: new Set() } };
  const activeVoice = voice;
  socket.addEventListener('message', (message) => {
    if (call !== activeCall) return;
    if (typeof message.data === 'string') handleEvent(activeCall, JSON.parse(message.data));
    else playPcm(message.data);
  });
  socket.addEventListener('close', (event) => {
    if (call === activeCall && !activeCall.ended) setStatus(event.code === busyCloseCode ? turnedAway(event) : 'voice call closed');
    if (voice === activeVoice) stopMicrophone();
  });
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
    await context.audioWorklet.addModule('/microphone-worklet.js');
    if (voice !== activeVoice) return;
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, 'microphone-downsampler', { processorOptions: { targetSampleRate: microphoneSampleRate } });
    node.port.onmessage = (message) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(message.data);
      countAudio('microphoneMs', (message.data.byteLength / 2 / microphoneSampleRate) * 1000);
    };
    source.connect(node);
    Object.assign(activeVoice, { stream, source, node });
    microphoneButton.setAttribute('aria-pressed', 'true');
    microphoneButton.textContent = 'Stop microphone';
    setStatus('voice call in progress: speak');
  } catch (error) {
    showVoiceMessage(`Microphone unavailable: ${error instanceof Error ? error.message : String(error)}`);
    stopMicrophone();
  } finally {
    microphoneButton.disabled = false;
    updateControls();
  }
}

// ---- watch: another live call's states (a phone call), from /ws/watch; no words, slots or audio come this way ----

function callLabel(summary) {
  return `${summary.transport === 'call' ? 'microphone' : summary.transport} ${summary.callId.slice(0, 8)} (${summary.flow})`;
}

/** The picker lists the live voice calls (text calls are watched in their own page); the watched one stays until it ends. */
function showLiveCalls(calls) {
  const voiceCalls = calls.filter((summary) => summary.transport !== 'text');
  const options = voiceCalls.map((summary) => {
    const option = document.createElement('option');
    option.value = summary.callId;
    option.textContent = callLabel(summary);
    option.dataset.transport = summary.transport;
    option.dataset.flow = summary.flow;
    return option;
  });
  if (watched && !voiceCalls.some((summary) => summary.callId === watched.callId)) {
    const option = document.createElement('option');
    option.value = watched.callId;
    option.textContent = `${callLabel(watched)}: ended`;
    options.push(option);
  }
  const none = document.createElement('option');
  none.value = '';
  none.textContent = voiceCalls.length ? `${voiceCalls.length} live call${voiceCalls.length === 1 ? '' : 's'}: pick one` : 'no live call';
  watchPicker.replaceChildren(none, ...options);
  watchPicker.value = watched?.callId ?? '';
  document.body.dataset.liveCalls = String(voiceCalls.length);
}

function sendWatch(callId) {
  if (watchSocket?.readyState === WebSocket.OPEN) watchSocket.send(JSON.stringify({ watch: callId }));
}

function stopWatching() {
  if (!watched) return;
  watched = undefined;
  delete document.body.dataset.watching;
  sendWatch(null);
  watchPicker.value = '';
}

/** Hangs up the page's own call and follows a live one: both drawings highlight its states as they change. */
async function startWatching(option) {
  stopMicrophone();
  hangUp();
  stopWatching();
  clearCallView();
  delete document.body.dataset.callEnd;
  watched = { callId: option.value, transport: option.dataset.transport, flow: option.dataset.flow, ended: false, visited: new Set() };
  const activeWatch = watched;
  document.body.dataset.watching = watched.callId;
  updateControls();
  setStatus(`watching ${callLabel(watched)}: states only`);
  // Drawn on its own flow's statechart first, so the first state has a drawing to land on.
  if (watched.flow && watched.flow !== selectedFlow && flows.some((flow) => flow.name === watched.flow)) {
    selectedFlow = watched.flow;
    flowPicker.value = watched.flow;
    document.body.dataset.flow = watched.flow;
    void loadCoverage(watched.flow);
    await showDiagram(watched.flow);
  }
  if (watched === activeWatch) sendWatch(activeWatch.callId);
}

function handleWatchMessage(message) {
  if (message.type === 'calls') return showLiveCalls(message.calls);
  if (message.type === 'error') {
    if (watched) setStatus(`watch: ${message.message}`);
    return;
  }
  if (!watched || message.callId !== watched.callId) return;
  switch (message.type) {
    case 'state':
      highlightState(message.value);
      noteVisited(watched, message.value);
      break;
    case 'turn-state':
      highlightTurnState(message.value);
      break;
    case 'ended':
      watched.ended = true;
      document.body.dataset.callEnd = 'watched';
      setStatus(`watched call ended: ${callLabel(watched)}`);
      break;
    default:
      break;
  }
}

function openWatch() {
  const socket = new WebSocket(endpoint('/ws/watch'));
  watchSocket = socket;
  socket.addEventListener('open', () => {
    if (watched) sendWatch(watched.callId);
  });
  socket.addEventListener('message', (message) => {
    if (typeof message.data === 'string') handleWatchMessage(JSON.parse(message.data));
  });
  socket.addEventListener('close', () => {
    if (watchSocket !== socket) return;
    // A restarted server: look again in a moment.
    setTimeout(openWatch, 2000);
  });
}

// ---- flows: the picker, the drawing of the picked flow, and its path coverage ----

function coverageRow(term, text, state) {
  const title = document.createElement('dt');
  title.textContent = term;
  const detail = document.createElement('dd');
  detail.textContent = text;
  if (state) detail.className = state;
  return [title, detail];
}

function showCoverage(name, answer) {
  if (name !== selectedFlow) return;
  document.body.dataset.coverage = answer.status;
  if (answer.status === 'computing') {
    coverageList.replaceChildren(...coverageRow('walk', 'walking every path… (this takes a few seconds)'));
    return;
  }
  if (answer.status === 'failed') {
    coverageList.replaceChildren(...coverageRow('walk', `failed: ${answer.message}`, 'failed'));
    return;
  }
  const coverage = answer.coverage;
  const number = (value) => value.toLocaleString('en-US');
  coverageList.replaceChildren(
    ...coverageRow('states', `${coverage.statesVisited} of ${coverage.states} visited${coverage.unvisited.length ? ` (never: ${coverage.unvisited.join(', ')})` : ''}`, coverage.unvisited.length ? 'failed' : 'ok'),
    ...coverageRow('transitions', `${coverage.transitionsTaken} of ${coverage.transitions} event transitions taken${coverage.untaken.length ? ` (never: ${coverage.untaken.join('; ')}${coverage.transitions - coverage.transitionsTaken > coverage.untaken.length ? '; …' : ''})` : ''}`),
    ...coverageRow('paths', `${number(coverage.waitingPoints)} waiting points, ${number(coverage.turns)} caller turns tried in ${coverage.worlds.length} world${coverage.worlds.length === 1 ? '' : 's'}`),
    ...coverageRow('PHI steps', `${number(coverage.phiSteps)} (${coverage.phiActors.join(', ') || 'no PHI actors'}), all under ${coverage.verifiedStateId}: ${coverage.gatingOk ? 'ok' : 'FAILED'}`, coverage.gatingOk ? 'ok' : 'failed'),
    ...coverage.gatingViolations.flatMap((violation) => coverageRow('', violation, 'failed')),
    ...coverageRow('loop check', `no question more than ${coverage.maxAsksInARow} times in a row (longest ${coverage.longestRun}): ${coverage.loopOk ? 'ok' : 'FAILED'}`, coverage.loopOk ? 'ok' : 'failed'),
    ...coverage.loopViolations.flatMap((violation) => coverageRow('', violation, 'failed')),
    ...coverageRow('walked in', `${(coverage.durationMs / 1000).toFixed(1)} s, once per flow`),
  );
}

/** Asks for the flow's coverage until the server's walk is done (202 while it runs). */
async function loadCoverage(name) {
  for (let attempt = 0; name === selectedFlow; attempt += 1) {
    let answer;
    try {
      const response = await fetch(`/coverage?flow=${encodeURIComponent(name)}`);
      answer = await response.json();
    } catch (error) {
      answer = { status: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
    showCoverage(name, answer);
    if (answer.status !== 'computing') return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(4000, 500 + attempt * 250)));
  }
}

/** Draws the picked flow (the page came with the default one inlined). */
async function showDiagram(name) {
  const response = await fetch(`/graph.svg?flow=${encodeURIComponent(name)}`);
  const svg = (await response.text()).replace(/^<\?xml[^>]*>\s*/, '');
  if (name !== selectedFlow) return;
  diagram.innerHTML = svg;
}

/** Draws the turn-taking machine, the same for every flow. */
async function showTurnDiagram() {
  try {
    const response = await fetch('/turn-taking.svg');
    if (!response.ok) return;
    turnDiagram.innerHTML = (await response.text()).replace(/^<\?xml[^>]*>\s*/, '');
    highlightTurnState(document.body.dataset.turnState ?? '');
  } catch {
    // The call machine and the call still work without this drawing.
  }
}

async function pickFlow(name) {
  selectedFlow = name;
  document.body.dataset.flow = name;
  void loadCoverage(name);
  await showDiagram(name);
  if (name === selectedFlow) startTextCall();
}

async function loadFlows() {
  try {
    flows = (await (await fetch('/flows')).json()).flows;
  } catch {
    flows = [];
  }
  flowPicker.replaceChildren(
    ...flows.map((flow) => {
      const option = document.createElement('option');
      option.value = flow.name;
      option.textContent = flow.name;
      option.title = flow.description;
      option.selected = flow.default;
      return option;
    }),
  );
  selectedFlow = flows.find((flow) => flow.default)?.name;
  document.body.dataset.flow = selectedFlow ?? '';
  if (selectedFlow) void loadCoverage(selectedFlow);
}

// ---- wiring ----

element('say').addEventListener('submit', (event) => {
  event.preventDefault();
  sendLine(lineInput.value);
  lineInput.value = '';
});
element('new-call').addEventListener('click', () => startTextCall());
microphoneButton.addEventListener('click', () => (voice ? stopMicrophone() : void startMicrophone()));
element('fit-diagram').addEventListener('change', (event) => diagram.classList.toggle('fit', event.target.checked));
flowPicker.addEventListener('change', () => void pickFlow(flowPicker.value));
watchPicker.addEventListener('change', () => {
  const option = watchPicker.selectedOptions[0];
  if (option?.value) void startWatching(option);
  else startTextCall();
});

startTextCall();
void loadFlows();
void showTurnDiagram();
openWatch();

// The map page: a layer's records on a Natural Earth outline, a circle or a box drawn to search
// it, and the layer's change stream moving the markers live. Every API call is signed here with
// the key and secret typed into the page (see oauth.js); they live in this page's memory only.
'use strict';

const MAX_SHOWN = 10000; // records drawn at most; a bigger layer shows its first ones
const PAGE = 500;        // records a request (the API's largest page)

const state = { key: '', secret: '', layer: null, markers: new Map(), lastSearch: null, stream: null, following: null, lastEventId: null };
const $ = (id) => document.getElementById(id);

const map = L.map('map', { worldCopyJump: true, preferCanvas: false }).setView([20, 0], 2);
const records = L.layerGroup().addTo(map);
const hits = L.layerGroup().addTo(map);

fetch('/map/basemap.json')
  .then((answer) => (answer.ok ? answer.json() : Promise.reject(new Error(answer.status))))
  .then((land) => L.geoJSON(land, { interactive: false, style: { color: '#8a8a7a', weight: 1, fillColor: '#f2efe6', fillOpacity: 1 } }).addTo(map).bringToBack())
  .catch(() => status('no basemap on this node (http.basemapFile): records are drawn on a blank sea'));

function status(text, error) {
  $('status').textContent = text;
  $('status').classList.toggle('error', Boolean(error));
}

// A signed GET of an API path; the answer's JSON, or an Error with the API's message.
async function api(path) {
  const url = new URL(path, location.origin);
  const answer = await fetch(url, { headers: { Authorization: await OAuth.header('GET', url, state.key, state.secret) } });
  const body = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    throw new Error(`${answer.status}: ${body.message || answer.statusText}`);
  }
  return body;
}

// Every feature of a paged search, MAX_SHOWN at most.
async function allPages(path) {
  const features = [];
  let cursor = null;
  do {
    const page = await api(path + (path.includes('?') ? '&' : '?') + `limit=${PAGE}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''));
    features.push(...page.features);
    cursor = page.next_cursor;
  } while (cursor && features.length < MAX_SHOWN);
  return features;
}

const layerPath = (layer) => '/0.1/records/' + encodeURIComponent(layer);

function popup(feature) {
  const table = document.createElement('table');
  const row = (name, value) => {
    const tr = table.insertRow();
    const th = document.createElement('th');
    th.textContent = name;
    tr.appendChild(th);
    tr.insertCell().textContent = typeof value === 'string' ? value : JSON.stringify(value);
  };
  row('id', feature.id);
  row('created', new Date(feature.created * 1000).toISOString());
  row('position', feature.geometry.coordinates.slice().reverse().join(', '));
  Object.entries(feature.properties || {}).filter(([name]) => name !== 'layer').forEach(([name, value]) => row(name, value));
  return table;
}

// Draws a record, or moves it where it is now.
function place(feature) {
  const [lon, lat] = feature.geometry.coordinates.map(Number);
  const known = state.markers.get(feature.id);
  if (known) {
    known.setLatLng([lat, lon]).setPopupContent(popup(feature));
    return;
  }
  const marker = L.circleMarker([lat, lon], { radius: 5, weight: 1, color: '#1a365d', fillColor: '#3182ce', fillOpacity: 0.8, className: 'locus-record' })
    .bindPopup(() => popup(marker.feature));
  marker.feature = feature;
  state.markers.set(feature.id, marker.addTo(records));
}

function forget(id) {
  const marker = state.markers.get(id);
  if (marker) {
    records.removeLayer(marker);
    state.markers.delete(id);
  }
}

function counted() {
  status(`${state.markers.size} records in ${state.layer}` + (state.markers.size >= MAX_SHOWN ? ` (the first ${MAX_SHOWN})` : ''));
}

async function connect(event) {
  event.preventDefault();
  state.key = $('key').value.trim();
  state.secret = $('secret').value;
  if (!crypto.subtle) {
    status('this page signs requests with WebCrypto, which browsers give only to https pages and localhost', true);
    return;
  }
  try {
    const layers = [];
    let cursor = null;
    do {
      const page = await api('/0.1/layers.json?limit=100' + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''));
      layers.push(...page.layers);
      cursor = page.next_cursor;
    } while (cursor);
    $('layers').replaceChildren(...layers.map((layer) => Object.assign(document.createElement('option'), { value: layer.name, textContent: layer.title || '' })));
    status(`${layers.length} layers of yours; a public layer of someone else's can be typed in`);
  } catch (failure) {
    status(failure.message, true);
  }
}

async function show(event) {
  event.preventDefault();
  const layer = $('layer').value.trim();
  closeStream();
  records.clearLayers();
  hits.clearLayers();
  state.markers.clear();
  state.layer = layer;
  $('result').textContent = '';
  status(`loading ${layer}…`);
  try {
    openStream(); // first, so that nothing written while the layer loads is missed
    (await allPages(`${layerPath(layer)}/within/-90,-180,90,180.json`)).forEach(place);
    counted();
    if (state.markers.size > 0) {
      map.fitBounds(L.featureGroup([...state.markers.values()]).getBounds().pad(0.2), { maxZoom: 14 });
    }
  } catch (failure) {
    closeStream(); // a layer that cannot be read is not followed either
    status(failure.message, true);
  }
}

// The change stream (Server-Sent Events), signed in its query since EventSource sends no headers;
// a broken stream is signed afresh and resumed from the last event it delivered.
async function openStream() {
  const layer = state.layer;
  state.following = layer;
  const url = new URL(`/0.1/layers/${encodeURIComponent(layer)}/changes`, location.origin);
  if (state.lastEventId) {
    url.searchParams.set('lastEventId', state.lastEventId);
  }
  const signed = await OAuth.signedUrl('GET', url, state.key, state.secret);
  if (state.following !== layer) {
    return; // closed, or another layer chosen, while the URL was being signed
  }
  const stream = new EventSource(signed);
  state.stream = stream;
  stream.onopen = () => ($('live').className = 'on');
  const apply = (change, event) => {
    state.lastEventId = event.lastEventId || state.lastEventId;
    if (change.record) {
      place(change.record);
    } else {
      forget(change.id);
    }
    counted();
  };
  ['upsert', 'delete', 'expire'].forEach((kind) => stream.addEventListener(kind, (event) => apply(JSON.parse(event.data), event)));
  stream.onerror = () => {
    stream.close();
    if (state.stream === stream) {
      $('live').className = 'off';
      setTimeout(() => state.stream === stream && openStream(), 2000);
    }
  };
}

function closeStream() {
  if (state.stream) {
    state.stream.close();
  }
  state.stream = null;
  state.following = null;
  state.lastEventId = null;
  $('live').className = '';
}

// Drawing: in Circle or Box mode a drag draws the shape, and letting go searches it.
let mode = 'pan';
let drawing = null;

function setMode(chosen) {
  mode = chosen;
  ['pan', 'circle', 'box'].forEach((name) => $('tool-' + name).classList.toggle('active', name === chosen));
  if (chosen === 'pan') {
    map.dragging.enable();
  } else {
    map.dragging.disable();
  }
}

map.on('mousedown', (event) => {
  if (mode === 'pan' || !state.layer) {
    return;
  }
  const start = event.latlng;
  const shape = mode === 'circle'
    ? L.circle(start, { radius: 1, className: 'locus-shape' })
    : L.rectangle(L.latLngBounds(start, start), { className: 'locus-shape' });
  drawing = { start, shape: shape.addTo(map), end: start };
});

map.on('mousemove', (event) => {
  if (!drawing) {
    return;
  }
  drawing.end = event.latlng;
  if (mode === 'circle') {
    drawing.shape.setRadius(map.distance(drawing.start, event.latlng));
  } else {
    drawing.shape.setBounds(L.latLngBounds(drawing.start, event.latlng));
  }
});

map.on('mouseup', async () => {
  if (!drawing) {
    return;
  }
  const { start, end, shape } = drawing;
  drawing = null;
  const search = mode === 'circle'
    ? { kind: 'nearby', lat: start.lat, lon: start.lng, radius: map.distance(start, end) / 1000 }
    : { kind: 'within', south: Math.min(start.lat, end.lat), west: Math.min(start.lng, end.lng), north: Math.max(start.lat, end.lat), east: Math.max(start.lng, end.lng) };
  const path = search.kind === 'nearby'
    ? `${layerPath(state.layer)}/nearby/${search.lat.toFixed(6)},${search.lon.toFixed(6)}.json?radius=${search.radius.toFixed(3)}`
    : `${layerPath(state.layer)}/within/${[search.south, search.west, search.north, search.east].map((v) => v.toFixed(6)).join(',')}.json`;
  search.path = path;
  try {
    const found = await allPages(path);
    state.lastSearch = search;
    hits.clearLayers();
    found.forEach((feature) => {
      const [lon, lat] = feature.geometry.coordinates.map(Number);
      L.circleMarker([lat, lon], { radius: 7, weight: 2, color: '#c53030', fill: false, interactive: false, className: 'locus-hit' }).addTo(hits);
    });
    $('result').dataset.count = String(found.length);
    $('result').textContent = search.kind === 'nearby'
      ? `${found.length} records within ${search.radius.toFixed(1)} km of ${search.lat.toFixed(4)}, ${search.lon.toFixed(4)}`
      : `${found.length} records in the box`;
  } catch (failure) {
    status(failure.message, true);
  } finally {
    map.removeLayer(shape);
  }
});

$('signin').addEventListener('submit', connect);
$('pick').addEventListener('submit', show);
['pan', 'circle', 'box'].forEach((name) => $('tool-' + name).addEventListener('click', () => setMode(name)));

// For scripts driving the page (the browser test): the map and what the page holds.
window.locus = { map, state };

// Kinesis Lab: the Web Worker that runs one Firehose transform invocation of a learner's Node-style Lambda
// handler. Embedded in the wasm (src/ui/transform_worker.rs) and started from a Blob URL, one worker per
// invocation; the page terminates it when the time limit passes, so an endless loop only stops this worker.
//
// Messages to the page: {kind:'log', line} for each console line (capped), then exactly one of
// {kind:'result', responseJson, durationMs} or {kind:'thrown', message, durationMs}.
'use strict';

const MAX_LOG_LINES = 1000;
const MAX_LOG_LINE_CHARS = 8192;
const post = (message) => self.postMessage(message);

// ---- console: every line goes to the page as it is written (so lines survive a timeout) ----

function format(value) {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.stack || `${value.name}: ${value.message}`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `[Function: ${value.name || '(anonymous)'}]`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text;
  } catch {
    return String(value);
  }
}

let logLines = 0;
function logger(level) {
  return (...args) => {
    logLines += 1;
    if (logLines > MAX_LOG_LINES) {
      if (logLines === MAX_LOG_LINES + 1) post({ kind: 'log', line: `… more than ${MAX_LOG_LINES} log lines: the rest are dropped` });
      return;
    }
    let line = args.map(format).join(' ');
    if (line.length > MAX_LOG_LINE_CHARS) line = `${line.slice(0, MAX_LOG_LINE_CHARS)}…`;
    post({ kind: 'log', line: level ? `${level} ${line}` : line });
  };
}
const sandboxConsole = {
  log: logger(''),
  info: logger('INFO'),
  debug: logger('DEBUG'),
  warn: logger('WARN'),
  error: logger('ERROR'),
  trace: logger('TRACE'),
};
self.console = sandboxConsole;

// ---- Buffer: the part of Node's API that Firehose transforms use (base64 in, base64 out) ----

function bytesToBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function base64ToBytes(text) {
  // Node is lenient: URL-safe letters, missing padding and stray characters are accepted.
  let clean = String(text).replace(/-/g, '+').replace(/_/g, '/').replace(/[^A-Za-z0-9+/]/g, '');
  if (clean.length % 4 === 1) clean = clean.slice(0, -1);
  while (clean.length % 4 !== 0) clean += '=';
  const binary = atob(clean);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

function normalEncoding(encoding) {
  const e = String(encoding || 'utf8').toLowerCase();
  if (e === 'utf-8') return 'utf8';
  if (e === 'binary') return 'latin1';
  if (e === 'base64url') return 'base64';
  return e;
}

class Buffer extends Uint8Array {
  static from(value, encoding) {
    if (typeof value === 'string') {
      const e = normalEncoding(encoding);
      if (e === 'base64') return Buffer.wrap(base64ToBytes(value));
      if (e === 'utf8') return Buffer.wrap(new TextEncoder().encode(value));
      if (e === 'hex') {
        const pairs = value.match(/[0-9a-fA-F]{2}/g) || [];
        return Buffer.wrap(Uint8Array.from(pairs, (p) => parseInt(p, 16)));
      }
      if (e === 'latin1' || e === 'ascii') return Buffer.wrap(Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff));
      throw new TypeError(`Unknown encoding: ${encoding}`);
    }
    if (value instanceof ArrayBuffer) return Buffer.wrap(new Uint8Array(value.slice(0)));
    if (ArrayBuffer.isView(value) || Array.isArray(value)) return Buffer.wrap(Uint8Array.from(value));
    if (value && value.type === 'Buffer' && Array.isArray(value.data)) return Buffer.wrap(Uint8Array.from(value.data));
    throw new TypeError('The first argument must be a string, Buffer, ArrayBuffer, Array or array-like object.');
  }
  static wrap(bytes) {
    return new Buffer(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  static alloc(size, fill) {
    const b = new Buffer(size);
    if (fill !== undefined) b.fill(typeof fill === 'string' ? fill.charCodeAt(0) : fill);
    return b;
  }
  static isBuffer(value) {
    return value instanceof Buffer;
  }
  static byteLength(value, encoding) {
    return typeof value === 'string' ? Buffer.from(value, encoding).length : value.byteLength;
  }
  static concat(list, totalLength) {
    const length = totalLength ?? list.reduce((n, b) => n + b.length, 0);
    const out = new Buffer(length);
    let at = 0;
    for (const b of list) {
      if (at >= length) break;
      out.set(b.subarray(0, length - at), at);
      at += b.length;
    }
    return out;
  }
  toString(encoding, start, end) {
    const bytes = this.subarray(start || 0, end === undefined ? this.length : end);
    const e = normalEncoding(encoding);
    if (e === 'base64') return bytesToBase64(bytes);
    if (e === 'utf8') return new TextDecoder('utf-8').decode(bytes);
    if (e === 'hex') return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    if (e === 'latin1' || e === 'ascii') return String.fromCharCode.apply(null, bytes);
    throw new TypeError(`Unknown encoding: ${encoding}`);
  }
  toJSON() {
    return { type: 'Buffer', data: Array.from(this) };
  }
  equals(other) {
    return this.length === other.length && this.every((b, i) => b === other[i]);
  }
}
self.Buffer = Buffer;

function require(name) {
  if (name === 'buffer' || name === 'node:buffer') return { Buffer };
  throw new Error(`Cannot find module '${name}' (your function runs in the browser: only 'buffer' is available)`);
}

// ---- Loading and calling the handler ----

function describe(error) {
  if (error instanceof Error) return `${error.name || 'Error'}: ${error.message}`;
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  return format(error);
}

/** Finds the handler: exports.handler, module.exports.handler, `export const handler`, or a plain `handler`. */
function load(source) {
  const module = { exports: {} };
  const firstExports = module.exports;
  // ES-module spellings become CommonJS so `new Function` can run them.
  const commonJs = String(source)
    .replace(/^(\s*)export\s+default\s+/m, '$1module.exports.handler = ')
    .replace(/^(\s*)export\s+(?=(?:async\s+)?function\b|const\b|let\b|var\b|class\b)/gm, '$1');
  // Compiled alone first, so a syntax error is reported as the learner's code has it.
  new Function('module', 'exports', 'require', 'Buffer', 'console', commonJs);
  const body = `${commonJs}\n;return typeof handler === 'function' ? handler : undefined;`;
  const run = new Function('module', 'exports', 'require', 'Buffer', 'console', body);
  const plain = run(module, firstExports, require, Buffer, sandboxConsole);
  const handler = (module.exports && module.exports.handler) || firstExports.handler || plain;
  if (typeof handler !== 'function') {
    throw new Error('No handler found: write exports.handler = async (event, context) => { … } (or function handler(event) { … })');
  }
  return handler;
}

/** Calls the handler the ways Lambda's Node runtime allows: return a value, return a Promise, or call back. */
function call(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn, value) => {
      if (!settled) {
        settled = true;
        fn(value);
      }
    };
    const callback = (error, result) => (error ? settle(reject, error) : settle(resolve, result));
    const returned = handler(event, context, callback);
    const isPromise = returned && typeof returned.then === 'function';
    if (isPromise || handler.length < 3) {
      Promise.resolve(returned).then((v) => settle(resolve, v), (e) => settle(reject, e));
    }
  });
}

self.addEventListener('unhandledrejection', (e) => {
  e.preventDefault();
  post({ kind: 'thrown', message: `Unhandled promise rejection: ${describe(e.reason)}` });
});

self.onmessage = async (message) => {
  const { source, eventJson, timeoutMs, functionName } = message.data;
  const started = performance.now();
  const finish = (reply) => post({ ...reply, durationMs: performance.now() - started });
  let event;
  try {
    event = JSON.parse(eventJson);
  } catch (e) {
    finish({ kind: 'thrown', message: `The event is not JSON: ${describe(e)}` });
    return;
  }
  const deadline = Date.now() + timeoutMs;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    memoryLimitInMB: '128',
    awsRequestId: event && event.invocationId,
    logGroupName: `/aws/lambda/${functionName}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const handler = load(source);
    const value = await call(handler, event, context);
    // Lambda answers `null` for a handler that returns nothing.
    const responseJson = value === undefined ? 'null' : JSON.stringify(value);
    finish({ kind: 'result', responseJson: responseJson === undefined ? 'null' : responseJson });
  } catch (e) {
    finish({ kind: 'thrown', message: describe(e) });
  }
};

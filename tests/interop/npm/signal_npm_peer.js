#!/usr/bin/env node
// A Signal v3 peer over npm libsignal 2.0.1 (the version librelay 5.5.0 pins), speaking the
// JSON line protocol of tests/interop/signal_c/PROTOCOL.md: one request object per line on
// stdin, one reply per line on stdout, binary as lower-case hex. Commands run one at a time,
// in order, although the library is promise-based.
//
// What the library lacks is answered {"ok":false,"error":"unsupported"}: sender keys, the
// numeric fingerprint (src/numeric_fingerprint.js is not exported and its createFor throws on
// the very ArrayBuffers it demands), and libsignal-c's record serializations.
'use strict';

const readline = require('readline');
const util = require('util');

// The library logs with console.info / console.warn / console.error; only replies may reach
// stdout. console.error is also the only place decryptWhisperMessage reports why each
// session failed, so it is captured while a decryption runs.
const debug = !!process.env.SIGNAL_PEER_DEBUG;
let captured = null;
const toStderr = (...args) => {
    if (debug) process.stderr.write(util.format(...args) + '\n');
};
console.log = console.info = console.debug = console.warn = toStderr;
console.error = (...args) => {
    if (captured) captured.push(args.map(String).join(' '));
    toStderr(...args);
};

let libsignal;
try {
    libsignal = require('libsignal');
} catch (e) {
    process.stderr.write('signal_npm_peer: cannot load libsignal (run npm ci): ' + e.message + '\n');
    process.exit(77);
}
const {keyhelper, ProtocolAddress, SessionBuilder, SessionCipher, SessionRecord} = libsignal;

class PeerError extends Error {
    constructor(cls, detail) {
        super(detail);
        this.cls = cls;
    }
}

function badRequest(detail) {
    return new PeerError('bad_request', detail);
}

// ---------------------------------------------------------------------------------------
// Request fields.

function field(req, name) {
    const v = req[name];
    if (v === undefined || v === null) throw badRequest('missing ' + name);
    return v;
}

function strField(req, name) {
    const v = field(req, name);
    if (typeof v !== 'string') throw badRequest(name + ' is not a string');
    return v;
}

function hexField(req, name) {
    const v = strField(req, name);
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(v)) throw badRequest(name + ' is not hex');
    return Buffer.from(v, 'hex');
}

function intField(req, name, fallback) {
    const v = req[name];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (!Number.isSafeInteger(v)) throw badRequest(name + ' is not an integer');
    return v;
}

function u32Field(req, name, fallback) {
    const v = intField(req, name, fallback);
    if (v < 0 || v > 0xffffffff) throw badRequest(name + ' out of range');
    return v;
}

function address(req) {
    const name = strField(req, 'name');
    const device = intField(req, 'device');
    if (device < 0 || device > 0x7fffffff) throw badRequest('device out of range');
    try {
        return new ProtocolAddress(name, device);
    } catch (e) {
        throw badRequest(e.message);  // e.g. a '.' in the name
    }
}

const hex = (b) => Buffer.from(b).toString('hex');

// ---------------------------------------------------------------------------------------
// In-memory storage. Session records are kept serialized: the library mutates the record it
// loaded before it knows a message is good (ratchet steps, skipped keys), and only a stored
// copy keeps a failed decryption from changing the session.

class Storage {
    constructor() {
        this.sessions = new Map();
        this.preKeys = new Map();
        this.signedPreKeys = new Map();
        this.identities = new Map();  // by name: see isTrustedIdentity
        this.identityKeyPair = null;
        this.registrationId = 0;
    }

    async getOurIdentity() {
        return this.identityKeyPair;
    }

    async getOurRegistrationId() {
        return this.registrationId;
    }

    // The library asks with "name" from encrypt and initOutgoing but with "name.device"
    // from initIncoming, and never calls a saveIdentity: trust is per name here, pinned by
    // the peer once a bundle or a PreKeyWhisperMessage has been accepted.
    async isTrustedIdentity(identifier, identityKey) {
        const known = this.identities.get(String(identifier).split('.')[0]);
        return !known || known.equals(identityKey);
    }

    pinIdentity(name, identityKey) {
        if (!this.identities.has(name)) this.identities.set(name, Buffer.from(identityKey));
    }

    async loadSession(fqAddr) {
        const s = this.sessions.get(fqAddr);
        return s === undefined ? undefined : SessionRecord.deserialize(JSON.parse(s));
    }

    async storeSession(fqAddr, record) {
        this.sessions.set(fqAddr, JSON.stringify(record.serialize()));
    }

    async loadPreKey(id) {
        const k = this.preKeys.get(id);
        return k && {pubKey: k.pubKey, privKey: k.privKey};
    }

    async removePreKey(id) {
        this.preKeys.delete(id);
    }

    async loadSignedPreKey(id) {
        const k = this.signedPreKeys.get(id);
        return k && {pubKey: k.keyPair.pubKey, privKey: k.keyPair.privKey};
    }
}

// ---------------------------------------------------------------------------------------
// Errors into the classes of PROTOCOL.md.

function classify(e, sessionErrors) {
    if (e instanceof PeerError) return e;
    const msg = (e && e.message) || String(e);
    const name = (e && e.name) || '';
    if (name === 'UntrustedIdentityKeyError') return new PeerError('untrusted_identity', msg);
    if (name === 'MessageCounterError') return new PeerError('duplicate', msg);
    if (name === 'PreKeyError') return new PeerError('invalid_key_id', msg);
    if (/^No (session record|sessions|open session|sessions available)$/.test(msg)) {
        return new PeerError('no_session', msg);
    }
    if (msg === 'No matching sessions found for message') {
        // decryptWhisperMessage folds every per-session failure into this one error; the
        // reasons went to console.error. A replay fails as MessageCounterError in every
        // session it was tried with.
        const reasons = (sessionErrors || []).filter((s) => s.startsWith('Session error:'));
        if (reasons.length && reasons.every((s) => s.includes('MessageCounterError'))) {
            return new PeerError('duplicate', msg);
        }
        return new PeerError('invalid_message', msg + (reasons.length ? ': ' + reasons[0] : ''));
    }
    if (/^Incompatible version number/.test(msg)) return new PeerError('invalid_version', msg);
    if (/Invalid signature|Invalid public key|Incorrect private key|Invalid private key/.test(msg)) {
        return new PeerError('invalid_key', msg);
    }
    if (/Bad MAC|index out of range|invalid wire type|Expected Buffer|bad decrypt|wrong final block/i
        .test(msg)) {
        return new PeerError('invalid_message', msg);
    }
    return new PeerError('internal', msg);
}

// ---------------------------------------------------------------------------------------
// Commands.

class Peer {
    constructor() {
        this.store = new Storage();
        this.initialised = false;
        this.deviceId = 1;
        this.signedPreKeyId = 0;
        this.handedOut = new Set();
    }

    async handle(cmd, req) {
        if (cmd === 'init') return this.init(req);
        if (cmd === 'quit') return {};
        if (!this.initialised) throw badRequest('init first');
        switch (cmd) {
        case 'identity': return this.identity();
        case 'bundle': return this.bundle(req);
        case 'prekeys': return this.prekeys();
        case 'process_bundle': return this.processBundle(req);
        case 'encrypt': return this.encrypt(req);
        case 'decrypt': return this.decrypt(req);
        case 'has_session': return this.hasSession(req);
        case 'set_identity': return this.setIdentity(req);
        case 'fingerprint':
        case 'group_create':
        case 'group_process':
        case 'group_encrypt':
        case 'group_decrypt':
        case 'serialize_session':
        case 'serialize_prekey':
        case 'serialize_signed_prekey':
        case 'serialize_identity':
            throw new PeerError('unsupported', 'npm libsignal 2.0.1 has no ' + cmd);
        default:
            throw badRequest('unknown command ' + cmd);
        }
    }

    init(req) {
        if (this.initialised) throw badRequest('already initialised');
        let reg = req.registration_id;
        if (reg === undefined || reg === null) {
            // keyhelper's ids are 14 random bits, so 0 is possible; libsignal-c's are 1..16380.
            do {
                reg = keyhelper.generateRegistrationId();
            } while (reg === 0);
        }
        reg = u32Field({reg}, 'reg');
        const device = intField(req, 'device_id', 1);
        const spkId = intField(req, 'signed_prekey_id', 1);
        const start = intField(req, 'prekey_start', 1);
        const count = intField(req, 'prekey_count', 100);
        if (device < 0 || device > 0x7fffffff || spkId < 0 || spkId > 0xffffff || start < 1 ||
            count < 0 || start + count > 0xffffff) {
            throw badRequest('init parameter out of range');
        }
        const s = this.store;
        s.identityKeyPair = keyhelper.generateIdentityKeyPair();
        s.registrationId = reg;
        this.deviceId = device;
        this.signedPreKeyId = spkId;
        s.signedPreKeys.set(spkId, keyhelper.generateSignedPreKey(s.identityKeyPair, spkId));
        for (let id = start; id < start + count; ++id) {
            s.preKeys.set(id, keyhelper.generatePreKey(id).keyPair);
        }
        this.initialised = true;
        return {registration_id: reg, device_id: device, identity_key: hex(s.identityKeyPair.pubKey)};
    }

    identity() {
        return {
            identity_key: hex(this.store.identityKeyPair.pubKey),
            registration_id: this.store.registrationId,
            device_id: this.deviceId
        };
    }

    // As signal_c_peer: each bundle hands out a one-time pre-key not handed out before (or the
    // one asked for); the key stays in the store until a message consumes it.
    bundle(req) {
        const s = this.store;
        const spk = s.signedPreKeys.get(this.signedPreKeyId);
        const out = {
            registration_id: s.registrationId,
            device_id: this.deviceId,
            identity_key: hex(s.identityKeyPair.pubKey),
            signed_prekey_id: spk.keyId,
            signed_prekey: hex(spk.keyPair.pubKey),
            signed_prekey_signature: hex(spk.signature),
            prekey_id: null,
            prekey: null
        };
        if (req.no_prekey === true) return out;
        let id;
        if (req.prekey_id !== undefined && req.prekey_id !== null) {
            id = u32Field(req, 'prekey_id');
            if (!s.preKeys.has(id)) throw new PeerError('invalid_key_id', 'no such pre-key');
        } else {
            id = [...s.preKeys.keys()].sort((a, b) => a - b).find((k) => !this.handedOut.has(k));
        }
        if (id === undefined) return out;
        this.handedOut.add(id);
        out.prekey_id = id;
        out.prekey = hex(s.preKeys.get(id).pubKey);
        return out;
    }

    prekeys() {
        const ids = (m) => [...m.keys()].sort((a, b) => a - b);
        return {prekey_ids: ids(this.store.preKeys), signed_prekey_ids: ids(this.store.signedPreKeys)};
    }

    async processBundle(req) {
        const addr = address(req);
        const device = {
            identityKey: hexField(req, 'identity_key'),
            registrationId: u32Field(req, 'registration_id'),
            signedPreKey: {
                keyId: u32Field(req, 'signed_prekey_id'),
                publicKey: hexField(req, 'signed_prekey'),
                signature: hexField(req, 'signed_prekey_signature')
            }
        };
        if (req.prekey !== undefined && req.prekey !== null) {
            // The library drops a pre-key id of 0 when it writes the PreKeyWhisperMessage
            // ("if (session.pendingPreKey.preKeyId)"), so ids start at 1 everywhere.
            device.preKey = {keyId: u32Field(req, 'prekey_id'), publicKey: hexField(req, 'prekey')};
        }
        await new SessionBuilder(this.store, addr).initOutgoing(device);
        this.store.pinIdentity(addr.id, device.identityKey);
        return {};
    }

    async encrypt(req) {
        const addr = address(req);
        const plaintext = hexField(req, 'plaintext');
        const msg = await new SessionCipher(this.store, addr).encrypt(plaintext);
        return {type: msg.type, body: hex(msg.body)};
    }

    async decrypt(req) {
        const addr = address(req);
        const type = intField(req, 'type');
        const body = hexField(req, 'body');
        if (type !== 1 && type !== 3) throw badRequest('type must be 1 or 3');
        const cipher = new SessionCipher(this.store, addr);
        captured = [];
        try {
            let plaintext;
            if (type === 3) {
                plaintext = await cipher.decryptPreKeyWhisperMessage(body);
                const record = await this.store.loadSession(addr.toString());
                const open = record && record.getOpenSession();
                if (open) this.store.pinIdentity(addr.id, open.indexInfo.remoteIdentityKey);
            } else {
                plaintext = await cipher.decryptWhisperMessage(body);
            }
            return {plaintext: hex(plaintext)};
        } catch (e) {
            throw classify(e, captured);
        } finally {
            captured = null;
        }
    }

    async hasSession(req) {
        const addr = address(req);
        return {has_session: await new SessionCipher(this.store, addr).hasOpenSession()};
    }

    setIdentity(req) {
        const addr = address(req);
        if (req.identity_key === undefined || req.identity_key === null) {
            this.store.identities.delete(addr.id);
        } else {
            this.store.identities.set(addr.id, hexField(req, 'identity_key'));
        }
        return {};
    }
}

// ---------------------------------------------------------------------------------------

async function main() {
    const peer = new Peer();
    const rl = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
    for await (const line of rl) {
        if (!line.trim()) continue;
        let reply;
        let cmd;
        try {
            let req;
            try {
                req = JSON.parse(line);
            } catch (e) {
                throw badRequest(e.message);
            }
            if (req === null || typeof req !== 'object' || Array.isArray(req)) {
                throw badRequest('not a JSON object');
            }
            cmd = strField(req, 'cmd');
            reply = Object.assign(await peer.handle(cmd, req), {ok: true});
        } catch (e) {
            const err = classify(e);
            reply = {ok: false, error: err.cls, detail: err.message};
        }
        process.stdout.write(JSON.stringify(reply) + '\n');
        if (cmd === 'quit') break;
    }
    rl.close();
}

main().catch((e) => {
    process.stderr.write('signal_npm_peer: ' + (e && e.stack || e) + '\n');
    process.exit(1);
});

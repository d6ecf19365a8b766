// libsignal-protocol-c's stored records (protobuf/LocalStorageProtocol.proto)
// written from e2ekit values, for the import tests and the import fuzzer:
// each message as a plain struct that a test may damage field by field,
// its encoder (fields in number order, as protobuf-c packs them), and the
// struct libsignal-protocol-c would store for an e2ekit state. The real
// records come from libsignal-protocol-c itself in
// tests/interop/signal_v3_import; these only make bad input and round trips.
#ifndef E2EKIT_TESTS_SUPPORT_SIGNAL_IMPORT_RECORDS_HPP
#define E2EKIT_TESTS_SUPPORT_SIGNAL_IMPORT_RECORDS_HPP

#include <e2ekit/codec/protobuf.hpp>
#include <e2ekit/identity/prekeys.hpp>
#include <e2ekit/protocols/signal/record.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

namespace e2ekit::test::signal_c_form {

namespace sig = e2ekit::protocols::signal;
namespace pb = e2ekit::codec::protobuf;

struct message_key {
    std::optional<std::uint32_t> index;
    std::optional<bytes> cipher_key, mac_key, iv;
};
struct chain_key {
    std::optional<std::uint32_t> index;
    std::optional<bytes> key;
};
struct chain {
    std::optional<bytes> ratchet_key, ratchet_private;
    std::optional<struct chain_key> chain_key;
    std::vector<message_key> message_keys;
};
struct pending_prekey {
    std::optional<std::uint32_t> prekey_id;
    std::optional<bytes> base_key;
    std::optional<std::int32_t> signed_prekey_id;
};
struct session {
    std::optional<std::uint32_t> version;
    std::optional<bytes> local_identity, remote_identity, root;
    std::optional<std::uint32_t> previous_counter;
    std::optional<chain> sender;
    std::vector<chain> receivers;
    std::optional<bytes> pending_key_exchange; ///< an encoded PendingKeyExchange
    std::optional<struct pending_prekey> pending_prekey;
    std::optional<std::uint32_t> remote_registration_id, local_registration_id;
    std::optional<bool> needs_refresh;
    std::optional<bytes> alice_base_key;
};
struct record {
    std::optional<session> current;
    std::vector<session> previous;
};

namespace detail {

inline void put(pb::writer& w, std::uint32_t n, const std::optional<std::uint32_t>& v) {
    if (v) w.add_uint32(n, *v);
}
inline void put(pb::writer& w, std::uint32_t n, const std::optional<bytes>& v) {
    if (v) w.add_bytes(n, *v);
}

} // namespace detail

inline bytes encode(const message_key& m) {
    bytes out;
    pb::writer w{pb::vector_sink(out)};
    detail::put(w, 1, m.index);
    detail::put(w, 2, m.cipher_key);
    detail::put(w, 3, m.mac_key);
    detail::put(w, 4, m.iv);
    return out;
}

inline bytes encode(const chain& c) {
    bytes out;
    pb::writer w{pb::vector_sink(out)};
    detail::put(w, 1, c.ratchet_key);
    detail::put(w, 2, c.ratchet_private);
    if (c.chain_key) {
        bytes ck;
        pb::writer cw{pb::vector_sink(ck)};
        detail::put(cw, 1, c.chain_key->index);
        detail::put(cw, 2, c.chain_key->key);
        w.add_message(3, ck);
    }
    for (const auto& m : c.message_keys)
        w.add_message(4, encode(m));
    return out;
}

inline bytes encode(const session& s) {
    bytes out;
    pb::writer w{pb::vector_sink(out)};
    detail::put(w, 1, s.version);
    detail::put(w, 2, s.local_identity);
    detail::put(w, 3, s.remote_identity);
    detail::put(w, 4, s.root);
    detail::put(w, 5, s.previous_counter);
    if (s.sender) w.add_message(6, encode(*s.sender));
    for (const auto& c : s.receivers)
        w.add_message(7, encode(c));
    detail::put(w, 8, s.pending_key_exchange);
    if (s.pending_prekey) {
        bytes p;
        pb::writer pw{pb::vector_sink(p)};
        detail::put(pw, 1, s.pending_prekey->prekey_id);
        detail::put(pw, 2, s.pending_prekey->base_key);
        // int32: a negative value is sign-extended to ten bytes.
        if (s.pending_prekey->signed_prekey_id)
            pw.add_uint64(3, static_cast<std::uint64_t>(
                                 static_cast<std::int64_t>(*s.pending_prekey->signed_prekey_id)));
        w.add_message(9, p);
    }
    detail::put(w, 10, s.remote_registration_id);
    detail::put(w, 11, s.local_registration_id);
    if (s.needs_refresh) w.add_bool(12, *s.needs_refresh);
    detail::put(w, 13, s.alice_base_key);
    return out;
}

inline bytes encode(const record& r) {
    bytes out;
    pb::writer w{pb::vector_sink(out)};
    if (r.current) w.add_message(1, encode(*r.current));
    for (const auto& s : r.previous)
        w.add_message(2, encode(s));
    return out;
}

inline bytes key33(const sig::public_key& k) {
    const auto e = sig::key_encoding::encode(k);
    return bytes(e.begin(), e.end());
}
inline bytes raw(bytes_view secret_bytes) {
    return bytes(secret_bytes.begin(), secret_bytes.end());
}

/// What libsignal-protocol-c stores for this state. Its form always has a
/// sending chain (it turns the DH ratchet on receipt): a state whose next
/// send would draw a new ratchet key has none, and throws.
inline session from_state(const sig::session_state& s) {
    const auto& r = s.ratchet;
    if (!r.ratchet_key || !r.sending)
        throw std::invalid_argument("libsignal-protocol-c's form needs a sending chain");
    session out;
    out.version = 3;
    out.local_identity = key33(s.local_identity);
    out.remote_identity = key33(s.remote_identity);
    out.root = raw(r.root.view());
    out.previous_counter = r.previous_counter;
    out.sender = chain{key33(r.ratchet_key->pub),
                       raw(r.ratchet_key->priv.view()),
                       chain_key{r.sending->index, raw(r.sending->key.view())},
                       {}};
    for (const auto& c : r.receivers) {
        chain rc{key33(c.ratchet_key), std::nullopt, chain_key{c.index, raw(c.key.view())}, {}};
        for (const auto& k : c.skipped)
            rc.message_keys.push_back(
                {k.index, raw(k.keys.cipher_key()), raw(k.keys.mac_key()), raw(k.keys.iv())});
        out.receivers.push_back(std::move(rc));
    }
    if (s.unacknowledged)
        out.pending_prekey =
            pending_prekey{s.unacknowledged->prekey_id, key33(s.unacknowledged->base_key),
                           static_cast<std::int32_t>(s.unacknowledged->signed_prekey_id)};
    out.remote_registration_id = s.remote_registration_id;
    out.local_registration_id = s.local_registration_id;
    out.needs_refresh = false;
    out.alice_base_key = key33(s.base_key);
    return out;
}

inline record from_record(const sig::session_record& r) {
    record out;
    if (r.current) out.current = from_state(*r.current);
    for (const auto& s : r.archived)
        out.previous.push_back(from_state(*s));
    return out;
}

/// The state session_record_archive_current_state leaves as current.
inline session blank() {
    session s;
    s.version = 2;
    s.previous_counter = 0;
    s.remote_registration_id = 0;
    s.local_registration_id = 0;
    s.needs_refresh = false;
    return s;
}

inline bytes prekey(std::optional<std::uint32_t> id, std::optional<bytes> pub,
                    std::optional<bytes> priv) {
    bytes out;
    pb::writer w{pb::vector_sink(out)};
    detail::put(w, 1, id);
    detail::put(w, 2, pub);
    detail::put(w, 3, priv);
    return out;
}

inline bytes signed_prekey(std::optional<std::uint32_t> id, std::optional<bytes> pub,
                           std::optional<bytes> priv, std::optional<bytes> signature,
                           std::optional<std::uint64_t> timestamp) {
    bytes out;
    pb::writer w{pb::vector_sink(out)};
    detail::put(w, 1, id);
    detail::put(w, 2, pub);
    detail::put(w, 3, priv);
    detail::put(w, 4, signature);
    if (timestamp) w.add_fixed64(5, *timestamp);
    return out;
}

inline bytes identity_key_pair(std::optional<bytes> pub, std::optional<bytes> priv) {
    bytes out;
    pb::writer w{pb::vector_sink(out)};
    detail::put(w, 1, pub);
    detail::put(w, 2, priv);
    return out;
}

} // namespace e2ekit::test::signal_c_form

#endif

// OMEMO 0.3 (XEP-0384 v0.3, eu.siacs.conversations.axolotl) as one type:
// Signal's X3DH and Double Ratchet with OMEMO 0.3's params over the Signal
// v3 wire, plus the backend a session manager drives, in the shape of
// python-omemo's Backend (omemo/backend.py), byte for byte as
// python-oldmemo 1.0.3. The pieces live in protocols/oldmemo/, namespace
// `omemo03` (the name `oldmemo` is this type's).
//
// | member                                         | python-oldmemo (Oldmemo, etree)    |
// |------------------------------------------------|------------------------------------|
// | `namespace_uri`                                | NAMESPACE                          |
// | `encrypt_plaintext(rng, pt)` -> {content,      | encrypt_plaintext                  |
// |   key_material}                                |                                    |
// | `encrypt_empty(rng)` -> the same               | encrypt_empty                      |
// | `decrypt_plaintext(content, km)` ->            | decrypt_plaintext                  |
// |   result<secret_bytes>                         |                                    |
// | `build_session_active(own, bundle, rng)` ->    | build_session_active (before its   |
// |   result<session>                              | first encryption)                  |
// | `build_session_passive(own, spks, pks, kex)`   | build_session_passive              |
// |   -> result<accept_step>                       |                                    |
// | `accept_key_exchange(existing*, own, spks,     | SessionManager: an existing        |
// |   pks, kex)` -> result<accept_step>            | session built by it, or a new one  |
// | `encrypt_key_material(session, km, rng)` ->    | encrypt_key_material, with the key |
// |   result<encrypt_step> (<key> content, flag)   | exchange while unconfirmed         |
// | `decrypt_key_material(session, message)` ->    | decrypt_key_material               |
// |   result<decrypt_step>                         |                                    |
// | `parse_key_exchange`, `encode_key_exchange`    | KeyExchangeImpl.parse / serialize  |
// | `serialize_session`, `parse_session`           | store_session / load_session       |
// | `make_bundle(own, spk, pks)`, `bundle::verify` | get_bundle                         |
// | `parse_/serialize_encrypted, _bundle,          | etree                              |
// |   _device_list`                                |                                    |
//
// Steps are pending (ratchet/pending.hpp): commit the session they carry,
// then use their payload.
#ifndef E2EKIT_PROTOCOLS_OLDMEMO_HPP
#define E2EKIT_PROTOCOLS_OLDMEMO_HPP

#include <e2ekit/agreement/x3dh.hpp>
#include <e2ekit/protocols/oldmemo/bundle.hpp>
#include <e2ekit/protocols/oldmemo/envelope.hpp>
#include <e2ekit/protocols/oldmemo/error.hpp>
#include <e2ekit/protocols/oldmemo/identity.hpp>
#include <e2ekit/protocols/oldmemo/messages.hpp>
#include <e2ekit/protocols/oldmemo/params.hpp>
#include <e2ekit/protocols/oldmemo/payload.hpp>
#include <e2ekit/protocols/oldmemo/session.hpp>
#include <e2ekit/protocols/oldmemo/session_backend.hpp>
#include <e2ekit/protocols/oldmemo/xml.hpp>
#include <e2ekit/protocols/protocol.hpp>
#include <e2ekit/ratchet/double_ratchet.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::protocols {

struct oldmemo : protocol<agreement::x3dh<omemo03::x3dh_params>,
                          ratchet::double_ratchet<omemo03::ratchet_params>, omemo03::envelope_03> {
    static constexpr std::string_view namespace_uri = omemo03::namespace_uri;
    /// What session::manager drives (session/backend.hpp).
    using session_backend = omemo03::session_backend;

    using identity_key_pair = omemo03::identity_key_pair;
    using public_key = omemo03::public_key;
    using ed25519_public_key = omemo03::ed25519_public_key;
    using signed_prekey = omemo03::signed_prekey;
    using prekey = omemo03::prekey;
    using bundle = omemo03::bundle;
    using content = omemo03::content;
    using plain_key_material = omemo03::plain_key_material;
    using encrypted_payload = omemo03::encrypted_payload;
    using encrypted_key_material = omemo03::encrypted_key_material;
    using key_exchange = omemo03::key_exchange;
    using session = omemo03::session;
    using encrypt_step = omemo03::encrypt_step;
    using decrypt_step = omemo03::decrypt_step;
    using accept_step = omemo03::accept_step;
    using encrypted_element = omemo03::encrypted_element;
    using key_element = omemo03::key_element;

    // --- content (no session) ---
    template <random_source R>
    static encrypted_payload encrypt_plaintext(R& rng, bytes_view plaintext) {
        return omemo03::encrypt_plaintext(rng, plaintext);
    }
    template <random_source R>
    static encrypted_payload encrypt_empty(R& rng) {
        return omemo03::encrypt_empty(rng);
    }
    static result<secret_bytes> decrypt_plaintext(const content& c, const plain_key_material& km) {
        return omemo03::decrypt_plaintext(c, km);
    }

    // --- own keys and bundles ---
    template <random_source R>
    static signed_prekey generate_signed_prekey(const identity_key_pair& own, std::uint32_t id,
                                                std::uint64_t timestamp, R& rng) {
        return omemo03::generate_signed_prekey(own, id, timestamp, rng);
    }
    template <random_source R>
    static std::vector<prekey> generate_prekeys(std::uint32_t first, std::uint32_t count, R& rng) {
        return omemo03::generate_prekeys(first, count, rng);
    }
    static bundle make_bundle(const identity_key_pair& own, const signed_prekey& spk,
                              std::span<const prekey> prekeys) {
        return omemo03::make_bundle(own, spk, prekeys);
    }

    // --- sessions ---
    template <random_source R>
    static result<session> build_session_active(const identity_key_pair& own, const bundle& b,
                                                R& rng) {
        return omemo03::build_session_active(own, b, rng);
    }
    static result<accept_step> build_session_passive(const identity_key_pair& own,
                                                     std::span<const signed_prekey> spks,
                                                     std::span<const prekey> pks,
                                                     const key_exchange& x) {
        return omemo03::build_session_passive(own, spks, pks, x);
    }
    static result<accept_step> accept_key_exchange(const session* existing,
                                                   const identity_key_pair& own,
                                                   std::span<const signed_prekey> spks,
                                                   std::span<const prekey> pks,
                                                   const key_exchange& x) {
        return omemo03::accept_key_exchange(existing, own, spks, pks, x);
    }
    template <random_source R>
    static result<encrypt_step> encrypt_key_material(const session& s, const plain_key_material& km,
                                                     R& rng) {
        return omemo03::encrypt_key_material(s, km, rng);
    }
    static result<decrypt_step> decrypt_key_material(const session& s, bytes_view message) {
        return omemo03::decrypt_key_material(s, message);
    }
    static result<key_exchange> parse_key_exchange(bytes_view b) {
        return omemo03::parse_key_exchange(b);
    }
    static bytes encode_key_exchange(const key_exchange& x) {
        return omemo03::encode_key_exchange(x);
    }
    static secret_bytes serialize_session(const session& s) { return omemo03::serialize(s); }
    static result<session> parse_session(bytes_view stored) {
        return omemo03::parse_session(stored);
    }

    // --- XML element forms ---
    static result<encrypted_element> parse_encrypted(std::string_view xml) {
        return omemo03::parse_encrypted(xml);
    }
    static std::string serialize_encrypted(const encrypted_element& e) {
        return omemo03::serialize_encrypted(e);
    }
    static result<bundle> parse_bundle(std::string_view xml) { return omemo03::parse_bundle(xml); }
    static std::string serialize_bundle(const bundle& b) { return omemo03::serialize_bundle(b); }
    static result<std::vector<std::uint32_t>> parse_device_list(std::string_view xml) {
        return omemo03::parse_device_list(xml);
    }
    static std::string serialize_device_list(std::span<const std::uint32_t> ids) {
        return omemo03::serialize_device_list(ids);
    }
};
static_assert(composable<oldmemo::agreement_type, oldmemo::ratchet_type, oldmemo::envelope_type>);

} // namespace e2ekit::protocols

#endif

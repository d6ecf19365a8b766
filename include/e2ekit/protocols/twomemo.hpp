// OMEMO 2 (XEP-0384 0.8, `urn:xmpp:omemo:2`) as one backend type, byte for
// byte as python-twomemo 1.0.3: X3DH and the Double Ratchet with OMEMO 2's
// params over its wire (protocols/twomemo/ holds the params, identity,
// messages, payload, sessions, bundles and XML forms, in namespace
// `protocols::omemo2`).
//
// `protocols::twomemo` is the protocol<A, R, E> of those choices (checked
// by their concepts) and the backend surface a session manager drives, the
// split of python-omemo's omemo/backend.py:
//
// | member                                       | python-omemo Backend       |
// |----------------------------------------------|----------------------------|
// | `encrypt_plaintext(rng, pt)`                 | encrypt_plaintext          |
// | `encrypt_empty(rng)`                         | encrypt_empty              |
// | `decrypt_plaintext(content, km)`             | decrypt_plaintext          |
// | `build_session_active(own, bundle, rng)`     | build_session_active (1)   |
// | `build_session_passive(own, spks, pks, kx)`  | build_session_passive (2)  |
// | `encrypt_key_material(session, km, rng)`     | encrypt_key_material (3)   |
// | `decrypt_key_material(session, message)`     | decrypt_key_material (2)   |
// | `builds_same_session(session, kx)`           | KeyExchange.builds_same_.. |
// | `serialize_session` / `parse_session`        | store_session/load_session |
// | `parse_*` / `*_xml` / `write_*`              | twomemo.etree              |
//
// (1) The session alone: its first key material goes through
//     encrypt_key_material, which makes it the key exchange.
// (2) A pending step (ratchet/pending.hpp): commit its state, then take
//     the key material.
// (3) A pending step whose payload is the `<key>` content (a key exchange
//     while the session is not confirmed).
#ifndef E2EKIT_PROTOCOLS_TWOMEMO_HPP
#define E2EKIT_PROTOCOLS_TWOMEMO_HPP

#include <e2ekit/agreement/x3dh.hpp>
#include <e2ekit/protocols/protocol.hpp>
#include <e2ekit/protocols/twomemo/bundle.hpp>
#include <e2ekit/protocols/twomemo/envelope.hpp>
#include <e2ekit/protocols/twomemo/error.hpp>
#include <e2ekit/protocols/twomemo/identity.hpp>
#include <e2ekit/protocols/twomemo/messages.hpp>
#include <e2ekit/protocols/twomemo/params.hpp>
#include <e2ekit/protocols/twomemo/payload.hpp>
#include <e2ekit/protocols/twomemo/session.hpp>
#include <e2ekit/protocols/twomemo/session_backend.hpp>
#include <e2ekit/protocols/twomemo/xml.hpp>
#include <e2ekit/ratchet/double_ratchet.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::protocols {

struct twomemo : protocol<agreement::x3dh<omemo2::x3dh_params>,
                          ratchet::double_ratchet<omemo2::ratchet_params>, omemo2::envelope_2> {
    static constexpr std::string_view namespace_uri = omemo2::namespace_uri;
    /// What session::manager drives (session/backend.hpp).
    using session_backend = omemo2::session_backend;

    using identity_key = omemo2::identity_key; ///< Ed25519, as published
    using identity_key_pair = omemo2::identity_key_pair;
    using content = omemo2::content;
    using plain_key_material = omemo2::plain_key_material;
    using encrypted_payload = omemo2::encrypted_payload;
    using encrypted_key_material = omemo2::encrypted_key_material;
    using authenticated_message = omemo2::authenticated_message;
    using key_exchange = omemo2::key_exchange;
    using session = omemo2::session;
    using encrypt_step = omemo2::encrypt_step;
    using decrypt_step = omemo2::decrypt_step;
    using passive_step = omemo2::passive_step;
    using bundle = omemo2::bundle;
    using signed_prekey = omemo2::signed_prekey;
    using prekey = omemo2::prekey;
    using device = omemo2::device;
    using encrypted_element = omemo2::encrypted_element;

    /// The identity key in the Ed25519 form trust and fingerprints use
    /// (OMEMO 2 publishes that form already).
    static crypto::ed25519::verifying_key ed25519_form(const identity_key& k) noexcept { return k; }

    template <random_source R>
    static encrypted_payload encrypt_plaintext(R& rng, bytes_view plaintext) {
        return omemo2::encrypt_plaintext(rng, plaintext);
    }
    template <random_source R>
    static encrypted_payload encrypt_empty(R& rng) {
        return omemo2::encrypt_empty(rng);
    }
    static result<secret_bytes> decrypt_plaintext(const content& c, const plain_key_material& k) {
        return omemo2::decrypt_plaintext(c, k);
    }

    template <random_source R>
    static result<session> build_session_active(const identity_key_pair& own, const bundle& b,
                                                R& rng) {
        return omemo2::build_session_active(own, b, rng);
    }
    static result<passive_step> build_session_passive(const identity_key_pair& own,
                                                      std::span<const signed_prekey> spks,
                                                      std::span<const prekey> pks,
                                                      const key_exchange& x) {
        return omemo2::build_session_passive(own, spks, pks, x);
    }
    template <random_source R>
    static result<encrypt_step> encrypt_key_material(const session& s, const plain_key_material& k,
                                                     R& rng) {
        return omemo2::encrypt_key_material(s, k, rng);
    }
    static result<decrypt_step> decrypt_key_material(const session& s,
                                                     const authenticated_message& m) {
        return omemo2::decrypt_key_material(s, m);
    }
    static bool builds_same_session(const session& s, const key_exchange& x) noexcept {
        return omemo2::builds_same_session(s, x);
    }
    static secret_bytes serialize_session(const session& s) { return omemo2::serialize(s); }
    static result<session> parse_session(bytes_view b) { return omemo2::parse_session(b); }

    /// The `<key>` content of a received message.
    static result<authenticated_message> parse_message(bytes_view b) {
        return omemo2::parse_authenticated_message(b);
    }
    static result<key_exchange> parse_key_exchange(bytes_view b) {
        return omemo2::parse_key_exchange(b);
    }

    static bundle make_bundle(const identity_key_pair& own, const signed_prekey& spk,
                              std::span<const prekey> pks) {
        return omemo2::make_bundle(own, spk, pks);
    }
    static result<bundle> parse_bundle(std::string_view xml) { return omemo2::parse_bundle(xml); }
    static std::string bundle_xml(const bundle& b) { return omemo2::bundle_xml(b); }
    static result<std::vector<device>> parse_device_list(std::string_view xml) {
        return omemo2::parse_device_list(xml);
    }
    static std::string device_list_xml(std::span<const device> d) {
        return omemo2::device_list_xml(d);
    }
    static result<encrypted_element> parse_encrypted(std::string_view xml) {
        return omemo2::parse_encrypted(xml);
    }
    static std::string encrypted_xml(const encrypted_element& m) {
        return omemo2::encrypted_xml(m);
    }
};
static_assert(composable<twomemo::agreement_type, twomemo::ratchet_type, twomemo::envelope_type>);

} // namespace e2ekit::protocols

#endif

// OMEMO 0.3 as session::manager drives it: the omemo_backend model
// (session/backend.hpp) over this folder's pieces, with the device's own
// pre-keys in identity/own_prekeys.hpp's form.
#ifndef E2EKIT_PROTOCOLS_OLDMEMO_SESSION_BACKEND_HPP
#define E2EKIT_PROTOCOLS_OLDMEMO_SESSION_BACKEND_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/xeddsa.hpp>
#include <e2ekit/identity/own_prekeys.hpp>
#include <e2ekit/protocols/oldmemo/bundle.hpp>
#include <e2ekit/protocols/oldmemo/error.hpp>
#include <e2ekit/protocols/oldmemo/identity.hpp>
#include <e2ekit/protocols/oldmemo/messages.hpp>
#include <e2ekit/protocols/oldmemo/payload.hpp>
#include <e2ekit/protocols/oldmemo/session.hpp>
#include <e2ekit/protocols/oldmemo/xml.hpp>
#include <e2ekit/ratchet/pending.hpp>
#include <e2ekit/session/backend.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace e2ekit::protocols::omemo03 {

using own_prekeys = identity::own_prekeys<x3dh_params>;

struct session_backend : identity::own_prekeys_backend<session_backend, x3dh_params> {
    using omemo_backend_concept = e2ekit::session::omemo_backend_tag;
    static constexpr std::string_view namespace_uri = omemo03::namespace_uri;

    using identity = identity_key_pair;
    using bundle = omemo03::bundle;
    using session = omemo03::session;
    using content = omemo03::content;
    using key_material = plain_key_material;
    using key = key_element;
    /// An <encrypted> element and the content it carries.
    struct message {
        encrypted_element element;
        omemo03::content body;
    };

    static identity identity_from_seed(const e2ekit::session::identity_seed& s) {
        crypto::ed25519::seed seed;
        std::copy(s.view().begin(), s.view().end(), seed.mutable_view().begin());
        return identity_key_pair::from_seed(seed);
    }
    static byte_array<32> identity_key(const identity& id) { return id.ed25519_public(); }

    template <random_source R>
    static signed_prekey make_signed_prekey(const identity& id, std::uint32_t sid,
                                            std::uint64_t now, R& r) {
        return generate_signed_prekey(id, sid, now, r);
    }
    static std::string bundle_xml(const identity& id, const prekeys& p) {
        return serialize_bundle(make_bundle(id, p.signed_keys.front(), p.visible_keys()));
    }

    using own_prekeys_backend::serialize;
    static secret_bytes serialize(const session& s) { return omemo03::serialize(s); }
    static result<session> parse_session(bytes_view stored) {
        return omemo03::parse_session(stored);
    }

    /// The element, with the signed pre-key's signature checked.
    static result<bundle> parse_bundle(std::string_view xml) {
        E2EKIT_TRY(b, omemo03::parse_bundle(xml));
        E2EKIT_CHECK(b.verify());
        return b;
    }
    static byte_array<32> bundle_identity(const bundle& b) { return b.identity_key_ed25519(); }
    template <random_source R>
    static result<session> build_active(const identity& id, const bundle& b, R& r) {
        return build_session_active(id, b, r);
    }

    template <random_source R>
    static std::pair<content, key_material> encrypt_plaintext(R& r, bytes_view plaintext) {
        auto p = omemo03::encrypt_plaintext(r, plaintext);
        return {std::move(p.content), std::move(p.key_material)};
    }
    template <random_source R>
    static std::pair<content, key_material> encrypt_empty(R& r) {
        auto p = omemo03::encrypt_empty(r);
        return {std::move(p.content), std::move(p.key_material)};
    }
    static result<secret_bytes> decrypt_plaintext(const content& c, const key_material& km) {
        return omemo03::decrypt_plaintext(c, km);
    }
    static bool empty(const content& c) { return c.empty(); }

    template <random_source R>
    static result<ratchet::pending<session, key>> encrypt_key(const session& s,
                                                              const key_material& km, R& r) {
        E2EKIT_TRY(step, encrypt_key_material(s, km, r));
        auto [next, ekm] = std::move(step).split();
        return ratchet::pending<session, key>(std::move(next),
                                              key{0, ekm.prekey, std::move(ekm.data)});
    }
    static bool is_key_exchange(const key& k) { return k.prekey; }
    static result<ratchet::pending<session, e2ekit::session::accepted<key_material>>>
    accept(const identity& id, const prekeys& p, const session* existing, const key& k) {
        E2EKIT_TRY(x, parse_key_exchange(k.data));
        E2EKIT_TRY(step, accept_key_exchange(existing, id, p.signed_keys, p.prekeys, x));
        auto [next, acc] = std::move(step).split();
        // The Curve25519 form has no sign bit: the manager compares modulo it.
        e2ekit::session::accepted<key_material> out{
            std::move(acc.key_material), acc.consumed_prekey_id,
            crypto::xeddsa::ed25519_from_curve25519(x.identity_key)};
        return ratchet::pending<session, e2ekit::session::accepted<key_material>>(std::move(next),
                                                                                  std::move(out));
    }
    static result<ratchet::pending<session, key_material>> decrypt_key(const session& s,
                                                                       const key& k) {
        return decrypt_key_material(s, k.data);
    }
    static std::uint32_t receiving_chain_length(const session& s) {
        return s.ratchet.receivers.empty() ? 0 : s.ratchet.receivers.back().index;
    }
    static std::optional<std::uint32_t> passive_prekey(const session& s) {
        if (s.initiation != initiation::passive) return std::nullopt;
        return s.exchange.prekey_id;
    }

    static result<message> parse_message(std::string_view xml) {
        E2EKIT_TRY(e, parse_encrypted(xml));
        message m{std::move(e), {}};
        m.body = m.element.content();
        return m;
    }
    static std::uint32_t sender_device(const message& m) { return m.element.sid; }
    static const content& content_of(const message& m) { return m.body; }
    /// OMEMO 0.3 addresses keys by device id alone.
    static const key* key_for(const message& m, std::string_view, std::uint32_t device) {
        return m.element.key_for(device);
    }
    static std::string message_xml(std::uint32_t sid, const content& c,
                                   std::span<const e2ekit::session::addressed_key<key>> keys) {
        encrypted_element e;
        e.sid = sid;
        e.iv = c.iv;
        if (!c.empty()) e.payload = c.ciphertext;
        for (const auto& k : keys)
            e.keys.push_back({k.device, k.key.prekey, k.key.data});
        return serialize_encrypted(e);
    }
    static result<std::vector<e2ekit::session::listed_device>>
    parse_device_list(std::string_view xml) {
        E2EKIT_TRY(ids, omemo03::parse_device_list(xml));
        std::vector<e2ekit::session::listed_device> out;
        for (auto id : ids)
            out.push_back({id, {}});
        return out;
    }
    static std::string device_list_xml(std::span<const e2ekit::session::listed_device> devices) {
        std::vector<std::uint32_t> ids;
        for (const auto& d : devices)
            ids.push_back(d.id);
        return serialize_device_list(ids);
    }
};
static_assert(e2ekit::session::omemo_backend<session_backend>);

} // namespace e2ekit::protocols::omemo03

#endif

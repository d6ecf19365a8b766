// OMEMO 2 as session::manager drives it: the omemo_backend model
// (session/backend.hpp) over this folder's pieces, with the device's own
// pre-keys in identity/own_prekeys.hpp's form.
#ifndef E2EKIT_PROTOCOLS_TWOMEMO_SESSION_BACKEND_HPP
#define E2EKIT_PROTOCOLS_TWOMEMO_SESSION_BACKEND_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/identity/own_prekeys.hpp>
#include <e2ekit/protocols/twomemo/bundle.hpp>
#include <e2ekit/protocols/twomemo/error.hpp>
#include <e2ekit/protocols/twomemo/identity.hpp>
#include <e2ekit/protocols/twomemo/messages.hpp>
#include <e2ekit/protocols/twomemo/payload.hpp>
#include <e2ekit/protocols/twomemo/session.hpp>
#include <e2ekit/protocols/twomemo/xml.hpp>
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

namespace e2ekit::protocols::omemo2 {

using own_prekeys = identity::own_prekeys<x3dh_params>;

struct session_backend : identity::own_prekeys_backend<session_backend, x3dh_params> {
    using omemo_backend_concept = e2ekit::session::omemo_backend_tag;
    static constexpr std::string_view namespace_uri = omemo2::namespace_uri;

    using identity = identity_key_pair;
    using bundle = omemo2::bundle;
    using session = omemo2::session;
    using content = omemo2::content;
    using key_material = plain_key_material;
    using key = encrypted_key_material;
    using message = encrypted_element;
    using accepted = e2ekit::session::accepted<key_material>;

    static identity identity_from_seed(const e2ekit::session::identity_seed& s) {
        crypto::ed25519::seed seed;
        std::copy(s.view().begin(), s.view().end(), seed.mutable_view().begin());
        return identity_key_pair::from_seed(seed);
    }
    static byte_array<32> identity_key(const identity& id) { return id.ed25519; }

    /// Ed25519 with the identity's scalar (python-twomemo).
    template <random_source R>
    static signed_prekey make_signed_prekey(const identity& id, std::uint32_t sid,
                                            std::uint64_t now, R& r) {
        return signed_prekey::generate(id.dh, sid, now, r);
    }
    static std::string bundle_xml(const identity& id, const prekeys& p) {
        return omemo2::bundle_xml(make_bundle(id, p.signed_keys.front(), p.visible_keys()));
    }
    using own_prekeys_backend::serialize;
    static secret_bytes serialize(const session& s) { return omemo2::serialize(s); }
    static result<session> parse_session(bytes_view stored) {
        return omemo2::parse_session(stored);
    }

    /// The element, with the signed pre-key's signature checked.
    static result<bundle> parse_bundle(std::string_view xml) {
        E2EKIT_TRY(b, omemo2::parse_bundle(xml));
        E2EKIT_CHECK(b.verify());
        return b;
    }
    static byte_array<32> bundle_identity(const bundle& b) { return b.identity; }
    template <random_source R>
    static result<session> build_active(const identity& id, const bundle& b, R& r) {
        return build_session_active(id, b, r);
    }

    template <random_source R>
    static std::pair<content, key_material> encrypt_plaintext(R& r, bytes_view plaintext) {
        auto p = omemo2::encrypt_plaintext(r, plaintext);
        return {std::move(p.ciphertext), std::move(p.key_material)};
    }
    template <random_source R>
    static std::pair<content, key_material> encrypt_empty(R& r) {
        auto p = omemo2::encrypt_empty(r);
        return {std::move(p.ciphertext), std::move(p.key_material)};
    }
    static result<secret_bytes> decrypt_plaintext(const content& c, const key_material& km) {
        return omemo2::decrypt_plaintext(c, km);
    }
    static bool empty(const content& c) { return c.empty(); }

    template <random_source R>
    static result<ratchet::pending<session, key>> encrypt_key(const session& s,
                                                              const key_material& km, R& r) {
        return encrypt_key_material(s, km, r);
    }
    static bool is_key_exchange(const key& k) { return k.kex; }
    static result<ratchet::pending<session, accepted>>
    accept(const identity& id, const prekeys& p, const session* existing, const key& k) {
        E2EKIT_TRY(x, parse_key_exchange(k.data));
        if (existing && builds_same_session(*existing, x)) {
            E2EKIT_TRY(step, decrypt_key_material(*existing, x.message));
            auto [next, km] = std::move(step).split();
            return ratchet::pending<session, accepted>(
                std::move(next), accepted{std::move(km), std::nullopt, x.identity});
        }
        E2EKIT_TRY(step, build_session_passive(id, p.signed_keys, p.prekeys, x));
        auto [next, out] = std::move(step).split();
        return ratchet::pending<session, accepted>(
            std::move(next),
            accepted{std::move(out.key_material), out.consumed_prekey_id, x.identity});
    }
    static result<ratchet::pending<session, key_material>> decrypt_key(const session& s,
                                                                       const key& k) {
        E2EKIT_TRY(m, parse_authenticated_message(k.data));
        return decrypt_key_material(s, m);
    }
    static std::uint32_t receiving_chain_length(const session& s) {
        return s.ratchet.receivers.empty() ? 0 : s.ratchet.receivers.back().index;
    }
    static std::optional<std::uint32_t> passive_prekey(const session& s) {
        if (s.how != initiation::passive) return std::nullopt;
        return s.exchange.prekey_id;
    }

    static result<message> parse_message(std::string_view xml) { return parse_encrypted(xml); }
    static std::uint32_t sender_device(const message& m) { return m.sid; }
    static const content& content_of(const message& m) { return m.payload; }
    static const key* key_for(const message& m, std::string_view jid, std::uint32_t device) {
        for (const auto& r : m.recipients)
            if (r.jid == jid)
                for (const auto& k : r.keys)
                    if (k.rid == device) return &k.material;
        return nullptr;
    }
    static std::string message_xml(std::uint32_t sid, const content& c,
                                   std::span<const e2ekit::session::addressed_key<key>> keys) {
        encrypted_element e{sid, {}, c};
        for (const auto& k : keys) {
            auto it = std::find_if(e.recipients.begin(), e.recipients.end(),
                                   [&](const recipient_keys& r) { return r.jid == k.jid; });
            if (it == e.recipients.end()) it = e.recipients.insert(e.recipients.end(), {k.jid, {}});
            it->keys.push_back({k.device, k.key});
        }
        return encrypted_xml(e);
    }
    static result<std::vector<e2ekit::session::listed_device>>
    parse_device_list(std::string_view xml) {
        E2EKIT_TRY(ds, omemo2::parse_device_list(xml));
        std::vector<e2ekit::session::listed_device> out;
        for (auto& d : ds)
            out.push_back({d.id, d.label.value_or(std::string())});
        return out;
    }
    static std::string device_list_xml(std::span<const e2ekit::session::listed_device> devices) {
        std::vector<device> ds;
        for (const auto& d : devices)
            ds.push_back({d.id, d.label.empty() ? std::nullopt : std::optional(d.label)});
        return omemo2::device_list_xml(ds);
    }
};
static_assert(e2ekit::session::omemo_backend<session_backend>);

} // namespace e2ekit::protocols::omemo2

#endif

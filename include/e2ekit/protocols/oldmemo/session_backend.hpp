// OMEMO 0.3 as session::manager drives it: the omemo_backend model
// (session/backend.hpp) over this folder's pieces, and the device's own
// pre-keys as python-oldmemo keeps them (a current signed pre-key and the
// one before it, one-time pre-keys that may be hidden from the bundle while
// still accepted).
//
// Stored pre-keys (strict, fixed layout, big-endian):
//   format(1) next_prekey_id(4) next_signed_id(4) n_signed(1)
//   n_signed x [id(4) timestamp(8) private(32) public(32) signature(64)]
//   n_prekeys(4) n_prekeys x [id(4) hidden(1) private(32) public(32)]
#ifndef E2EKIT_PROTOCOLS_OLDMEMO_SESSION_BACKEND_HPP
#define E2EKIT_PROTOCOLS_OLDMEMO_SESSION_BACKEND_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/xeddsa.hpp>
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

/// The device's own pre-keys.
struct own_prekeys {
    std::vector<signed_prekey> signed_keys; ///< current first, then the one it replaced
    std::vector<prekey> prekeys;
    std::vector<std::uint32_t> hidden; ///< ids of `prekeys` left out of the bundle
    std::uint32_t next_prekey = 1;
    std::uint32_t next_signed = 1;

    bool is_hidden(std::uint32_t id) const {
        return std::find(hidden.begin(), hidden.end(), id) != hidden.end();
    }
};

struct session_backend {
    using omemo_backend_concept = e2ekit::session::omemo_backend_tag;
    static constexpr std::string_view namespace_uri = omemo03::namespace_uri;

    using identity = identity_key_pair;
    using prekeys = own_prekeys;
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

    /// A signed pre-key older than this many is dropped on rotation.
    static constexpr std::size_t kept_signed_prekeys = 2;

    static identity identity_from_seed(const e2ekit::session::identity_seed& s) {
        crypto::ed25519::seed seed;
        std::copy(s.view().begin(), s.view().end(), seed.mutable_view().begin());
        return identity_key_pair::from_seed(seed);
    }
    static byte_array<32> identity_key(const identity& id) { return id.ed25519_public(); }

    template <random_source R>
    static prekeys new_prekeys(const identity& id, R& r, std::size_t n, std::uint64_t now) {
        prekeys p;
        rotate(p, id, r, now);
        add_prekeys(p, r, n);
        return p;
    }
    static std::size_t visible_prekeys(const prekeys& p) {
        return p.prekeys.size() - p.hidden.size();
    }
    template <random_source R>
    static void add_prekeys(prekeys& p, R& r, std::size_t n) {
        auto fresh = generate_prekeys(p.next_prekey, static_cast<std::uint32_t>(n), r);
        p.next_prekey += static_cast<std::uint32_t>(n);
        for (auto& k : fresh)
            p.prekeys.push_back(std::move(k));
    }
    template <random_source R>
    static void rotate(prekeys& p, const identity& id, R& r, std::uint64_t now) {
        p.signed_keys.insert(p.signed_keys.begin(),
                             generate_signed_prekey(id, p.next_signed++, now, r));
        if (p.signed_keys.size() > kept_signed_prekeys) p.signed_keys.resize(kept_signed_prekeys);
    }
    static std::uint64_t signed_prekey_time(const prekeys& p) {
        return p.signed_keys.front().timestamp;
    }
    static bool use_prekey(prekeys& p, std::uint32_t id, bool hide) {
        const auto it = std::find_if(p.prekeys.begin(), p.prekeys.end(),
                                     [&](const prekey& k) { return k.id == id; });
        if (it == p.prekeys.end()) return false;
        if (hide) {
            if (p.is_hidden(id)) return false;
            p.hidden.push_back(id);
            return true;
        }
        p.prekeys.erase(it);
        std::erase(p.hidden, id);
        return true;
    }
    static bool has_prekey(const prekeys& p, std::uint32_t id) {
        return std::any_of(p.prekeys.begin(), p.prekeys.end(),
                           [&](const prekey& k) { return k.id == id; });
    }
    static std::string bundle_xml(const identity& id, const prekeys& p) {
        std::vector<prekey> visible;
        for (const auto& k : p.prekeys)
            if (!p.is_hidden(k.id)) visible.push_back({k.id, {k.keys.priv.clone(), k.keys.pub}});
        return serialize_bundle(make_bundle(id, p.signed_keys.front(), visible));
    }

    static secret_bytes serialize(const prekeys& p);
    static result<prekeys> parse_prekeys(bytes_view stored);
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

namespace detail::own_prekeys_form {

inline constexpr byte format = 1;
inline constexpr std::size_t signed_size = 4 + 8 + 32 + 32 + 64;
inline constexpr std::size_t prekey_size = 4 + 1 + 32 + 32;

inline void put32(secret_bytes& out, std::uint32_t v) {
    const byte b[4] = {static_cast<byte>(v >> 24), static_cast<byte>(v >> 16),
                       static_cast<byte>(v >> 8), static_cast<byte>(v)};
    out.append(bytes_view(b, 4));
}
inline std::uint32_t get32(bytes_view in, std::size_t at) {
    return std::uint32_t{in[at]} << 24 | std::uint32_t{in[at + 1]} << 16 |
           std::uint32_t{in[at + 2]} << 8 | in[at + 3];
}

} // namespace detail::own_prekeys_form

inline secret_bytes session_backend::serialize(const prekeys& p) {
    namespace f = detail::own_prekeys_form;
    secret_bytes out;
    const byte head[1] = {f::format};
    out.append(bytes_view(head, 1));
    f::put32(out, p.next_prekey);
    f::put32(out, p.next_signed);
    const byte n[1] = {static_cast<byte>(p.signed_keys.size())};
    out.append(bytes_view(n, 1));
    for (const auto& s : p.signed_keys) {
        f::put32(out, static_cast<std::uint32_t>(s.timestamp >> 32));
        f::put32(out, static_cast<std::uint32_t>(s.timestamp));
        f::put32(out, s.id);
        out.append(s.keys.priv.view());
        out.append(s.keys.pub);
        out.append(s.signature);
    }
    f::put32(out, static_cast<std::uint32_t>(p.prekeys.size()));
    for (const auto& k : p.prekeys) {
        f::put32(out, k.id);
        const byte h[1] = {static_cast<byte>(p.is_hidden(k.id) ? 1 : 0)};
        out.append(bytes_view(h, 1));
        out.append(k.keys.priv.view());
        out.append(k.keys.pub);
    }
    return out;
}

inline result<own_prekeys> session_backend::parse_prekeys(bytes_view in) {
    namespace f = detail::own_prekeys_form;
    const auto bad = oldmemo_error::bad_session;
    if (in.size() < 10 || in[0] != f::format) return bad;
    own_prekeys p;
    p.next_prekey = f::get32(in, 1);
    p.next_signed = f::get32(in, 5);
    const std::size_t n_signed = in[9];
    std::size_t at = 10;
    if (n_signed == 0 || n_signed > kept_signed_prekeys ||
        in.size() < at + n_signed * f::signed_size + 4)
        return bad;
    for (std::size_t i = 0; i < n_signed; ++i, at += f::signed_size) {
        signed_prekey s;
        s.timestamp = std::uint64_t{f::get32(in, at)} << 32 | f::get32(in, at + 4);
        s.id = f::get32(in, at + 8);
        s.keys.priv = crypto::x25519::private_key(fixed_view<32>(in.data() + at + 12, 32));
        std::copy_n(in.data() + at + 44, 32, s.keys.pub.begin());
        std::copy_n(in.data() + at + 76, 64, s.signature.begin());
        p.signed_keys.push_back(std::move(s));
    }
    const std::size_t n = f::get32(in, at);
    at += 4;
    if ((in.size() - at) % f::prekey_size != 0 || (in.size() - at) / f::prekey_size != n)
        return bad;
    for (std::size_t i = 0; i < n; ++i, at += f::prekey_size) {
        prekey k;
        k.id = f::get32(in, at);
        if (in[at + 4] > 1) return bad;
        if (in[at + 4] == 1) p.hidden.push_back(k.id);
        k.keys.priv = crypto::x25519::private_key(fixed_view<32>(in.data() + at + 5, 32));
        std::copy_n(in.data() + at + 37, 32, k.keys.pub.begin());
        p.prekeys.push_back(std::move(k));
    }
    return p;
}

} // namespace e2ekit::protocols::omemo03

#endif

// A device's own pre-keys as an OMEMO backend keeps them (python-x3dh's
// state): the current signed pre-key and the one it replaced (a key
// exchange made from a bundle fetched before the rotation still opens),
// and one-time pre-keys, some hidden from the bundle but still accepted
// (session/prekey_policy.hpp decides which). Generic over the X3DH params;
// how a signed pre-key is made (its signature scheme) is the caller's.
//
// Stored form (strict, fixed layout, big-endian):
//   format(1) next_prekey_id(4) next_signed_id(4) n_signed(1)
//   n_signed x [timestamp(8) id(4) private(32) public(32) signature(S)]
//   n_prekeys(4) n_prekeys x [id(4) hidden(1) private(32) public(32)]
#ifndef E2EKIT_IDENTITY_OWN_PREKEYS_HPP
#define E2EKIT_IDENTITY_OWN_PREKEYS_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/error.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/identity/prekeys.hpp>

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <utility>
#include <vector>

namespace e2ekit::identity {

enum class own_prekeys_error {
    malformed = 1, ///< stored pre-keys that do not parse
};
E2EKIT_ERROR_ENUM(own_prekeys_error)

} // namespace e2ekit::identity

E2EKIT_ERROR_ENUM_STD(e2ekit::identity::own_prekeys_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::identity::own_prekeys_error> {
    using E = e2ekit::identity::own_prekeys_error;
    static constexpr const char* name = "e2ekit.identity.prekeys";
    static std::string message(E) { return "malformed stored pre-keys"; }
    static condition condition_of(E) { return condition::malformed_input; }
};

namespace e2ekit::identity {

template <agreement::x3dh_params P>
struct own_prekeys {
    using signed_key = signed_prekey<P>;
    using one_time_key = one_time_prekey<P>;
    /// The current signed pre-key and the one before it.
    static constexpr std::size_t kept_signed = 2;

    std::vector<signed_key> signed_keys; ///< current first
    std::vector<one_time_key> prekeys;
    std::vector<std::uint32_t> hidden; ///< ids of `prekeys` left out of the bundle
    std::uint32_t next_prekey = 1;
    std::uint32_t next_signed = 1;

    bool is_hidden(std::uint32_t id) const {
        return std::find(hidden.begin(), hidden.end(), id) != hidden.end();
    }
    bool has(std::uint32_t id) const {
        return std::any_of(prekeys.begin(), prekeys.end(),
                           [&](const one_time_key& k) { return k.id == id; });
    }
    std::size_t visible() const noexcept { return prekeys.size() - hidden.size(); }
    /// The keys a bundle shows.
    std::vector<one_time_key> visible_keys() const {
        std::vector<one_time_key> out;
        for (const auto& k : prekeys)
            if (!is_hidden(k.id)) out.push_back({k.id, {k.keys.priv.clone(), k.keys.pub}});
        return out;
    }

    template <random_source R>
    void add(R& rng, std::size_t n) {
        for (auto& k : one_time_key::generate(next_prekey, static_cast<std::uint32_t>(n), rng))
            prekeys.push_back(std::move(k));
        next_prekey += static_cast<std::uint32_t>(n);
    }
    /// `make(id)` gives the new signed pre-key of that id.
    template <class Make>
    void rotate(Make&& make) {
        signed_keys.insert(signed_keys.begin(), make(next_signed++));
        if (signed_keys.size() > kept_signed) signed_keys.resize(kept_signed);
    }
    /// Erases or hides one-time pre-key `id`; whether anything changed.
    bool use(std::uint32_t id, bool hide) {
        const auto it = std::find_if(prekeys.begin(), prekeys.end(),
                                     [&](const one_time_key& k) { return k.id == id; });
        if (it == prekeys.end()) return false;
        if (hide) {
            if (is_hidden(id)) return false;
            hidden.push_back(id);
            return true;
        }
        prekeys.erase(it);
        std::erase(hidden, id);
        return true;
    }

    secret_bytes serialize() const;
    static result<own_prekeys> parse(bytes_view stored);
};

namespace detail::own_prekeys_form {

inline constexpr byte format = 1;

inline void put(secret_bytes& out, std::uint64_t v, int bytes) {
    byte b[8];
    for (int i = 0; i < bytes; ++i)
        b[i] = static_cast<byte>(v >> (8 * (bytes - 1 - i)));
    out.append(bytes_view(b, static_cast<std::size_t>(bytes)));
}
inline std::uint64_t get(bytes_view in, std::size_t at, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v = v << 8 | in[at + static_cast<std::size_t>(i)];
    return v;
}

} // namespace detail::own_prekeys_form

template <agreement::x3dh_params P>
secret_bytes own_prekeys<P>::serialize() const {
    namespace f = detail::own_prekeys_form;
    secret_bytes out;
    f::put(out, f::format, 1);
    f::put(out, next_prekey, 4);
    f::put(out, next_signed, 4);
    f::put(out, signed_keys.size(), 1);
    for (const auto& s : signed_keys) {
        f::put(out, s.timestamp, 8);
        f::put(out, s.id, 4);
        out.append(s.keys.priv.view());
        out.append(s.keys.pub);
        out.append(s.signature);
    }
    f::put(out, prekeys.size(), 4);
    for (const auto& k : prekeys) {
        f::put(out, k.id, 4);
        f::put(out, is_hidden(k.id) ? 1 : 0, 1);
        out.append(k.keys.priv.view());
        out.append(k.keys.pub);
    }
    return out;
}

template <agreement::x3dh_params P>
result<own_prekeys<P>> own_prekeys<P>::parse(bytes_view in) {
    namespace f = detail::own_prekeys_form;
    using private_key = decltype(signed_key{}.keys.priv);
    constexpr std::size_t sig_size = std::tuple_size_v<typename P::signature>;
    constexpr std::size_t signed_size = 8 + 4 + 32 + 32 + sig_size;
    constexpr std::size_t prekey_size = 4 + 1 + 32 + 32;
    const auto bad = own_prekeys_error::malformed;
    if (in.size() < 10 || in[0] != f::format) return bad;
    own_prekeys p;
    p.next_prekey = static_cast<std::uint32_t>(f::get(in, 1, 4));
    p.next_signed = static_cast<std::uint32_t>(f::get(in, 5, 4));
    const std::size_t n_signed = in[9];
    std::size_t at = 10;
    if (n_signed == 0 || n_signed > kept_signed || in.size() < at + n_signed * signed_size + 4)
        return bad;
    for (std::size_t i = 0; i < n_signed; ++i, at += signed_size) {
        signed_key s;
        s.timestamp = f::get(in, at, 8);
        s.id = static_cast<std::uint32_t>(f::get(in, at + 8, 4));
        s.keys.priv = private_key(fixed_view<32>(in.data() + at + 12, 32));
        std::copy_n(in.data() + at + 44, 32, s.keys.pub.begin());
        std::copy_n(in.data() + at + 76, sig_size, s.signature.begin());
        p.signed_keys.push_back(std::move(s));
    }
    const std::size_t n = static_cast<std::size_t>(f::get(in, at, 4));
    at += 4;
    if ((in.size() - at) % prekey_size != 0 || (in.size() - at) / prekey_size != n) return bad;
    for (std::size_t i = 0; i < n; ++i, at += prekey_size) {
        one_time_key k;
        k.id = static_cast<std::uint32_t>(f::get(in, at, 4));
        if (in[at + 4] > 1 || p.has(k.id)) return bad;
        if (in[at + 4] == 1) p.hidden.push_back(k.id);
        k.keys.priv = private_key(fixed_view<32>(in.data() + at + 5, 32));
        std::copy_n(in.data() + at + 37, 32, k.keys.pub.begin());
        p.prekeys.push_back(std::move(k));
    }
    return p;
}

/// The pre-key half of an OMEMO session backend (session/backend.hpp), the
/// same for every version: a backend derives from it and adds
/// `Derived::make_signed_prekey(identity, id, now, rng)`, its signature
/// scheme. A derived `serialize` for sessions needs `using
/// own_prekeys_backend::serialize;` beside it.
template <class Derived, agreement::x3dh_params P>
struct own_prekeys_backend {
    using prekeys = own_prekeys<P>;

    template <class Identity, random_source R>
    static prekeys new_prekeys(const Identity& id, R& r, std::size_t n, std::uint64_t now) {
        prekeys p;
        rotate(p, id, r, now);
        p.add(r, n);
        return p;
    }
    static std::size_t visible_prekeys(const prekeys& p) { return p.visible(); }
    template <random_source R>
    static void add_prekeys(prekeys& p, R& r, std::size_t n) {
        p.add(r, n);
    }
    template <class Identity, random_source R>
    static void rotate(prekeys& p, const Identity& id, R& r, std::uint64_t now) {
        p.rotate([&](std::uint32_t sid) { return Derived::make_signed_prekey(id, sid, now, r); });
    }
    static std::uint64_t signed_prekey_time(const prekeys& p) {
        return p.signed_keys.front().timestamp;
    }
    static bool use_prekey(prekeys& p, std::uint32_t id, bool hide) { return p.use(id, hide); }
    static bool has_prekey(const prekeys& p, std::uint32_t id) { return p.has(id); }
    static secret_bytes serialize(const prekeys& p) { return p.serialize(); }
    static result<prekeys> parse_prekeys(bytes_view stored) { return prekeys::parse(stored); }
};

} // namespace e2ekit::identity

#endif

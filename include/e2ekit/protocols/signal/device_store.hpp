// Where a Signal device keeps its keys and sessions in a store, and the
// stored forms of its keys. `device<Store, Trust>` (device.hpp) is the only
// writer; a store may hold other data beside it (other namespaces), and a
// `storage::scoped` view gives each account on a shared store its own copy
// of this layout.
//
// Key layout (namespace | key | value):
//
// | namespace               | key                         | value                              |
// |-------------------------|-----------------------------|------------------------------------|
// | `signal.local`          | `identity`                  | identity key pair + registration   |
// |                         |                             | id (`stored::local_identity`)      |
// |                         | `signed_prekey`             | id of the current signed pre-key   |
// |                         |                             | (u32 big-endian)                   |
// |                         | `next_prekey_id`            | id the next one-time pre-key gets  |
// |                         | `next_signed_prekey_id`     | id the next signed pre-key gets    |
// | `signal.signed_prekeys` | id, 8 hex digits            | `stored::signed_prekey`            |
// | `signal.prekeys`        | id, 8 hex digits            | `stored::one_time_prekey`; the     |
// |                         |                             | last-resort key is `00ffffff`      |
// | `signal.sessions`       | escaped name `/` device id  | session record (record.hpp         |
// |                         |                             | `serialize`)                       |
// | `signal.identities`     | escaped name `/` device id  | pinned identity (trust/record.hpp; |
// |                         |                             | its key in the 33-byte 0x05 form,  |
// |                         |                             | as libsignal-protocol-c stores it) |
//
// Names are escaped as `storage::escape_account` does ('%', '/', NUL), so
// the '/' before the decimal device id is the last one and every device of
// one name lists under the prefix `escaped name /`. Ids are fixed-width hex
// so a listing comes back in numeric order.
//
// Stored key forms (integers big-endian; all begin with a version byte 1):
//
//   local_identity   := 1 | registration_id:u32 | private:32 | public:32
//   signed_prekey    := 1 | id:u32 | timestamp:u64 | private:32 | public:32 | signature:64
//   one_time_prekey  := 1 | id:u32 | private:32 | public:32
//
// Parsing is strict: the exact length, version 1, and a public key that is
// the private key's own (a damaged half is caught, not used); anything else
// is `device_error::bad_stored_key`. A signed pre-key's signature is
// checked when it is made, not on every load.
#ifndef E2EKIT_PROTOCOLS_SIGNAL_DEVICE_STORE_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_DEVICE_STORE_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/error.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/identity/prekeys.hpp>
#include <e2ekit/protocols/signal/params.hpp>
#include <e2ekit/protocols/signal/session.hpp>
#include <e2ekit/storage/scoped.hpp>

#include <algorithm>
#include <charconv>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace e2ekit::protocols::signal {

/// What a device's own key storage can refuse (sessions and pre-key
/// lookups keep signal_error, trust decisions trust_error).
enum class device_error {
    no_identity = 1,      ///< the store holds no device (open before create)
    identity_exists,      ///< the store already holds a device (create twice)
    bad_stored_key,       ///< a stored key, key pair or counter that is malformed
    signed_prekey_in_use, ///< the current signed pre-key cannot be removed
};
E2EKIT_ERROR_ENUM(device_error)

} // namespace e2ekit::protocols::signal

E2EKIT_ERROR_ENUM_STD(e2ekit::protocols::signal::device_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::protocols::signal::device_error> {
    using E = e2ekit::protocols::signal::device_error;
    static constexpr const char* name = "e2ekit.signal.device";
    static std::string message(E e) {
        switch (e) {
        case E::no_identity: return "no Signal device in the store";
        case E::identity_exists: return "the store already holds a Signal device";
        case E::bad_stored_key: return "malformed stored key";
        case E::signed_prekey_in_use: return "the current signed pre-key cannot be removed";
        }
        return "unknown Signal device error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::no_identity: return condition::not_found;
        case E::identity_exists: return condition::conflict;
        case E::bad_stored_key: return condition::malformed_input;
        case E::signed_prekey_in_use: return condition::conflict;
        }
        return condition::malformed_input;
    }
};

namespace e2ekit::protocols::signal {

/// A peer device: an account name and a device id, as libsignal-protocol-c's
/// signal_protocol_address.
struct address {
    std::string name;
    std::uint32_t device_id = 0;
    friend auto operator<=>(const address&, const address&) = default;
};

/// The ids of one-time pre-keys are 1 .. 0xFFFFFE (X3DH §2.5 leaves them
/// to the protocol; libsignal-protocol-c PRE_KEY_MEDIUM_MAX_VALUE).
inline constexpr std::uint32_t max_prekey_id = identity_params::last_resort_prekey_id - 1;

using signed_prekey = identity::signed_prekey<x3dh_params>;
using one_time_prekey = identity::one_time_prekey<x3dh_params>;

namespace layout {

inline constexpr std::string_view local = "signal.local";
inline constexpr std::string_view signed_prekeys = "signal.signed_prekeys";
inline constexpr std::string_view prekeys = "signal.prekeys";
inline constexpr std::string_view sessions = "signal.sessions";
inline constexpr std::string_view identities = "signal.identities";

inline constexpr std::string_view identity_key = "identity";
inline constexpr std::string_view current_signed_prekey = "signed_prekey";
inline constexpr std::string_view next_prekey_id = "next_prekey_id";
inline constexpr std::string_view next_signed_prekey_id = "next_signed_prekey_id";

/// Every device of `name` lists under this prefix.
inline std::string prefix_of(std::string_view name) {
    return storage::escape_account(name) + '/';
}

/// The key of a peer device in `sessions` and `identities`.
inline std::string key_of(const address& a) {
    return prefix_of(a.name) + std::to_string(a.device_id);
}

/// The device id at the end of such a key, written as `key_of` writes it
/// (decimal, no leading zero), so one device has one key.
inline std::optional<std::uint32_t> device_id_of(std::string_view key) {
    const auto slash = key.rfind('/');
    if (slash == std::string_view::npos || slash + 1 == key.size()) return std::nullopt;
    if (key[slash + 1] == '0' && slash + 2 != key.size()) return std::nullopt;
    std::uint32_t id = 0;
    const char* end = key.data() + key.size();
    const auto r = std::from_chars(key.data() + slash + 1, end, id);
    if (r.ec != std::errc{} || r.ptr != end) return std::nullopt;
    return id;
}

/// The key of a pre-key id: 8 lower-case hex digits.
inline std::string key_of(std::uint32_t id) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(8, '0');
    for (int i = 7; i >= 0; --i, id >>= 4)
        out[static_cast<std::size_t>(i)] = digits[id & 0xf];
    return out;
}

/// The inverse; nothing for a key not of that form.
inline std::optional<std::uint32_t> id_of(std::string_view key) {
    if (key.size() != 8) return std::nullopt;
    std::uint32_t id = 0;
    for (char c : key) {
        std::uint32_t d;
        if (c >= '0' && c <= '9')
            d = static_cast<std::uint32_t>(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = static_cast<std::uint32_t>(c - 'a' + 10);
        else
            return std::nullopt;
        id = (id << 4) | d;
    }
    return id;
}

} // namespace layout

namespace stored {

inline constexpr byte version = 1;
inline constexpr std::size_t key_size = crypto::x25519::public_key_size;
inline constexpr std::size_t local_identity_size = 1 + 4 + 2 * key_size;
inline constexpr std::size_t signed_prekey_size =
    1 + 4 + 8 + 2 * key_size + crypto::xeddsa::signature_size;
inline constexpr std::size_t one_time_prekey_size = 1 + 4 + 2 * key_size;

struct local_identity {
    key_pair keys;
    std::uint32_t registration_id = 0;
};

namespace detail {

/// Appends a key pair (private, then public) at `out`.
inline void put_pair(byte* out, const key_pair& k) {
    std::copy_n(k.priv.data(), key_size, out);
    std::copy_n(k.pub.data(), key_size, out + key_size);
}

/// A key pair from its stored halves, if the public half is the private
/// one's.
inline result<key_pair> get_pair(const byte* in) {
    crypto::x25519::private_key priv{fixed_view<key_size>(in, key_size)};
    key_pair k = crypto::x25519::from_private(std::move(priv));
    if (!equal_public(k.pub, bytes_view(in + key_size, key_size)))
        return device_error::bad_stored_key;
    return k;
}

inline std::uint32_t get_u32(const byte* in) {
    return load_be<std::uint32_t>(fixed_view<4>(in, 4));
}

} // namespace detail

inline secret_bytes encode(const local_identity& l) {
    secret_bytes out(local_identity_size);
    byte* p = out.data();
    p[0] = version;
    store_be<std::uint32_t>(mutable_fixed_view<4>(p + 1, 4), l.registration_id);
    detail::put_pair(p + 5, l.keys);
    return out;
}

inline result<local_identity> parse_local_identity(bytes_view in) {
    if (in.size() != local_identity_size || in[0] != version) return device_error::bad_stored_key;
    E2EKIT_TRY(keys, detail::get_pair(in.data() + 5));
    return local_identity{std::move(keys), detail::get_u32(in.data() + 1)};
}

inline secret_bytes encode(const signed_prekey& s) {
    secret_bytes out(signed_prekey_size);
    byte* p = out.data();
    p[0] = version;
    store_be<std::uint32_t>(mutable_fixed_view<4>(p + 1, 4), s.id);
    store_be<std::uint64_t>(mutable_fixed_view<8>(p + 5, 8), s.timestamp);
    detail::put_pair(p + 13, s.keys);
    std::copy(s.signature.begin(), s.signature.end(), p + 13 + 2 * key_size);
    return out;
}

inline result<signed_prekey> parse_signed_prekey(bytes_view in) {
    if (in.size() != signed_prekey_size || in[0] != version) return device_error::bad_stored_key;
    E2EKIT_TRY(keys, detail::get_pair(in.data() + 13));
    signed_prekey s;
    s.id = detail::get_u32(in.data() + 1);
    s.timestamp = load_be<std::uint64_t>(fixed_view<8>(in.data() + 5, 8));
    s.keys = std::move(keys);
    std::copy_n(in.data() + 13 + 2 * key_size, s.signature.size(), s.signature.begin());
    return s;
}

inline secret_bytes encode(const one_time_prekey& k) {
    secret_bytes out(one_time_prekey_size);
    byte* p = out.data();
    p[0] = version;
    store_be<std::uint32_t>(mutable_fixed_view<4>(p + 1, 4), k.id);
    detail::put_pair(p + 5, k.keys);
    return out;
}

inline result<one_time_prekey> parse_one_time_prekey(bytes_view in) {
    if (in.size() != one_time_prekey_size || in[0] != version) return device_error::bad_stored_key;
    E2EKIT_TRY(keys, detail::get_pair(in.data() + 5));
    return one_time_prekey{detail::get_u32(in.data() + 1), std::move(keys)};
}

/// Counters and ids in `signal.local`.
inline bytes encode_id(std::uint32_t id) {
    bytes out(4);
    store_be<std::uint32_t>(mutable_fixed_view<4>(out.data(), 4), id);
    return out;
}

inline result<std::uint32_t> parse_id(bytes_view in) {
    if (in.size() != 4) return device_error::bad_stored_key;
    return detail::get_u32(in.data());
}

} // namespace stored
} // namespace e2ekit::protocols::signal

#endif

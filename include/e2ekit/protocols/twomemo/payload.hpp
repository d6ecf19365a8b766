// The payload of an OMEMO 2 message (XEP-0384 §4.4, python-twomemo's
// Twomemo.encrypt_plaintext / decrypt_plaintext), independent of any
// session: a fresh 32-byte key K; HKDF-SHA-256(K, 32 zero bytes, "OMEMO
// Payload", 80) = AES-256-CBC key ‖ HMAC-SHA-256 key ‖ IV; the `<payload>`
// is the PKCS#7-padded ciphertext, and its HMAC truncated to 16 bytes
// travels with K to every recipient device, encrypted by each session:
// the plain key material K ‖ tag, 48 bytes.
//
// An empty OMEMO message (one that only moves a session on) has no
// `<payload>`; its key material is 32 zero bytes and no tag
// (PlainKeyMaterialImpl.make_empty), 32 bytes on the wire.
#ifndef E2EKIT_PROTOCOLS_TWOMEMO_PAYLOAD_HPP
#define E2EKIT_PROTOCOLS_TWOMEMO_PAYLOAD_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/protocols/twomemo/error.hpp>
#include <e2ekit/protocols/twomemo/params.hpp>

#include <algorithm>
#include <cstddef>
#include <utility>

namespace e2ekit::protocols::omemo2 {

/// The encrypted payload of a message (ContentImpl): the `<payload>`
/// element's bytes, or nothing for an empty OMEMO message.
struct content {
    bytes ciphertext;
    bool empty() const noexcept { return ciphertext.empty(); }
    friend bool operator==(const content&, const content&) = default;
};

struct plain_key_material_tag;

/// What each session carries to a recipient device (PlainKeyMaterialImpl):
/// the payload key K and the payload's tag, or the empty form.
class plain_key_material {
public:
    static constexpr std::size_t key_size = payload_params::key_size;
    static constexpr std::size_t tag_size = payload_params::tag_size;
    static constexpr std::size_t full_size = key_size + tag_size; ///< 48
    static constexpr std::size_t empty_size = key_size;           ///< 32

    /// The empty form, as `make_empty`.
    plain_key_material() noexcept = default;

    /// The empty message's key material: 32 zero bytes, no tag.
    static plain_key_material make_empty() noexcept { return plain_key_material(); }

    /// K and the tag.
    static plain_key_material make(fixed_view<key_size> key, fixed_view<tag_size> tag) noexcept {
        plain_key_material m;
        std::copy(key.begin(), key.end(), m.k_.mutable_view().begin());
        std::copy(tag.begin(), tag.end(), m.k_.mutable_view().begin() + key_size);
        m.empty_ = false;
        return m;
    }

    /// From what a session decrypted: 48 bytes, or 32 for an empty message;
    /// any other length is `bad_key_material`.
    static result<plain_key_material> from_bytes(bytes_view b) noexcept {
        if (b.size() != full_size && b.size() != empty_size) return twomemo_error::bad_key_material;
        plain_key_material m;
        std::copy(b.begin(), b.end(), m.k_.mutable_view().begin());
        m.empty_ = b.size() == empty_size;
        return m;
    }

    /// The bytes a session encrypts: K ‖ tag (48), or 32 zero bytes.
    bytes_view view() const noexcept { return k_.view().first(empty_ ? empty_size : full_size); }
    fixed_view<key_size> key() const noexcept { return k_.view().template first<key_size>(); }
    /// The payload's tag; all zero for the empty form, which has none.
    fixed_view<tag_size> tag() const noexcept { return k_.view().template last<tag_size>(); }
    /// Whether this is the empty form (no tag).
    bool empty() const noexcept { return empty_; }

    plain_key_material clone() const noexcept {
        plain_key_material m;
        m.k_ = k_.clone();
        m.empty_ = empty_;
        return m;
    }
    friend bool operator==(const plain_key_material& a, const plain_key_material& b) noexcept {
        return a.empty_ == b.empty_ && a.k_ == b.k_;
    }

private:
    secret<full_size, plain_key_material_tag> k_;
    bool empty_ = true;
};

struct encrypted_payload {
    content ciphertext;
    plain_key_material key_material;
};

namespace detail {

struct payload_keys_tag;

/// HKDF(K, zero salt, "OMEMO Payload", 80) = cipher key ‖ MAC key ‖ IV.
inline secret<80, payload_keys_tag> payload_keys(fixed_view<payload_params::key_size> k) {
    static_assert(payload_params::cipher_key_size + payload_params::mac_key_size +
                      payload_params::iv_size ==
                  80);
    const byte_array<32> salt{};
    return payload_params::kdf::derive<80, payload_keys_tag>(k, salt,
                                                             as_bytes(payload_params::info));
}

} // namespace detail

/// Encrypts a message body under a fresh key from `rng`.
template <random_source R>
encrypted_payload encrypt_plaintext(R& rng, bytes_view plaintext) {
    const auto k = random_secret<payload_params::key_size, plain_key_material_tag>(rng);
    const auto keys = detail::payload_keys(k.view());
    const auto v = keys.view();
    content c{wire::cipher::encrypt(v.template first<32>(), v.template last<16>(), plaintext)};
    const auto t = wire::mac::tag_of(v.template subspan<32, 32>(), c.ciphertext);
    return {std::move(c), plain_key_material::make(
                              k.view(), fixed_view<wire::mac_size>(t.data(), wire::mac_size))};
}

/// The empty OMEMO message's parts: no payload, the empty key material.
template <random_source R>
encrypted_payload encrypt_empty(R&) {
    return {content{}, plain_key_material::make_empty()};
}

/// The message body. A tag that does not verify and bad padding are the one
/// `authentication_failed` (so is the empty form's key material on a
/// payload); an empty `c` is `empty_content` (it has nothing to decrypt).
inline result<secret_bytes> decrypt_plaintext(const content& c, const plain_key_material& k) {
    if (c.empty()) return twomemo_error::empty_content;
    if (k.empty()) return envelope::envelope_error::authentication_failed;
    const auto keys = detail::payload_keys(k.key());
    const auto v = keys.view();
    if (!wire::mac::verify(v.template subspan<32, 32>(), k.tag(), c.ciphertext))
        return envelope::envelope_error::authentication_failed;
    auto pt = wire::cipher::decrypt(v.template first<32>(), v.template last<16>(), c.ciphertext);
    if (!pt) return envelope::envelope_error::authentication_failed;
    return std::move(*pt);
}

} // namespace e2ekit::protocols::omemo2

#endif

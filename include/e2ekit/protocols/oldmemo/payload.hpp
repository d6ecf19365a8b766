// The payload of an OMEMO 0.3 message (XEP-0384 v0.3 §4.5, python-oldmemo
// encrypt_plaintext / decrypt_plaintext), independent of any session: the
// plaintext under AES-128-GCM with a fresh 16-byte key and 12-byte IV, no
// associated data; <payload> holds the ciphertext without the tag, <iv>
// the IV, and the key material that each recipient's session encrypts is
// key ‖ tag (32 bytes).
//
// An empty message (python-oldmemo encrypt_empty: no <payload>, for
// completing or healing a session) has a fresh IV and key material of the
// key alone (16 bytes); both stay available to protocols that take the
// key from it (KeyTransportElement).
//
// A reader takes IVs of 8 to 128 bytes (clients once sent 16), as
// pyca/cryptography's GCM does behind python-oldmemo. A tag that does not
// verify is envelope_error::authentication_failed, the code of every other
// authentication failure of the backend; the plaintext is wiped.
#ifndef E2EKIT_PROTOCOLS_OLDMEMO_PAYLOAD_HPP
#define E2EKIT_PROTOCOLS_OLDMEMO_PAYLOAD_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/aes_gcm.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/protocols/oldmemo/error.hpp>
#include <e2ekit/protocols/oldmemo/params.hpp>

#include <utility>

namespace e2ekit::protocols::omemo03 {

/// What <payload> and <iv> carry.
struct content {
    bytes ciphertext; ///< without the tag; empty for an empty message
    bytes iv;

    /// An empty message: no <payload> (python-oldmemo ContentImpl.empty).
    bool empty() const noexcept { return ciphertext.empty(); }
    friend bool operator==(const content&, const content&) = default;
};

/// key ‖ tag (32 bytes), or the key alone for an empty message (16 bytes):
/// what each recipient's session encrypts.
class plain_key_material {
public:
    using params = payload_params;

    /// The key material a session decrypted; `bad_key_material` unless it
    /// is 16 or 32 bytes.
    static result<plain_key_material> from_bytes(bytes_view b) {
        if (b.size() != params::key_material_size && b.size() != params::empty_key_material_size)
            return oldmemo_error::bad_key_material;
        return plain_key_material(secret_bytes(b));
    }

    plain_key_material clone() const { return plain_key_material(b_.clone()); }

    fixed_view<params::key_size> key() const noexcept {
        return fixed_view<params::key_size>(b_.data(), params::key_size);
    }
    /// The GCM tag; empty for an empty message.
    bytes_view auth_tag() const noexcept { return b_.view().subspan(params::key_size); }
    /// Whether this is an empty message's key material (no tag).
    bool for_empty_message() const noexcept { return auth_tag().empty(); }
    /// The bytes a session encrypts.
    bytes_view view() const noexcept { return b_.view(); }

    friend bool operator==(const plain_key_material&, const plain_key_material&) = default;

private:
    explicit plain_key_material(secret_bytes b) : b_(std::move(b)) {}
    secret_bytes b_;
};

struct encrypted_payload {
    omemo03::content content;
    plain_key_material key_material;
};

/// Encrypts a plaintext under a fresh key and IV. A plaintext of zero
/// bytes gives an empty ciphertext, which readers take for an empty
/// message, as with python-oldmemo.
template <random_source R>
encrypted_payload encrypt_plaintext(R& rng, bytes_view plaintext) {
    using C = payload_params::cipher;
    const auto key = random_secret<C::key_size>(rng);
    const auto iv = random_array<C::nonce_size>(rng);
    content c{bytes(plaintext.size()), bytes(iv.begin(), iv.end())};
    byte_array<C::tag_size> tag;
    C::seal_detached(c.ciphertext, tag, key.view(), iv, bytes_view{}, plaintext);
    secret_bytes material(key.view());
    material.append(tag);
    auto km = plain_key_material::from_bytes(material.view());
    return {std::move(c), std::move(*km)};
}

/// An empty message: a fresh IV and a fresh key, no ciphertext, no tag.
template <random_source R>
encrypted_payload encrypt_empty(R& rng) {
    const auto key = random_secret<payload_params::key_size>(rng);
    const auto iv = random_array<payload_params::iv_size>(rng);
    auto km = plain_key_material::from_bytes(key.view());
    return {content{{}, bytes(iv.begin(), iv.end())}, std::move(*km)};
}

/// The plaintext of a message with a payload. `empty_content` for an empty
/// message or key material without a tag, `bad_iv` for an IV outside 8 ..
/// 128 bytes, `authentication_failed` when the tag does not verify.
inline result<secret_bytes> decrypt_plaintext(const content& c, const plain_key_material& km) {
    using P = payload_params;
    if (c.empty() || km.for_empty_message()) return oldmemo_error::empty_content;
    if (c.iv.size() < P::min_iv_size || c.iv.size() > P::max_iv_size) return oldmemo_error::bad_iv;
    secret_bytes out(c.ciphertext.size());
    if (!crypto::hazmat::aes_gcm_any_iv<8 * P::key_size>::open_detached(
            out.mutable_view(), km.key(), c.iv, bytes_view{}, c.ciphertext,
            fixed_view<P::tag_size>(km.auth_tag().data(), P::tag_size)))
        return envelope::envelope_error::authentication_failed;
    return out;
}

} // namespace e2ekit::protocols::omemo03

#endif

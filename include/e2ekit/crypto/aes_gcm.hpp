// AES-GCM (NIST SP 800-38D) with a 16-byte tag, combined (ct || tag, as
// RFC 5116 §5.1 lays it out) or detached (OMEMO 0.3 sends the tag inside
// the ratchet message, beside the key). The IV length is part of the type:
// 12 bytes unless a protocol says otherwise (SP 800-38D §8.2 recommends 96
// bits; other lengths are hashed into the counter block).
#ifndef E2EKIT_CRYPTO_AES_GCM_HPP
#define E2EKIT_CRYPTO_AES_GCM_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/concepts/aead.hpp>
#include <e2ekit/crypto/detail/evp_aes.hpp>
#include <e2ekit/crypto/error.hpp>

#include <cstddef>
#include <stdexcept>

namespace e2ekit::crypto {

namespace hazmat {

/// AES-GCM with an IV of any length OpenSSL accepts (1 to 128 bytes; a
/// longer or empty IV is `invalid_argument`). For test vectors and peers
/// with odd IVs; protocols use `aes_gcm<KeyBits, IvBytes>`.
template <std::size_t KeyBits>
struct aes_gcm_any_iv {
    static_assert(detail::evp::is_aes_key_bits<KeyBits>, "AES keys are 128, 192 or 256 bits");
    using engine = detail::evp::gcm_engine<KeyBits>;
    static constexpr std::size_t key_size = KeyBits / 8;
    static constexpr std::size_t tag_size = detail::evp::gcm_tag_size;
    static constexpr std::size_t max_iv_size = detail::evp::gcm_max_iv_size;

    static result<void> seal_detached(mutable_bytes_view out, mutable_fixed_view<tag_size> tag,
                                      fixed_view<key_size> key, bytes_view iv, bytes_view aad,
                                      bytes_view pt) {
        if (out.size() != pt.size())
            throw std::invalid_argument("e2ekit: aes_gcm output and input differ in size");
        return engine::seal(out.data(), tag.data(), key.data(), iv, aad, pt);
    }

    static result<void> open_detached(mutable_bytes_view out, fixed_view<key_size> key,
                                      bytes_view iv, bytes_view aad, bytes_view ct,
                                      fixed_view<tag_size> tag) {
        if (out.size() != ct.size())
            throw std::invalid_argument("e2ekit: aes_gcm output and input differ in size");
        return engine::open(out.data(), key.data(), iv, aad, ct, tag.data());
    }

    static result<bytes> seal(fixed_view<key_size> key, bytes_view iv, bytes_view aad,
                              bytes_view pt) {
        bytes out(pt.size() + tag_size);
        auto body = mutable_bytes_view(out).first(pt.size());
        auto tag = mutable_fixed_view<tag_size>(out.data() + pt.size(), tag_size);
        if (auto r = engine::seal(body.data(), tag.data(), key.data(), iv, aad, pt); !r)
            return r.error();
        return out;
    }

    static result<secret_bytes> open(fixed_view<key_size> key, bytes_view iv, bytes_view aad,
                                     bytes_view ct_and_tag) {
        if (ct_and_tag.size() < tag_size) return crypto_error::authentication_failed;
        const auto ct = ct_and_tag.first(ct_and_tag.size() - tag_size);
        secret_bytes out(ct.size());
        if (auto r =
                engine::open(out.data(), key.data(), iv, aad, ct, ct_and_tag.data() + ct.size());
            !r)
            return r.error();
        return out;
    }
};

} // namespace hazmat

template <std::size_t KeyBits, std::size_t IvBytes = 12>
struct aes_gcm {
    static_assert(detail::evp::is_aes_key_bits<KeyBits>, "AES keys are 128, 192 or 256 bits");
    static_assert(IvBytes >= 1 && IvBytes <= detail::evp::gcm_max_iv_size,
                  "OpenSSL 3.0 takes GCM IVs of 1 to 128 bytes");

    using aead_concept = aead_tag;
    static constexpr std::size_t key_size = KeyBits / 8;
    static constexpr std::size_t nonce_size = IvBytes;
    static constexpr std::size_t tag_size = detail::evp::gcm_tag_size;

    /// Writes pt.size() bytes to `out` (in place when `out` is `pt`).
    static void seal_detached(mutable_bytes_view out, mutable_fixed_view<tag_size> tag,
                              fixed_view<key_size> key, fixed_view<nonce_size> iv, bytes_view aad,
                              bytes_view pt) {
        // The IV length is valid by type; only the environment can fail.
        if (!any_iv::seal_detached(out, tag, key, iv, aad, pt)) detail::evp::fail("AES-GCM");
    }

    /// Writes ct.size() bytes to `out`; wipes them when the tag is wrong.
    static result<void> open_detached(mutable_bytes_view out, fixed_view<key_size> key,
                                      fixed_view<nonce_size> iv, bytes_view aad, bytes_view ct,
                                      fixed_view<tag_size> tag) {
        return any_iv::open_detached(out, key, iv, aad, ct, tag);
    }

    /// ct || tag.
    static bytes seal(fixed_view<key_size> key, fixed_view<nonce_size> iv, bytes_view aad,
                      bytes_view pt) {
        auto r = any_iv::seal(key, iv, aad, pt);
        if (!r) detail::evp::fail("AES-GCM");
        return std::move(*r);
    }

    static result<secret_bytes> open(fixed_view<key_size> key, fixed_view<nonce_size> iv,
                                     bytes_view aad, bytes_view ct_and_tag) {
        return any_iv::open(key, iv, aad, ct_and_tag);
    }

private:
    using any_iv = hazmat::aes_gcm_any_iv<KeyBits>;
};

using aes_128_gcm = aes_gcm<128>;
using aes_256_gcm = aes_gcm<256>;
static_assert(aead<aes_128_gcm>);
static_assert(aead<aes_256_gcm>);

} // namespace e2ekit::crypto

#endif

// AES-CBC with PKCS#7 padding (NIST SP 800-38A §6.2, RFC 5652 §6.3), as
// Signal, OMEMO 2, Olm and DIMP use it. Decryption checks the padding in
// constant time and reports any failure as the one opaque
// `authentication_failed`: which check failed is a padding oracle.
#ifndef E2EKIT_CRYPTO_AES_CBC_HPP
#define E2EKIT_CRYPTO_AES_CBC_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/concepts/cipher.hpp>
#include <e2ekit/crypto/detail/evp_aes.hpp>
#include <e2ekit/crypto/error.hpp>

#include <cstddef>
#include <stdexcept>

namespace e2ekit::crypto {

template <std::size_t KeyBits>
struct aes_cbc {
    static_assert(detail::evp::is_aes_key_bits<KeyBits>, "AES keys are 128, 192 or 256 bits");

    using cipher_concept = cipher_tag;
    static constexpr std::size_t key_size = KeyBits / 8;
    static constexpr std::size_t iv_size = 16;
    static constexpr std::size_t block_size = 16;

    /// Ciphertext length for `n` plaintext bytes: PKCS#7 always adds 1..16.
    static constexpr std::size_t padded_size(std::size_t n) noexcept {
        return n + block_size - n % block_size;
    }

    /// Writes padded_size(pt.size()) bytes to `out` (misuse if not that size).
    static void encrypt_into(mutable_bytes_view out, fixed_view<key_size> key,
                             fixed_view<iv_size> iv, bytes_view pt) {
        if (out.size() != padded_size(pt.size()))
            throw std::invalid_argument("e2ekit: aes_cbc output must be padded_size(input)");
        detail::evp::cbc_engine<KeyBits>::encrypt(out.data(), key.data(), iv.data(), pt);
    }

    static bytes encrypt(fixed_view<key_size> key, fixed_view<iv_size> iv, bytes_view pt) {
        bytes out(padded_size(pt.size()));
        encrypt_into(out, key, iv, pt);
        return out;
    }

    /// The plaintext, or `authentication_failed` for a ciphertext that is
    /// empty, not whole blocks, or badly padded (one code for all three).
    static result<secret_bytes> decrypt(fixed_view<key_size> key, fixed_view<iv_size> iv,
                                        bytes_view ct) {
        if (ct.empty() || ct.size() % block_size) return crypto_error::authentication_failed;
        secret_bytes out(ct.size());
        if (!detail::evp::cbc_engine<KeyBits>::decrypt_raw(out.data(), key.data(), iv.data(), ct))
            detail::evp::fail("AES-CBC decrypt");
        const std::size_t pad = detail::evp::pkcs7_unpad_length(out.view());
        // The padding length becomes the plaintext's length, and 0 is the
        // verdict: both public once decided (ctgrind, see core/ct.hpp).
        e2ekit::ct::unpoison(pad);
        if (pad == 0) return crypto_error::authentication_failed; // `out` wipes itself
        out.resize(ct.size() - pad); // the tail stays in capacity, wiped with it
        return out;
    }
};

using aes_128_cbc = aes_cbc<128>;
using aes_256_cbc = aes_cbc<256>;
static_assert(cipher<aes_128_cbc>);
static_assert(cipher<aes_256_cbc>);

} // namespace e2ekit::crypto

#endif

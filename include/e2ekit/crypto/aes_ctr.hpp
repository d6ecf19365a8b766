// AES-CTR (NIST SP 800-38A §6.5) with the whole 16-byte counter block
// incremented as one 128-bit big-endian integer, which is what OpenSSL does
// and what Matrix attachments (v2) and key exports expect. Offered one-shot,
// in place, and as a stream for files larger than memory.
#ifndef E2EKIT_CRYPTO_AES_CTR_HPP
#define E2EKIT_CRYPTO_AES_CTR_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/concepts/cipher.hpp>
#include <e2ekit/crypto/detail/evp_aes.hpp>
#include <e2ekit/crypto/error.hpp>

#include <cstddef>
#include <stdexcept>

namespace e2ekit::crypto {

template <std::size_t KeyBits>
struct aes_ctr {
    static_assert(detail::evp::is_aes_key_bits<KeyBits>, "AES keys are 128, 192 or 256 bits");

    using cipher_concept = cipher_tag;
    static constexpr std::size_t key_size = KeyBits / 8;
    /// The initial counter block.
    static constexpr std::size_t iv_size = 16;

    /// XORs the key stream into `in`, writing `out` (the same size; `out`
    /// may be `in` itself). Encryption and decryption are this one call.
    static void apply(mutable_bytes_view out, fixed_view<key_size> key, fixed_view<iv_size> iv,
                      bytes_view in) {
        if (out.size() != in.size())
            throw std::invalid_argument("e2ekit: aes_ctr output and input differ in size");
        detail::evp::ctr_engine<KeyBits>::apply(out.data(), key.data(), iv.data(), in);
    }

    /// In place.
    static void apply(mutable_bytes_view data, fixed_view<key_size> key, fixed_view<iv_size> iv) {
        apply(data, key, iv, data);
    }

    static bytes encrypt(fixed_view<key_size> key, fixed_view<iv_size> iv, bytes_view pt) {
        bytes out(pt.size());
        apply(out, key, iv, pt);
        return out;
    }

    /// Never fails (CTR has no padding); a result for the `cipher` concept.
    static result<secret_bytes> decrypt(fixed_view<key_size> key, fixed_view<iv_size> iv,
                                        bytes_view ct) {
        secret_bytes out(ct.size());
        apply(out.mutable_view(), key, iv, ct);
        return out;
    }

    /// A key stream consumed piece by piece: update() may be called with
    /// any lengths, the concatenated output equals one apply() over the
    /// concatenated input. Owns its own context (movable, not copyable).
    class stream {
    public:
        stream(fixed_view<key_size> key, fixed_view<iv_size> iv)
            : ctx_(detail::evp::ctr_engine<KeyBits>::prepared::make_ctx()) {
            detail::evp::rekey(ctx_.get(), key.data(), iv.data(), 1);
        }

        void update(mutable_bytes_view out, bytes_view in) {
            if (out.size() != in.size())
                throw std::invalid_argument("e2ekit: aes_ctr output and input differ in size");
            if (detail::evp::update(ctx_.get(), out.data(), in.data(), in.size()) < 0)
                detail::evp::fail("AES-CTR stream");
        }
        void update(mutable_bytes_view data) { update(data, data); }

    private:
        detail::evp::cipher_ctx_ptr ctx_;
    };
};

using aes_128_ctr = aes_ctr<128>;
using aes_256_ctr = aes_ctr<256>;
static_assert(cipher<aes_128_ctr>);
static_assert(cipher<aes_256_ctr>);

} // namespace e2ekit::crypto

#endif

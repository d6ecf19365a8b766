// The AES engines behind aes_cbc, aes_ctr and aes_gcm: prepared EVP
// contexts (see evp_common.hpp), re-keyed per call, with lengths fed to
// OpenSSL in `int`-sized chunks.
#ifndef E2EKIT_CRYPTO_DETAIL_EVP_AES_HPP
#define E2EKIT_CRYPTO_DETAIL_EVP_AES_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/detail/evp_common.hpp>
#include <e2ekit/crypto/error.hpp>

#include <openssl/core_names.h>
#include <openssl/params.h>

#include <algorithm>
#include <cstddef>

namespace e2ekit::crypto::detail::evp {

template <std::size_t KeyBits>
inline constexpr bool is_aes_key_bits = KeyBits == 128 || KeyBits == 192 || KeyBits == 256;

enum class aes_mode { cbc, ctr, gcm };

/// OpenSSL 3.0's names, by mode and then key size.
inline constexpr const char* aes_names[3][3] = {
    {"AES-128-CBC", "AES-192-CBC", "AES-256-CBC"},
    {"AES-128-CTR", "AES-192-CTR", "AES-256-CTR"},
    {"AES-128-GCM", "AES-192-GCM", "AES-256-GCM"},
};

/// The cipher description prepared_cipher and fetched() take.
template <aes_mode Mode, std::size_t KeyBits>
requires is_aes_key_bits<KeyBits>
struct aes_algo {
    using openssl_type = EVP_CIPHER;
    static constexpr const char* openssl_name = aes_names[static_cast<int>(Mode)][KeyBits / 64 - 2];
};

inline constexpr std::size_t update_chunk = std::size_t{1} << 30;

/// EVP_CipherUpdate over any length; returns the bytes written, or -1.
inline std::ptrdiff_t update(EVP_CIPHER_CTX* c, byte* out, const byte* in, std::size_t n) noexcept {
    std::ptrdiff_t written = 0;
    while (n) {
        const std::size_t chunk = std::min(n, update_chunk);
        int outl = 0;
        if (EVP_CipherUpdate(c, out ? out + written : nullptr, &outl, in,
                             static_cast<int>(chunk)) != 1)
            return -1;
        written += outl;
        in += chunk;
        n -= chunk;
    }
    return written;
}

/// Keys a prepared context for one operation, keeping its algorithm.
inline void rekey(EVP_CIPHER_CTX* c, const byte* key, const byte* iv, int enc) {
    check(EVP_CipherInit_ex2(c, nullptr, key, iv, enc, nullptr), "EVP_CipherInit_ex2");
}

// --- CBC ------------------------------------------------------------------

template <std::size_t KeyBits>
struct cbc_engine {
    using prepared = prepared_cipher<aes_algo<aes_mode::cbc, KeyBits>>;

    /// Encryption pads (PKCS#7, OpenSSL's default on a fresh context).
    static EVP_CIPHER_CTX* encrypt_ctx() { return prepared::thread_ctx(); }

    /// Decryption leaves the padding to us: OpenSSL 3.0's unpadding
    /// (ossl_cipher_unpadblock) branches on each padding byte, a timing
    /// padding oracle (Vaudenay 2002); ours below does not.
    static EVP_CIPHER_CTX* decrypt_ctx() {
        thread_local const cipher_ctx_ptr c = [] {
            auto ctx = prepared::make_ctx();
            check(EVP_CIPHER_CTX_set_padding(ctx.get(), 0), "EVP_CIPHER_CTX_set_padding");
            return ctx;
        }();
        return c.get();
    }

    static void encrypt(byte* out, const byte* key, const byte* iv, bytes_view pt) {
        EVP_CIPHER_CTX* c = encrypt_ctx();
        rekey(c, key, iv, 1);
        const std::ptrdiff_t n = update(c, out, pt.data(), pt.size());
        int outl = 0;
        if (n < 0 || EVP_CipherFinal_ex(c, out + n, &outl) != 1) fail("AES-CBC encrypt");
    }

    /// Decrypts whole blocks without unpadding; false only on a backend error.
    static bool decrypt_raw(byte* out, const byte* key, const byte* iv, bytes_view ct) {
        EVP_CIPHER_CTX* c = decrypt_ctx();
        rekey(c, key, iv, 0);
        const std::ptrdiff_t n = update(c, out, ct.data(), ct.size());
        int outl = 0;
        return n >= 0 && EVP_CipherFinal_ex(c, out + n, &outl) == 1;
    }
};

/// The PKCS#7 padding length of a decrypted buffer (RFC 5652 §6.3), or 0
/// when the padding is malformed, in time that depends only on the length.
inline std::size_t pkcs7_unpad_length(bytes_view block_end) noexcept {
    // The last 16 bytes are read in full; masks replace branches.
    const std::size_t n = block_end.size();
    const unsigned pad = block_end[n - 1];
    auto lt = [](unsigned a, unsigned b) -> unsigned { return 0u - ((a - b) >> 31); };
    auto eq = [](unsigned a, unsigned b) -> unsigned {
        const unsigned x = a ^ b;
        return ((x | (0u - x)) >> 31) - 1u;
    };
    unsigned good = ~eq(pad, 0) & lt(pad, 17);
    for (unsigned i = 0; i < 16; ++i) {
        const unsigned in_pad = lt(i, pad);
        good &= ~in_pad | eq(block_end[n - 1 - i], pad);
    }
    return static_cast<std::size_t>(pad & good);
}

// --- CTR ------------------------------------------------------------------

template <std::size_t KeyBits>
struct ctr_engine {
    using prepared = prepared_cipher<aes_algo<aes_mode::ctr, KeyBits>>;

    static void apply(byte* out, const byte* key, const byte* iv, bytes_view in) {
        EVP_CIPHER_CTX* c = prepared::thread_ctx();
        rekey(c, key, iv, 1);
        if (update(c, out, in.data(), in.size()) < 0) fail("AES-CTR");
    }
};

// --- GCM ------------------------------------------------------------------

inline constexpr std::size_t gcm_tag_size = 16;
/// OpenSSL 3.0's GCM_IV_MAX_SIZE (providers/.../ciphercommon_gcm.h).
inline constexpr std::size_t gcm_max_iv_size = 128;

template <std::size_t KeyBits>
struct gcm_engine {
    using prepared = prepared_cipher<aes_algo<aes_mode::gcm, KeyBits>>;

    struct state {
        cipher_ctx_ptr ctx = prepared::make_ctx();
        std::size_t iv_len = 12; // OpenSSL's default for a fresh GCM context
    };

    /// This thread's context with its IV length set (the length must be set
    /// before the IV: gcm_init copies as many bytes as the context expects).
    static EVP_CIPHER_CTX* ctx_for_iv(std::size_t iv_len) {
        thread_local state s;
        if (iv_len != s.iv_len) {
            if (iv_len == 0 || iv_len > gcm_max_iv_size) return nullptr;
            std::size_t len = iv_len;
            OSSL_PARAM p[] = {OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &len),
                              OSSL_PARAM_construct_end()};
            check(EVP_CIPHER_CTX_set_params(s.ctx.get(), p), "EVP_CIPHER_CTX_set_params");
            s.iv_len = iv_len;
        }
        return s.ctx.get();
    }

    static result<void> seal(byte* ct, byte* tag, const byte* key, bytes_view iv, bytes_view aad,
                             bytes_view pt) {
        EVP_CIPHER_CTX* c = ctx_for_iv(iv.size());
        if (!c) return crypto_error::invalid_argument;
        rekey(c, key, iv.data(), 1);
        if (!aad.empty() && update(c, nullptr, aad.data(), aad.size()) < 0) fail("AES-GCM aad");
        if (!pt.empty() && update(c, ct, pt.data(), pt.size()) < 0) fail("AES-GCM seal");
        int outl = 0;
        check(EVP_CipherFinal_ex(c, ct + pt.size(), &outl), "EVP_CipherFinal_ex");
        OSSL_PARAM p[] = {
            OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, gcm_tag_size),
            OSSL_PARAM_construct_end()};
        check(EVP_CIPHER_CTX_get_params(c, p), "EVP_CIPHER_CTX_get_params");
        return ok();
    }

    /// Writes ct.size() bytes to pt, wiped again on any failure.
    static result<void> open(byte* pt, const byte* key, bytes_view iv, bytes_view aad,
                             bytes_view ct, const byte* tag) {
        EVP_CIPHER_CTX* c = ctx_for_iv(iv.size());
        if (!c) {
            e2ekit::ct::wipe(pt, ct.size());
            return crypto_error::invalid_argument;
        }
        rekey(c, key, iv.data(), 0);
        if (!aad.empty() && update(c, nullptr, aad.data(), aad.size()) < 0) fail("AES-GCM aad");
        if (!ct.empty() && update(c, pt, ct.data(), ct.size()) < 0) fail("AES-GCM open");
        OSSL_PARAM p[] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
                                                            const_cast<byte*>(tag), gcm_tag_size),
                          OSSL_PARAM_construct_end()};
        check(EVP_CIPHER_CTX_set_params(c, p), "EVP_CIPHER_CTX_set_params");
        int outl = 0;
        if (EVP_CipherFinal_ex(c, pt + ct.size(), &outl) != 1) {
            clear_errors();
            e2ekit::ct::wipe(pt, ct.size());
            return crypto_error::authentication_failed;
        }
        return ok();
    }
};

} // namespace e2ekit::crypto::detail::evp

#endif

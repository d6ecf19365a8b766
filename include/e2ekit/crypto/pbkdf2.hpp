// PBKDF2 (RFC 8018 §5.2) with HMAC over a SHA-2 digest, through OpenSSL's
// EVP_KDF. Matrix key exports use PBKDF2-HMAC-SHA-512; passphrase-derived
// backup keys elsewhere use SHA-256. Output goes to caller buffers or to
// secret types.
#ifndef E2EKIT_CRYPTO_PBKDF2_HPP
#define E2EKIT_CRYPTO_PBKDF2_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/concepts/hash.hpp>
#include <e2ekit/crypto/detail/evp_common.hpp>
#include <e2ekit/crypto/detail/evp_digest.hpp>
#include <e2ekit/crypto/error.hpp>
#include <e2ekit/crypto/sha2.hpp>

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstddef>
#include <cstdint>

namespace e2ekit::crypto {

/// The OpenSSL digest name a hash policy maps to in PBKDF2: that of the
/// digest behind sha256, sha512 (either back end) and ripemd160.
/// Specialise it for another hash_function that OpenSSL implements.
template <class Hash>
struct pbkdf2_digest;
template <class D, template <class> class State>
struct pbkdf2_digest<detail::evp::hash_policy<D, State>> {
    static constexpr const char* openssl_name = D::openssl_name;
};

template <hash_function Hash>
struct pbkdf2 {
    using hash = Hash;

    /// Fills `out` (1 byte or more) from `password` and `salt` with
    /// `iterations` (1 or more) rounds; `invalid_argument` otherwise, and
    /// `out` is then zero.
    static result<void> derive(mutable_bytes_view out, bytes_view password, bytes_view salt,
                               std::uint32_t iterations) {
        if (out.empty() || iterations == 0) {
            ct::wipe(out);
            return crypto_error::invalid_argument;
        }
        EVP_KDF_CTX* c = ctx();
        std::uint64_t iter = iterations;
        OSSL_PARAM p[] = {
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                              const_cast<byte*>(password.data()), password.size()),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<byte*>(salt.data()),
                                              salt.size()),
            OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_ITER, &iter), OSSL_PARAM_construct_end()};
        const int rc = EVP_KDF_derive(c, out.data(), out.size(), p);
        // The context keeps a copy of the password; replacing it with an
        // empty one clears and frees that copy (pbkdf2_set_membuf).
        byte none = 0;
        OSSL_PARAM forget[] = {OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, &none, 0),
                               OSSL_PARAM_construct_end()};
        detail::evp::check(EVP_KDF_CTX_set_params(c, forget), "EVP_KDF_CTX_set_params");
        if (rc != 1) {
            ct::wipe(out);
            detail::evp::fail("EVP_KDF_derive");
        }
        return ok();
    }

    template <std::size_t N, class Tag = void>
    static result<secret<N, Tag>> derive(bytes_view password, bytes_view salt,
                                         std::uint32_t iterations) {
        secret<N, Tag> s;
        E2EKIT_CHECK(derive(s.mutable_view(), password, salt, iterations));
        return s;
    }

    static result<secret_bytes> derive(std::size_t size, bytes_view password, bytes_view salt,
                                       std::uint32_t iterations) {
        secret_bytes s(size);
        E2EKIT_CHECK(derive(s.mutable_view(), password, salt, iterations));
        return s;
    }

private:
    struct kdf {
        using openssl_type = EVP_KDF;
        static constexpr const char* openssl_name = "PBKDF2";
    };

    /// PBKDF2 fetched once; a context per thread with its digest set once
    /// (setting it by name fetches the digest again on every call).
    static EVP_KDF_CTX* ctx() {
        thread_local const detail::evp::kdf_ctx_ptr c = [] {
            detail::evp::kdf_ctx_ptr k{detail::evp::check_ptr(
                EVP_KDF_CTX_new(detail::evp::fetched<kdf>()), "EVP_KDF_CTX_new")};
            // pkcs5 = 1: RFC 8018 has no SP 800-132 lower bounds (salt of
            // 16 bytes, 1000 rounds); protocols and vectors go below them.
            int pkcs5 = 1;
            OSSL_PARAM p[] = {
                OSSL_PARAM_construct_utf8_string(
                    OSSL_KDF_PARAM_DIGEST, const_cast<char*>(pbkdf2_digest<Hash>::openssl_name), 0),
                OSSL_PARAM_construct_int(OSSL_KDF_PARAM_PKCS5, &pkcs5), OSSL_PARAM_construct_end()};
            detail::evp::check(EVP_KDF_CTX_set_params(k.get(), p), "EVP_KDF_CTX_set_params");
            return k;
        }();
        return c.get();
    }
};

using pbkdf2_sha256 = pbkdf2<sha256>;
using pbkdf2_sha512 = pbkdf2<sha512>;

} // namespace e2ekit::crypto

#endif

// OpenSSL 3.0 glue for the cipher and public-key policies (AES, PBKDF2,
// RSA, RIPEMD-160, the SHA-256 that ECDSA signs): owning handles, algorithms
// fetched once per process, and contexts prepared once per thread.
//
// Why prepare: an implicit fetch (EVP_aes_256_gcm(), a name in a params
// array) walks the provider store on every call, and a fresh EVP_CIPHER_CTX
// allocates; together they double the cost of a 1 KiB AES operation. The
// OpenSSL 3.0 migration guide ("Fetching algorithms", "Performance") says
// to fetch explicitly and keep the result. Fetched algorithms are never
// freed: they are immutable, shared, and a static destructor could run
// after OpenSSL's own atexit cleanup.
//
// Everything here lives in `detail::evp` so that it cannot collide with
// other backends' glue in `detail`.
#ifndef E2EKIT_CRYPTO_DETAIL_EVP_COMMON_HPP
#define E2EKIT_CRYPTO_DETAIL_EVP_COMMON_HPP

#include <e2ekit/core/bytes.hpp>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/provider.h>

#include <climits>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>

namespace e2ekit::crypto::detail::evp {

template <class T, void (*Free)(T*)>
struct deleter {
    void operator()(T* p) const noexcept { Free(p); }
};

/// An owning, move-only handle for an OpenSSL object.
template <class T, void (*Free)(T*)>
using handle = std::unique_ptr<T, deleter<T, Free>>;

using cipher_ctx_ptr = handle<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using md_ctx_ptr = handle<EVP_MD_CTX, EVP_MD_CTX_free>;
using kdf_ctx_ptr = handle<EVP_KDF_CTX, EVP_KDF_CTX_free>;
using pkey_ptr = handle<EVP_PKEY, EVP_PKEY_free>;
using pkey_ctx_ptr = handle<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;

inline void free_bn_secure(BIGNUM* b) noexcept {
    BN_clear_free(b);
}
using bn_ptr = handle<BIGNUM, free_bn_secure>;

/// Forgets what libcrypto queued for this thread, so that a rejected input
/// is not reported again by an unrelated later call.
inline void clear_errors() noexcept {
    ERR_clear_error();
}

/// libcrypto failed where valid input cannot make it fail (allocation, a
/// missing provider): an environment failure, hence an exception. The text
/// names the call only, never data.
[[noreturn]] inline void fail(const char* call) {
    clear_errors();
    throw std::runtime_error(std::string("e2ekit: OpenSSL ") + call + " failed");
}

inline void check(int rc, const char* call) {
    if (rc != 1) fail(call);
}

template <class T>
T* check_ptr(T* p, const char* call) {
    if (!p) fail(call);
    return p;
}

/// OpenSSL lengths are `int`; e2ekit refuses larger inputs up front.
inline bool fits_int(std::size_t n) noexcept {
    return n <= static_cast<std::size_t>(INT_MAX);
}

inline const EVP_CIPHER* fetch_cipher(const char* name) {
    return check_ptr(EVP_CIPHER_fetch(nullptr, name, nullptr), "EVP_CIPHER_fetch");
}

/// Fetches a digest; when the default provider lacks it (RIPEMD-160 lived
/// only in the legacy provider before OpenSSL 3.0.7) the legacy provider is
/// loaded once, keeping the default one as fallback.
inline const EVP_MD* fetch_md(const char* name) {
    if (EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr)) return md;
    clear_errors();
    if (OSSL_PROVIDER_try_load(nullptr, "legacy", 1) == nullptr) fail("OSSL_PROVIDER_try_load");
    return check_ptr(EVP_MD_fetch(nullptr, name, nullptr), "EVP_MD_fetch");
}

inline EVP_KDF* fetch_kdf(const char* name) {
    return check_ptr(EVP_KDF_fetch(nullptr, name, nullptr), "EVP_KDF_fetch");
}

/// Digests e2ekit's cipher and key policies name. `name` is the OpenSSL 3.0
/// canonical name; `size` the output length.
struct sha256_digest {
    static constexpr const char* name = "SHA2-256";
    static constexpr std::size_t size = 32;
};
struct sha512_digest {
    static constexpr const char* name = "SHA2-512";
    static constexpr std::size_t size = 64;
};
struct ripemd160_digest {
    static constexpr const char* name = "RIPEMD160";
    static constexpr std::size_t size = 20;
};

/// The process-wide fetched EVP_MD of a digest description above.
template <class D>
const EVP_MD* md() {
    static const EVP_MD* m = fetch_md(D::name);
    return m;
}

/// One-shot digest through a context kept per thread and per digest.
template <class D>
void digest(mutable_fixed_view<D::size> out, bytes_view in) {
    thread_local const md_ctx_ptr ctx{check_ptr(EVP_MD_CTX_new(), "EVP_MD_CTX_new")};
    unsigned int n = 0;
    check(EVP_DigestInit_ex2(ctx.get(), md<D>(), nullptr), "EVP_DigestInit_ex2");
    check(EVP_DigestUpdate(ctx.get(), in.data(), in.size()), "EVP_DigestUpdate");
    check(EVP_DigestFinal_ex(ctx.get(), out.data(), &n), "EVP_DigestFinal_ex");
}

/// A cipher fetched once per process, and per thread a context already
/// bound to it: each operation then only re-keys (EVP_CipherInit_ex2 with a
/// null cipher keeps the algorithm context, see EVP_EncryptInit(3)).
/// A policy that keeps a context in another state (CBC decryption without
/// padding) holds its own thread_local made by make_ctx().
template <class Algo>
struct prepared_cipher {
    static const EVP_CIPHER* cipher() {
        static const EVP_CIPHER* c = fetch_cipher(Algo::openssl_name);
        return c;
    }
    static cipher_ctx_ptr make_ctx() {
        cipher_ctx_ptr c{check_ptr(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new")};
        check(EVP_CipherInit_ex2(c.get(), cipher(), nullptr, nullptr, 1, nullptr),
              "EVP_CipherInit_ex2");
        return c;
    }
    /// This thread's context, its cipher set, its key not.
    static EVP_CIPHER_CTX* thread_ctx() {
        thread_local const cipher_ctx_ptr c = make_ctx();
        return c.get();
    }
};

} // namespace e2ekit::crypto::detail::evp

#endif

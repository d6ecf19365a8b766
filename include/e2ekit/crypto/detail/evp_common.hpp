// OpenSSL 3.0 libcrypto glue shared by every crypto policy that calls it
// (SHA-2, RIPEMD-160, AES, PBKDF2, RSA, the key readers): owning handles,
// the one way an unexpected libcrypto failure leaves e2ekit, algorithms
// fetched once per process, and cipher contexts prepared once per thread.
//
// Why fetch and prepare once: an implicit fetch (EVP_sha256(),
// EVP_aes_256_gcm(), a name in a params array) walks the provider store on
// every call, and a fresh context allocates; together they double the cost
// of a 1 KiB AES operation or a short digest. The OpenSSL 3.0 migration
// guide ("Fetching algorithms", "Performance") says to fetch explicitly and
// keep the result. Fetched algorithms are never freed: they are immutable,
// shared by all threads, and a static destructor could run after OpenSSL's
// own atexit cleanup.
//
// All OpenSSL glue lives in `detail::evp`, apart from other backends' glue
// (`detail::secp`, `detail::keccak`, libxeddsa's declarations).
#ifndef E2EKIT_CRYPTO_DETAIL_EVP_COMMON_HPP
#define E2EKIT_CRYPTO_DETAIL_EVP_COMMON_HPP

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/provider.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace e2ekit::crypto::detail::evp {

template <class T, void (*Free)(T*)>
struct deleter {
    void operator()(T* p) const noexcept { Free(p); }
};

/// An owning, move-only handle for an OpenSSL object:
/// `handle<EVP_MD_CTX, EVP_MD_CTX_free>`.
template <class T, void (*Free)(T*)>
using handle = std::unique_ptr<T, deleter<T, Free>>;

using md_ctx_ptr = handle<EVP_MD_CTX, EVP_MD_CTX_free>;
using cipher_ctx_ptr = handle<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using kdf_ctx_ptr = handle<EVP_KDF_CTX, EVP_KDF_CTX_free>;
using pkey_ptr = handle<EVP_PKEY, EVP_PKEY_free>;
using pkey_ctx_ptr = handle<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;

inline void free_bn_secure(BIGNUM* b) noexcept {
    BN_clear_free(b);
}
/// Cleared when freed: private exponents and scalars pass through these.
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

/// Throws unless an OpenSSL call returned 1 (its success value).
inline void check(int rc, const char* call) {
    if (rc != 1) fail(call);
}

template <class T>
T* check_ptr(T* p, const char* call) {
    if (!p) fail(call);
    return p;
}

inline md_ctx_ptr new_md_ctx() {
    return md_ctx_ptr(check_ptr(EVP_MD_CTX_new(), "EVP_MD_CTX_new"));
}
inline cipher_ctx_ptr new_cipher_ctx() {
    return cipher_ctx_ptr(check_ptr(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new"));
}

/// How each kind of algorithm is fetched from the default library context.
template <class Algorithm>
struct fetcher;
template <>
struct fetcher<EVP_MD> {
    static constexpr const char* call = "EVP_MD_fetch";
    static EVP_MD* fetch(const char* name) { return EVP_MD_fetch(nullptr, name, nullptr); }
};
template <>
struct fetcher<EVP_CIPHER> {
    static constexpr const char* call = "EVP_CIPHER_fetch";
    static EVP_CIPHER* fetch(const char* name) { return EVP_CIPHER_fetch(nullptr, name, nullptr); }
};
template <>
struct fetcher<EVP_KDF> {
    static constexpr const char* call = "EVP_KDF_fetch";
    static EVP_KDF* fetch(const char* name) { return EVP_KDF_fetch(nullptr, name, nullptr); }
};

/// Fetches an algorithm by name. When the default provider lacks it
/// (RIPEMD-160 lived only in the legacy provider before OpenSSL 3.0.7) the
/// legacy provider is loaded, keeping the default one as fallback.
template <class Algorithm>
Algorithm* fetch(const char* name) {
    if (Algorithm* a = fetcher<Algorithm>::fetch(name)) return a;
    clear_errors();
    if (OSSL_PROVIDER_try_load(nullptr, "legacy", 1) == nullptr) fail("OSSL_PROVIDER_try_load");
    return check_ptr(fetcher<Algorithm>::fetch(name), fetcher<Algorithm>::call);
}

/// The algorithm a description names, fetched on first use and kept for the
/// process (thread-safe static initialisation). A description is a type
/// with `using openssl_type = EVP_MD` (or EVP_CIPHER, EVP_KDF) and
/// `static constexpr const char* openssl_name`.
template <class Description>
typename Description::openssl_type* fetched() {
    static typename Description::openssl_type* const a =
        fetch<typename Description::openssl_type>(Description::openssl_name);
    return a;
}

/// A cipher fetched once per process, and per thread a context already
/// bound to it: each operation then only re-keys (EVP_CipherInit_ex2 with a
/// null cipher keeps the algorithm context, see EVP_EncryptInit(3)).
/// A policy that keeps a context in another state (CBC decryption without
/// padding, GCM with another IV length) holds its own thread_local made by
/// make_ctx().
template <class Description>
struct prepared_cipher {
    static cipher_ctx_ptr make_ctx() {
        cipher_ctx_ptr c = new_cipher_ctx();
        check(EVP_CipherInit_ex2(c.get(), fetched<Description>(), nullptr, nullptr, 1, nullptr),
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

// OpenSSL 3.0 libcrypto glue shared by every crypto policy that calls EVP:
// owning handles, algorithms fetched once per process, and the one way an
// unexpected libcrypto failure leaves e2ekit.
//
// Why fetch once: in OpenSSL 3.0 an implicit fetch (EVP_sha256(), a digest
// name in a params array) goes through the provider store on every call;
// an explicit EVP_MD_fetch kept for the life of the process does not
// (OpenSSL 3.0 "migration guide", section "Performance"). The fetched
// objects are never freed: they are immutable, shared by all threads, and
// freeing them from a static destructor could run after OpenSSL's own
// atexit cleanup.
#ifndef E2EKIT_CRYPTO_DETAIL_OPENSSL_HPP
#define E2EKIT_CRYPTO_DETAIL_OPENSSL_HPP

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <memory>
#include <new>
#include <stdexcept>
#include <string>

namespace e2ekit::crypto::detail {

/// Calls an OpenSSL free function; a deleter for std::unique_ptr.
template <class T, void (*Free)(T*)>
struct openssl_deleter {
    void operator()(T* p) const noexcept { Free(p); }
};

/// An owning handle for an OpenSSL object: `handle<EVP_MD_CTX, EVP_MD_CTX_free>`.
template <class T, void (*Free)(T*)>
using handle = std::unique_ptr<T, openssl_deleter<T, Free>>;

using md_ctx_ptr = handle<EVP_MD_CTX, EVP_MD_CTX_free>;
using mac_ctx_ptr = handle<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using kdf_ctx_ptr = handle<EVP_KDF_CTX, EVP_KDF_CTX_free>;
using cipher_ctx_ptr = handle<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

/// Drops whatever libcrypto queued for this thread, so that one failure is
/// not reported again by an unrelated later call.
inline void clear_errors() noexcept {
    ERR_clear_error();
}

/// libcrypto failed where it cannot fail on valid input (allocation, a
/// missing provider): an environment failure, hence an exception. The
/// message names the call only; no data from the caller is in it.
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

/// Fetches an algorithm by name from the default library context.
inline const EVP_MD* fetch_md(const char* name) {
    return check_ptr(EVP_MD_fetch(nullptr, name, nullptr), "EVP_MD_fetch");
}
inline EVP_MAC* fetch_mac(const char* name) {
    return check_ptr(EVP_MAC_fetch(nullptr, name, nullptr), "EVP_MAC_fetch");
}
inline EVP_KDF* fetch_kdf(const char* name) {
    return check_ptr(EVP_KDF_fetch(nullptr, name, nullptr), "EVP_KDF_fetch");
}
inline const EVP_CIPHER* fetch_cipher(const char* name) {
    return check_ptr(EVP_CIPHER_fetch(nullptr, name, nullptr), "EVP_CIPHER_fetch");
}

/// The fetched digests, one per process (thread-safe static initialisation).
inline const EVP_MD* sha256_md() {
    static const EVP_MD* md = fetch_md("SHA2-256");
    return md;
}
inline const EVP_MD* sha512_md() {
    static const EVP_MD* md = fetch_md("SHA2-512");
    return md;
}

} // namespace e2ekit::crypto::detail

#endif

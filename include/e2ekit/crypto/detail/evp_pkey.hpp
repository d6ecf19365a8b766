// DER key structures through OpenSSL 3.0: SubjectPublicKeyInfo (RFC 5280
// §4.1.2.7), PKCS#8 PrivateKeyInfo (RFC 5208 §5) and the RSA-specific
// PKCS#1 forms (RFC 8017 appendix A.1). Every parser takes untrusted bytes,
// insists that the structure spans them exactly, and leaves no error on
// the thread's OpenSSL queue.
#ifndef E2EKIT_CRYPTO_DETAIL_EVP_PKEY_HPP
#define E2EKIT_CRYPTO_DETAIL_EVP_PKEY_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/detail/evp_common.hpp>
#include <e2ekit/crypto/error.hpp>

#include <openssl/x509.h>

#include <climits>
#include <cstddef>

namespace e2ekit::crypto::detail::evp {

using p8_ptr = handle<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;

/// Runs a d2i-style parser over all of `der`; null unless it parsed and
/// consumed every byte.
template <class Parse>
auto parse_exactly(bytes_view der, Parse&& parse) -> decltype(parse(nullptr, 0L)) {
    using ptr = decltype(parse(nullptr, 0L));
    if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX)) return ptr{};
    const unsigned char* p = der.data();
    ptr out = parse(&p, static_cast<long>(der.size()));
    clear_errors();
    if (out && p != der.data() + der.size()) return ptr{};
    return out;
}

/// SubjectPublicKeyInfo, any algorithm.
inline pkey_ptr parse_spki(bytes_view der) {
    return parse_exactly(
        der, [](const unsigned char** p, long n) { return pkey_ptr(d2i_PUBKEY(nullptr, p, n)); });
}

/// A key-type-specific public key (PKCS#1 RSAPublicKey for EVP_PKEY_RSA).
inline pkey_ptr parse_typed_public(int type, bytes_view der) {
    return parse_exactly(der, [type](const unsigned char** p, long n) {
        return pkey_ptr(d2i_PublicKey(type, nullptr, p, n));
    });
}

/// PKCS#8 PrivateKeyInfo (unencrypted), any algorithm.
inline pkey_ptr parse_pkcs8(bytes_view der) {
    p8_ptr p8 = parse_exactly(der, [](const unsigned char** p, long n) {
        return p8_ptr(d2i_PKCS8_PRIV_KEY_INFO(nullptr, p, n));
    });
    if (!p8) return {};
    pkey_ptr k(EVP_PKCS82PKEY(p8.get()));
    clear_errors();
    return k;
}

/// A key-type-specific private key (PKCS#1 RSAPrivateKey for EVP_PKEY_RSA).
inline pkey_ptr parse_typed_private(int type, bytes_view der) {
    return parse_exactly(der, [type](const unsigned char** p, long n) {
        return pkey_ptr(d2i_PrivateKey(type, nullptr, p, n));
    });
}

/// Runs an i2d-style encoder into a buffer of the exact size.
template <class Buffer, class Encode>
Buffer encode_der(Encode&& encode, const char* what) {
    const int n = encode(nullptr);
    if (n <= 0) fail(what);
    Buffer out(static_cast<std::size_t>(n));
    unsigned char* p = out.data();
    if (encode(&p) != n) fail(what);
    return out;
}

inline bytes spki_der(const EVP_PKEY* k) {
    return encode_der<bytes>([k](unsigned char** p) { return i2d_PUBKEY(k, p); }, "i2d_PUBKEY");
}

inline bytes typed_public_der(const EVP_PKEY* k) {
    return encode_der<bytes>([k](unsigned char** p) { return i2d_PublicKey(k, p); },
                             "i2d_PublicKey");
}

inline secret_bytes typed_private_der(const EVP_PKEY* k) {
    return encode_der<secret_bytes>([k](unsigned char** p) { return i2d_PrivateKey(k, p); },
                                    "i2d_PrivateKey");
}

inline secret_bytes pkcs8_der(const EVP_PKEY* k) {
    p8_ptr p8(check_ptr(EVP_PKEY2PKCS8(k), "EVP_PKEY2PKCS8"));
    return encode_der<secret_bytes>(
        [&p8](unsigned char** p) { return i2d_PKCS8_PRIV_KEY_INFO(p8.get(), p); },
        "i2d_PKCS8_PRIV_KEY_INFO");
}

/// A public-only copy of a key (its SubjectPublicKeyInfo read back), so a
/// public key object never shares the private key's memory.
inline pkey_ptr public_only(const EVP_PKEY* k) {
    pkey_ptr p = parse_spki(spki_der(k));
    if (!p) fail("d2i_PUBKEY");
    return p;
}

inline bn_ptr get_bn(const EVP_PKEY* k, const char* name) {
    BIGNUM* b = nullptr;
    if (EVP_PKEY_get_bn_param(k, name, &b) != 1) {
        clear_errors();
        return {};
    }
    return bn_ptr(b);
}

} // namespace e2ekit::crypto::detail::evp

#endif

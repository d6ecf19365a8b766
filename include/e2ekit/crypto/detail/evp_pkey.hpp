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

#include <openssl/decoder.h>
#include <openssl/x509.h>

#include <climits>
#include <cstddef>

namespace e2ekit::crypto::detail::evp {

using p8_ptr = handle<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;

/// Key types the decoders below are restricted to (OpenSSL key type names).
struct rsa_key_type {
    static constexpr const char* name = "RSA";
};
struct ec_key_type {
    static constexpr const char* name = "EC";
};

/// The DER structures e2ekit reads.
enum class der_form {
    spki,          ///< SubjectPublicKeyInfo
    pkcs8,         ///< PrivateKeyInfo, unencrypted
    typed_public,  ///< RSAPublicKey (PKCS#1)
    typed_private, ///< RSAPrivateKey (PKCS#1), ECPrivateKey (SEC 1)
};

/// An OSSL_DECODER_CTX built once per thread for one structure and key
/// type. OpenSSL 3.0 assembles the decoder chain on every d2i_PUBKEY /
/// d2i_PrivateKey / EVP_PKCS82PKEY call, 120 to 520 us for an RSA key;
/// a kept context decodes in 10 to 20 us. Each decode takes the key out of
/// the slot the context writes to.
class prepared_decoder {
public:
    prepared_decoder(const char* structure, const char* key_type, int selection)
        : ctx_(OSSL_DECODER_CTX_new_for_pkey(&slot_, "DER", structure, key_type, selection, nullptr,
                                             nullptr)) {
        if (!ctx_) fail("OSSL_DECODER_CTX_new_for_pkey");
    }
    prepared_decoder(const prepared_decoder&) = delete;
    prepared_decoder& operator=(const prepared_decoder&) = delete;
    ~prepared_decoder() {
        OSSL_DECODER_CTX_free(ctx_);
        EVP_PKEY_free(slot_);
    }

    /// The key, or null unless `der` is exactly one such structure.
    pkey_ptr decode(bytes_view der) {
        if (der.empty()) return {};
        const unsigned char* p = der.data();
        std::size_t left = der.size();
        const int rc = OSSL_DECODER_from_data(ctx_, &p, &left);
        pkey_ptr k(slot_);
        slot_ = nullptr;
        clear_errors();
        if (rc != 1 || left != 0) return {};
        return k;
    }

private:
    EVP_PKEY* slot_ = nullptr; // written by the decoder; must outlive ctx_'s use
    OSSL_DECODER_CTX* ctx_;
};

constexpr const char* structure_of(der_form f) {
    switch (f) {
    case der_form::spki: return "SubjectPublicKeyInfo";
    case der_form::pkcs8: return "PrivateKeyInfo";
    case der_form::typed_public:
    case der_form::typed_private: return "type-specific";
    }
    return "";
}

constexpr int selection_of(der_form f) {
    return f == der_form::spki || f == der_form::typed_public ? EVP_PKEY_PUBLIC_KEY
                                                              : EVP_PKEY_KEYPAIR;
}

/// Decodes `der` as exactly one `Form` structure holding a `KeyType` key.
template <class KeyType, der_form Form>
pkey_ptr decode(bytes_view der) {
    thread_local prepared_decoder d(structure_of(Form), KeyType::name, selection_of(Form));
    return d.decode(der);
}

/// Decodes `der` as the first of `Forms` it is exactly, or null.
template <class KeyType, der_form... Forms>
pkey_ptr decode_first(bytes_view der) {
    pkey_ptr k;
    (void)((k = decode<KeyType, Forms>(der)) || ...);
    return k;
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
template <class KeyType>
pkey_ptr public_only(const EVP_PKEY* k) {
    pkey_ptr p = decode<KeyType, der_form::spki>(spki_der(k));
    if (!p) fail("decoding a public key");
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

// RSA over OpenSSL 3.0, for DIMP (RFC 8017): PKCS#1 v1.5 encryption of
// message keys (§7.2) and RSASSA-PKCS1-v1_5 with SHA-256 (§8.2) for metas,
// documents and messages. Keys own an EVP_PKEY (move-only, freed by
// OpenSSL, which clears RSA private material on free). They are read from
// DER or PEM in the forms deployed peers write:
//
// | form                     | PEM label          | DER structure                |
// |--------------------------|--------------------|------------------------------|
// | public, X.509            | PUBLIC KEY         | SubjectPublicKeyInfo         |
// | public, PKCS#1           | RSA PUBLIC KEY     | RSAPublicKey (RFC 8017 A.1.1)|
// | private, PKCS#8          | PRIVATE KEY        | PrivateKeyInfo (RFC 5208)    |
// | private, PKCS#1          | RSA PRIVATE KEY    | RSAPrivateKey (RFC 8017 A.1.2)|
//
// PEM reading is lenient (see detail/evp_pem.hpp); DER reading is exact.
#ifndef E2EKIT_CRYPTO_RSA_HPP
#define E2EKIT_CRYPTO_RSA_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/detail/evp_common.hpp>
#include <e2ekit/crypto/detail/evp_pem.hpp>
#include <e2ekit/crypto/detail/evp_pkey.hpp>
#include <e2ekit/crypto/error.hpp>
#include <e2ekit/crypto/sha2.hpp>

#include <openssl/core_names.h>
#include <openssl/rsa.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace e2ekit::crypto {

/// How a public key is written.
enum class rsa_public_format {
    spki,  ///< SubjectPublicKeyInfo, PEM "PUBLIC KEY" (what DIMP metas carry)
    pkcs1, ///< RSAPublicKey, PEM "RSA PUBLIC KEY"
};

/// How a private key is written.
enum class rsa_private_format {
    pkcs8, ///< PrivateKeyInfo, PEM "PRIVATE KEY"
    pkcs1, ///< RSAPrivateKey, PEM "RSA PRIVATE KEY" (what DIMP clients store)
};

namespace detail::rsa {

/// Moduli e2ekit accepts: DIMP's deployed keys are 1024-bit; OpenSSL
/// refuses to operate above 16384 (OPENSSL_RSA_MAX_MODULUS_BITS).
inline constexpr int min_bits = 1024;
inline constexpr int max_bits = 16384;

/// A parsed key is RSA (not RSA-PSS, not another algorithm) with an odd
/// modulus in bounds and an odd public exponent 3 <= e < n.
inline result<evp::pkey_ptr> checked(evp::pkey_ptr k) {
    if (!k) return crypto_error::invalid_key;
    if (EVP_PKEY_get_base_id(k.get()) != EVP_PKEY_RSA) return crypto_error::unsupported;
    const int bits = EVP_PKEY_get_bits(k.get());
    if (bits < min_bits || bits > max_bits) return crypto_error::invalid_key;
    const evp::bn_ptr n = evp::get_bn(k.get(), OSSL_PKEY_PARAM_RSA_N);
    const evp::bn_ptr e = evp::get_bn(k.get(), OSSL_PKEY_PARAM_RSA_E);
    if (!n || !e || !BN_is_odd(n.get()) || !BN_is_odd(e.get()) || BN_is_one(e.get()) ||
        BN_cmp(e.get(), n.get()) >= 0)
        return crypto_error::invalid_key;
    return k;
}

/// A context for one operation on `k` with PKCS#1 v1.5 padding (RFC 8017
/// §7.2, §8.2); `init` is EVP_PKEY_{encrypt,decrypt,sign,verify}_init.
inline evp::pkey_ctx_ptr pkcs1_ctx(EVP_PKEY* k, int (*init)(EVP_PKEY_CTX*), const char* what) {
    evp::pkey_ctx_ptr ctx(
        evp::check_ptr(EVP_PKEY_CTX_new_from_pkey(nullptr, k, nullptr), "EVP_PKEY_CTX_new"));
    evp::check(init(ctx.get()), what);
    evp::check(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING),
               "EVP_PKEY_CTX_set_rsa_padding");
    return ctx;
}

/// The same for signing or verifying a SHA-256 digest (EMSA-PKCS1-v1_5,
/// §9.2: the DigestInfo names SHA-256).
inline evp::pkey_ctx_ptr pkcs1_sha256_ctx(EVP_PKEY* k, int (*init)(EVP_PKEY_CTX*),
                                          const char* what) {
    evp::pkey_ctx_ptr ctx = pkcs1_ctx(k, init, what);
    evp::check(EVP_PKEY_CTX_set_signature_md(ctx.get(), evp::fetched<evp::sha256_digest>()),
               "EVP_PKEY_CTX_set_signature_md");
    return ctx;
}

} // namespace detail::rsa

class rsa_public_key {
public:
    /// SubjectPublicKeyInfo, or else PKCS#1 RSAPublicKey.
    static result<rsa_public_key> from_der(bytes_view der) {
        namespace evp = crypto::detail::evp;
        E2EKIT_TRY(key, crypto::detail::rsa::checked(
                            evp::decode_first<evp::rsa_key_type, evp::der_form::spki,
                                              evp::der_form::typed_public>(der)));
        return rsa_public_key(std::move(key));
    }

    /// "PUBLIC KEY" or "RSA PUBLIC KEY" armour, or a bare base64 DER body.
    static result<rsa_public_key> from_pem(std::string_view text) {
        E2EKIT_TRY(pem, crypto::detail::evp::read_pem(text, {"PUBLIC KEY", "RSA PUBLIC KEY"}));
        if (pem.label == "RSA PUBLIC KEY") {
            auto k = crypto::detail::evp::decode<crypto::detail::evp::rsa_key_type,
                                                 crypto::detail::evp::der_form::typed_public>(
                pem.der.view());
            E2EKIT_TRY(key, crypto::detail::rsa::checked(std::move(k)));
            return rsa_public_key(std::move(key));
        }
        if (pem.label == "PUBLIC KEY") {
            E2EKIT_TRY(key, crypto::detail::rsa::checked(
                                crypto::detail::evp::decode<crypto::detail::evp::rsa_key_type,
                                                            crypto::detail::evp::der_form::spki>(
                                    pem.der.view())));
            return rsa_public_key(std::move(key));
        }
        return from_der(pem.der.view());
    }

    bytes to_der(rsa_public_format f = rsa_public_format::spki) const {
        return f == rsa_public_format::spki ? crypto::detail::evp::spki_der(k_.get())
                                            : crypto::detail::evp::typed_public_der(k_.get());
    }

    std::string to_pem(rsa_public_format f = rsa_public_format::spki) const {
        return crypto::detail::evp::write_pem<crypto::detail::evp::pem_string>(
                   f == rsa_public_format::spki ? "PUBLIC KEY" : "RSA PUBLIC KEY", to_der(f))
            .s;
    }

    /// Modulus length in bits, and in bytes (the length of every ciphertext
    /// and signature).
    std::size_t bits() const noexcept {
        return static_cast<std::size_t>(EVP_PKEY_get_bits(k_.get()));
    }
    std::size_t size() const noexcept {
        return static_cast<std::size_t>(EVP_PKEY_get_size(k_.get()));
    }

    /// The OpenSSL key, for calls e2ekit does not wrap.
    EVP_PKEY* native() const noexcept { return k_.get(); }

    friend bool operator==(const rsa_public_key& a, const rsa_public_key& b) {
        return EVP_PKEY_eq(a.k_.get(), b.k_.get()) == 1; // compares n and e
    }

private:
    friend class rsa_private_key;
    explicit rsa_public_key(crypto::detail::evp::pkey_ptr k) noexcept : k_(std::move(k)) {}
    crypto::detail::evp::pkey_ptr k_;
};

class rsa_private_key {
public:
    /// PKCS#8 PrivateKeyInfo, or else PKCS#1 RSAPrivateKey.
    static result<rsa_private_key> from_der(bytes_view der) {
        namespace evp = crypto::detail::evp;
        return make(evp::decode_first<evp::rsa_key_type, evp::der_form::pkcs8,
                                      evp::der_form::typed_private>(der));
    }

    /// "PRIVATE KEY" or "RSA PRIVATE KEY" armour (other blocks around it
    /// are skipped), or a bare base64 DER body. "ENCRYPTED PRIVATE KEY" and
    /// RFC 1421 encrypted PEM are `unsupported`.
    static result<rsa_private_key> from_pem(std::string_view text) {
        E2EKIT_TRY(pem, crypto::detail::evp::read_pem(text, {"PRIVATE KEY", "RSA PRIVATE KEY"}));
        if (pem.label == "RSA PRIVATE KEY")
            return make(crypto::detail::evp::decode<crypto::detail::evp::rsa_key_type,
                                                    crypto::detail::evp::der_form::typed_private>(
                pem.der.view()));
        if (pem.label == "PRIVATE KEY")
            return make(
                crypto::detail::evp::decode<crypto::detail::evp::rsa_key_type,
                                            crypto::detail::evp::der_form::pkcs8>(pem.der.view()));
        return from_der(pem.der.view());
    }

    /// A fresh key from OpenSSL's generator (e = 65537). `bits` outside
    /// 1024..16384 is misuse.
    static rsa_private_key generate(std::size_t bits = 2048) {
        if (bits < static_cast<std::size_t>(crypto::detail::rsa::min_bits) ||
            bits > static_cast<std::size_t>(crypto::detail::rsa::max_bits))
            throw std::invalid_argument("e2ekit: RSA modulus size out of range");
        EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits);
        return rsa_private_key(
            crypto::detail::evp::pkey_ptr(crypto::detail::evp::check_ptr(k, "EVP_PKEY_Q_keygen")));
    }

    secret_bytes to_der(rsa_private_format f = rsa_private_format::pkcs8) const {
        return f == rsa_private_format::pkcs8 ? crypto::detail::evp::pkcs8_der(k_.get())
                                              : crypto::detail::evp::typed_private_der(k_.get());
    }

    /// PEM text, in a secret buffer (it is the key).
    secret_bytes to_pem(rsa_private_format f = rsa_private_format::pkcs8) const {
        return crypto::detail::evp::write_pem<secret_bytes>(
            f == rsa_private_format::pkcs8 ? "PRIVATE KEY" : "RSA PRIVATE KEY", to_der(f).view());
    }

    rsa_public_key public_key() const {
        return rsa_public_key(
            crypto::detail::evp::public_only<crypto::detail::evp::rsa_key_type>(k_.get()));
    }

    std::size_t bits() const noexcept {
        return static_cast<std::size_t>(EVP_PKEY_get_bits(k_.get()));
    }
    std::size_t size() const noexcept {
        return static_cast<std::size_t>(EVP_PKEY_get_size(k_.get()));
    }
    EVP_PKEY* native() const noexcept { return k_.get(); }

private:
    static result<rsa_private_key> make(crypto::detail::evp::pkey_ptr k) {
        E2EKIT_TRY(key, crypto::detail::rsa::checked(std::move(k)));
        return rsa_private_key(std::move(key));
    }
    explicit rsa_private_key(crypto::detail::evp::pkey_ptr k) noexcept : k_(std::move(k)) {}
    crypto::detail::evp::pkey_ptr k_;
};

/// RSAES-PKCS1-v1_5 (RFC 8017 §7.2), as DIMP encrypts message keys
/// ("RSA/ECB/PKCS1Padding"). Kept for interoperability: the scheme is
/// malleable and its decryption a classic oracle (Bleichenbacher 1998), so
/// every decryption failure is the one opaque `authentication_failed`.
struct rsa_pkcs1_v15 {
    /// Longest message for a key: k - 11 bytes (§7.2.1).
    static std::size_t max_message_size(const rsa_public_key& pub) noexcept {
        return pub.size() - 11;
    }

    /// Randomised by OpenSSL's generator. A message longer than
    /// max_message_size() is `invalid_argument`.
    static result<bytes> encrypt(const rsa_public_key& pub, bytes_view msg) {
        namespace evp = crypto::detail::evp;
        if (msg.size() > max_message_size(pub)) return crypto_error::invalid_argument;
        const auto ctx = crypto::detail::rsa::pkcs1_ctx(pub.native(), EVP_PKEY_encrypt_init,
                                                        "EVP_PKEY_encrypt_init");
        bytes out(pub.size());
        std::size_t n = out.size();
        evp::check(EVP_PKEY_encrypt(ctx.get(), out.data(), &n, msg.data(), msg.size()),
                   "EVP_PKEY_encrypt");
        out.resize(n);
        return out;
    }

    /// The message, or `authentication_failed` for a ciphertext that is not
    /// exactly k bytes, not below n, or badly padded.
    static result<secret_bytes> decrypt(const rsa_private_key& priv, bytes_view ct) {
        namespace evp = crypto::detail::evp;
        // OpenSSL would left-pad a short ciphertext; RFC 8017 §7.2.2 step 1
        // says it is an error.
        if (ct.size() != priv.size()) return crypto_error::authentication_failed;
        const auto ctx = crypto::detail::rsa::pkcs1_ctx(priv.native(), EVP_PKEY_decrypt_init,
                                                        "EVP_PKEY_decrypt_init");
        secret_bytes out(priv.size());
        std::size_t n = out.size();
        if (EVP_PKEY_decrypt(ctx.get(), out.data(), &n, ct.data(), ct.size()) != 1) {
            evp::clear_errors();
            return crypto_error::authentication_failed; // `out` wipes itself
        }
        out.resize(n);
        return out;
    }
};

/// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2, EMSA-PKCS1-v1_5 §9.2),
/// DIMP's "SHA256withRSA". Deterministic.
struct rsa_pkcs1_v15_sha256 {
    static bytes sign(const rsa_private_key& priv, bytes_view msg) {
        namespace evp = crypto::detail::evp;
        const auto h = sha256::digest_of(msg);
        const auto ctx = crypto::detail::rsa::pkcs1_sha256_ctx(priv.native(), EVP_PKEY_sign_init,
                                                               "EVP_PKEY_sign_init");
        bytes sig(priv.size());
        std::size_t n = sig.size();
        evp::check(EVP_PKEY_sign(ctx.get(), sig.data(), &n, h.data(), h.size()), "EVP_PKEY_sign");
        sig.resize(n);
        return sig;
    }

    /// `authentication_failed` unless `sig` is a signature of `msg` by `pub`
    /// (exactly k bytes, DigestInfo with the NULL parameter, as OpenSSL
    /// compares the whole encoded block).
    static result<void> verify(const rsa_public_key& pub, bytes_view msg, bytes_view sig) {
        namespace evp = crypto::detail::evp;
        if (sig.size() != pub.size()) return crypto_error::authentication_failed;
        const auto h = sha256::digest_of(msg);
        const auto ctx = crypto::detail::rsa::pkcs1_sha256_ctx(pub.native(), EVP_PKEY_verify_init,
                                                               "EVP_PKEY_verify_init");
        if (EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), h.data(), h.size()) != 1) {
            evp::clear_errors();
            return crypto_error::authentication_failed;
        }
        return ok();
    }
};

} // namespace e2ekit::crypto

#endif

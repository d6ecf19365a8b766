// ECDSA over secp256k1 (SEC 1 v2 §4.1, SEC 2 §2.4.1) with SHA-256, through
// libsecp256k1, for DIMP metas of type "2" (BTC) and "4" (ETH) and for
// Bitcoin-style verification. Signatures travel DER-encoded (SEC 1 §C.8,
// strict DER: BER forms are rejected, as Wycheproof expects); signing
// always yields low-S (BIP 62) with RFC 6979 nonces.
//
// Two verification policies differ only in what they do with a high-S
// signature (s > n/2, the malleated twin of a low-S one):
//
// | policy                            | high-S                    | who needs it          |
// |-----------------------------------|---------------------------|-----------------------|
// | `ecdsa_secp256k1_sha256`          | normalized, then verified | DIMP: python-ecdsa    |
// |                                   |                           | signs without         |
// |                                   |                           | normalizing, about    |
// |                                   |                           | half of its           |
// |                                   |                           | signatures are high-S |
// | `ecdsa_secp256k1_sha256_bitcoin`  | rejected                  | Bitcoin consensus     |
// |                                   |                           | (BIP 146 LOW_S)       |
//
// Keys come in the forms DIMP uses: private keys as 32 raw bytes (hex on
// the wire) or PKCS#8 / SEC 1 PEM; public keys as SEC 1 points (33 bytes
// compressed, 65 uncompressed), the bare 64-byte X || Y, or an X.509
// SubjectPublicKeyInfo in DER or PEM ("PUBLIC KEY", RFC 5480).
#ifndef E2EKIT_CRYPTO_SECP256K1_HPP
#define E2EKIT_CRYPTO_SECP256K1_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/detail/evp_common.hpp>
#include <e2ekit/crypto/detail/evp_pem.hpp>
#include <e2ekit/crypto/detail/evp_pkey.hpp>
#include <e2ekit/crypto/error.hpp>
#include <e2ekit/crypto/sha2.hpp>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <secp256k1.h>

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace e2ekit::crypto {

namespace detail::secp {

/// One context per process, created and blinded (secp256k1_context_randomize,
/// against side channels in signing) once; libsecp256k1 allows concurrent
/// use of a context through const pointers.
inline const secp256k1_context* context() {
    static const secp256k1_context* ctx = [] {
        secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
        if (!c) throw std::runtime_error("e2ekit: secp256k1_context_create failed");
        // The default illegal-argument callback aborts. e2ekit checks its
        // arguments first; should one slip through, the call returns 0 and
        // e2ekit reports an error instead of ending the process.
        secp256k1_context_set_illegal_callback(
            c, [](const char*, void*) {}, nullptr);
        byte_array<32> seed;
        system_random{}.fill(seed);
        const int ok = secp256k1_context_randomize(c, seed.data());
        ct::wipe(seed);
        if (!ok) throw std::runtime_error("e2ekit: secp256k1_context_randomize failed");
        return c;
    }();
    return ctx;
}

/// RFC 5480 §2.1.1 / SEC 2 §A.2: AlgorithmIdentifier { id-ecPublicKey
/// (1.2.840.10045.2.1), secp256k1 (1.3.132.0.10) }, DER.
inline constexpr byte spki_algorithm[] = {0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
                                          0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a};

} // namespace detail::secp

struct secp256k1_private_key_tag;
/// A secp256k1 scalar, big-endian, in [1, n-1] when it came from e2ekit.
using secp256k1_private_key = secret<32, secp256k1_private_key_tag>;

class secp256k1_public_key {
public:
    static constexpr std::size_t compressed_size = 33;
    static constexpr std::size_t uncompressed_size = 65;

    /// A SEC 1 §2.3.3 point: 0x02/0x03 || X (33 bytes) or 0x04 || X || Y
    /// (65 bytes). libsecp256k1 would also take the "hybrid" 0x06/0x07
    /// form; e2ekit does not.
    static result<secp256k1_public_key> parse(bytes_view point) {
        const bool compressed =
            point.size() == compressed_size && (point[0] == 0x02 || point[0] == 0x03);
        const bool uncompressed = point.size() == uncompressed_size && point[0] == 0x04;
        if (!compressed && !uncompressed) return crypto_error::invalid_key;
        secp256k1_public_key k;
        if (!secp256k1_ec_pubkey_parse(detail::secp::context(), &k.pk_, point.data(), point.size()))
            return crypto_error::invalid_key;
        return k;
    }

    /// The bare X || Y that python-ecdsa's `from_string` takes (DIMP keys
    /// given as 128 hex digits).
    static result<secp256k1_public_key> from_xy(fixed_view<64> xy) {
        byte_array<65> p;
        p[0] = 0x04;
        std::memcpy(p.data() + 1, xy.data(), 64);
        return parse(p);
    }

    /// SubjectPublicKeyInfo (RFC 5480) naming secp256k1, either point form.
    /// Another curve or algorithm is `unsupported`.
    static result<secp256k1_public_key> from_der(bytes_view spki) {
        namespace evp = crypto::detail::evp;
        const evp::pkey_ptr k = evp::decode<evp::ec_key_type, evp::der_form::spki>(spki);
        if (!k) return crypto_error::invalid_key;
        if (!is_secp256k1(k.get())) return crypto_error::unsupported;
        byte_array<uncompressed_size> point{};
        std::size_t n = 0;
        if (EVP_PKEY_get_octet_string_param(k.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                            point.data(), point.size(), &n) != 1) {
            evp::clear_errors();
            return crypto_error::invalid_key;
        }
        return parse(bytes_view(point).first(n));
    }

    /// "PUBLIC KEY" armour (read leniently, see detail/evp_pem.hpp) or bare
    /// base64 of the DER.
    static result<secp256k1_public_key> from_pem(std::string_view text) {
        E2EKIT_TRY(pem, crypto::detail::evp::read_pem(text, {"PUBLIC KEY"}));
        return from_der(pem.der.view());
    }

    byte_array<compressed_size> compressed() const {
        byte_array<compressed_size> out;
        serialize(out, SECP256K1_EC_COMPRESSED);
        return out;
    }
    byte_array<uncompressed_size> uncompressed() const {
        byte_array<uncompressed_size> out;
        serialize(out, SECP256K1_EC_UNCOMPRESSED);
        return out;
    }

    /// SubjectPublicKeyInfo, with the point in the form asked for.
    bytes to_der(bool compressed_point = false) const {
        const bytes point = compressed_point ? to_bytes(compressed()) : to_bytes(uncompressed());
        // SEQUENCE { algorithm, BIT STRING { 0 unused bits, point } }; all
        // lengths are below 128, so short-form DER lengths.
        const std::size_t bit_string = 2 + 1 + point.size();
        const std::size_t body = sizeof detail::secp::spki_algorithm + bit_string;
        bytes out{0x30, static_cast<byte>(body)};
        out.insert(out.end(), std::begin(detail::secp::spki_algorithm),
                   std::end(detail::secp::spki_algorithm));
        out.insert(out.end(), {0x03, static_cast<byte>(point.size() + 1), 0x00});
        out.insert(out.end(), point.begin(), point.end());
        return out;
    }

    std::string to_pem(bool compressed_point = false) const {
        return crypto::detail::evp::write_pem<crypto::detail::evp::pem_string>(
                   "PUBLIC KEY", to_der(compressed_point))
            .s;
    }

    const secp256k1_pubkey& native() const noexcept { return pk_; }

    friend bool operator==(const secp256k1_public_key& a, const secp256k1_public_key& b) {
        return a.compressed() == b.compressed();
    }

private:
    friend struct secp256k1;
    secp256k1_public_key() = default;

    void serialize(mutable_bytes_view out, unsigned flags) const {
        std::size_t n = out.size();
        secp256k1_ec_pubkey_serialize(detail::secp::context(), out.data(), &n, &pk_, flags);
    }

    static bool is_secp256k1(const EVP_PKEY* k) {
        if (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC) return false;
        char name[32] = {};
        std::size_t n = 0;
        const bool ok = EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, name,
                                                       sizeof name, &n) == 1;
        crypto::detail::evp::clear_errors();
        return ok && std::string_view(name, n) == "secp256k1";
    }

    secp256k1_pubkey pk_{};
};

/// Key handling shared by the ECDSA policies.
struct secp256k1 {
    using private_key = secp256k1_private_key;
    using public_key = secp256k1_public_key;

    /// A scalar in [1, n-1], else `invalid_key`.
    static result<private_key> private_key_from(fixed_view<32> scalar) {
        if (!secp256k1_ec_seckey_verify(detail::secp::context(), scalar.data()))
            return crypto_error::invalid_key;
        return private_key(scalar);
    }

    /// PKCS#8 PrivateKeyInfo (what python-ecdsa's `to_pem(format='pkcs8')`
    /// writes for new DIMP keys) or SEC 1 ECPrivateKey (RFC 5915), naming
    /// secp256k1.
    static result<private_key> private_key_from_der(bytes_view der) {
        namespace evp = crypto::detail::evp;
        const evp::pkey_ptr k =
            evp::decode_first<evp::ec_key_type, evp::der_form::pkcs8, evp::der_form::typed_private>(
                der);
        return from_evp(k.get());
    }

    /// "PRIVATE KEY" or "EC PRIVATE KEY" armour (read leniently), or bare
    /// base64 of the DER.
    static result<private_key> private_key_from_pem(std::string_view text) {
        E2EKIT_TRY(pem, crypto::detail::evp::read_pem(text, {"PRIVATE KEY", "EC PRIVATE KEY"}));
        return private_key_from_der(pem.der.view());
    }

    template <random_source R>
    static private_key generate(R& rng) {
        private_key k;
        do {
            rng.fill(k.mutable_view());
        } while (!secp256k1_ec_seckey_verify(detail::secp::context(), k.data()));
        return k;
    }

    static result<public_key> public_key_of(const private_key& k) {
        public_key p;
        if (!secp256k1_ec_pubkey_create(detail::secp::context(), &p.pk_, k.data()))
            return crypto_error::invalid_key;
        return p;
    }

private:
    static result<private_key> from_evp(const EVP_PKEY* k) {
        if (!k) return crypto_error::invalid_key;
        if (!public_key::is_secp256k1(k)) return crypto_error::unsupported;
        const crypto::detail::evp::bn_ptr d =
            crypto::detail::evp::get_bn(k, OSSL_PKEY_PARAM_PRIV_KEY);
        if (!d) return crypto_error::invalid_key;
        private_key out;
        if (BN_bn2binpad(d.get(), out.data(), 32) != 32) return crypto_error::invalid_key;
        return private_key_from(out.view());
    }
};

/// High-S signatures are normalized, then verified (DIMP, python-ecdsa).
struct ecdsa_accept_high_s {
    static constexpr bool accept_high_s = true;
};
/// High-S signatures are rejected (Bitcoin, BIP 146).
struct ecdsa_low_s_only {
    static constexpr bool accept_high_s = false;
};

template <class Params>
struct ecdsa_secp256k1 {
    using params = Params;
    using private_key = secp256k1_private_key;
    using public_key = secp256k1_public_key;
    /// SEQUENCE of two INTEGERs of up to 33 bytes (SEC 1 §C.8).
    static constexpr std::size_t max_signature_size = 72;

    /// DER signature of SHA-256(msg), low-S, RFC 6979 nonce (so the same
    /// key and message always give the same signature).
    static result<bytes> sign(const private_key& k, bytes_view msg) {
        const auto h = hash(msg);
        secp256k1_ecdsa_signature sig;
        if (!secp256k1_ecdsa_sign(detail::secp::context(), &sig, h.data(), k.data(), nullptr,
                                  nullptr))
            return crypto_error::invalid_key;
        bytes der(max_signature_size);
        std::size_t n = der.size();
        secp256k1_ecdsa_signature_serialize_der(detail::secp::context(), der.data(), &n, &sig);
        der.resize(n);
        return der;
    }

    /// `authentication_failed` unless `der` is a strict-DER signature of
    /// SHA-256(msg) by `pub` (and low-S, under ecdsa_low_s_only).
    static result<void> verify(const public_key& pub, bytes_view msg, bytes_view der) {
        // libsecp256k1 treats a null pointer (an empty span's data) as a
        // programming error.
        if (der.empty()) return crypto_error::authentication_failed;
        secp256k1_ecdsa_signature sig;
        if (!secp256k1_ecdsa_signature_parse_der(detail::secp::context(), &sig, der.data(),
                                                 der.size()))
            return crypto_error::authentication_failed;
        // libsecp256k1 verifies low-S only; the lax policy maps s to n - s
        // first, which accepts exactly the signatures ECDSA itself accepts.
        if constexpr (Params::accept_high_s)
            secp256k1_ecdsa_signature_normalize(detail::secp::context(), &sig, &sig);
        const auto h = hash(msg);
        if (!secp256k1_ecdsa_verify(detail::secp::context(), &sig, h.data(), &pub.native()))
            return crypto_error::authentication_failed;
        return ok();
    }

private:
    static byte_array<32> hash(bytes_view msg) { return sha256::digest_of(msg); }
};

using ecdsa_secp256k1_sha256 = ecdsa_secp256k1<ecdsa_accept_high_s>;
using ecdsa_secp256k1_sha256_bitcoin = ecdsa_secp256k1<ecdsa_low_s_only>;

} // namespace e2ekit::crypto

#endif

// DIMP's JSON key formats (dimplugins/crypto/{rsa,ecc,aes,plain}.py), over
// the crypto layer's RSA, secp256k1 and AES-CBC.
//
// | "algorithm" on the wire                          | key             | used for           |
// |--------------------------------------------------|-----------------|--------------------|
// | "RSA", "SHA256withRSA", "RSA/ECB/PKCS1Padding"   | RSA             | sign, encrypt keys |
// | "ECC", "SHA256withECDSA"                         | secp256k1       | sign               |
// | "AES", "AES/CBC/PKCS7Padding"                    | AES-CBC         | message content    |
// | "PLAIN"                                          | none            | broadcast content  |
//
// | key          | "data"                                         | other fields read        |
// |--------------|------------------------------------------------|--------------------------|
// | RSA public   | PEM "PUBLIC KEY"/"RSA PUBLIC KEY", bare base64 | (mode, padding, digest:  |
// |              |                                                |  fixed, not read)        |
// | RSA private  | PEM "RSA PRIVATE KEY"/"PRIVATE KEY"            |                          |
// | ECC public   | 130 or 128 hex digits (04‖X‖Y or X‖Y), or PEM  | "compressed" (address)   |
// | ECC private  | 64 hex digits, or PEM (PKCS#8 / SEC 1)         |                          |
// | AES          | base64 of 16, 24 or 32 bytes                   | "iv"/"IV" (fallback IV)  |
//
// A symmetric key may use the short names "A" (algorithm), "D" (data), "I"
// (iv). Private key material is decoded in constant time (PEM through
// libsodium, hex through libsodium) and lives in secret types; the JSON text
// a caller parsed it from is the caller's to wipe.
//
// Signatures: RSASSA-PKCS1-v1_5 with SHA-256 (deterministic), ECDSA over
// SHA-256 in DER, high-S accepted on input (python-ecdsa does not
// normalise) and low-S with RFC 6979 nonces on output. Message keys are
// encrypted with RSAES-PKCS1-v1_5; ECC keys cannot encrypt.
#ifndef E2EKIT_PROTOCOLS_DIMP_KEYS_HPP
#define E2EKIT_PROTOCOLS_DIMP_KEYS_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/hex.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/aes_cbc.hpp>
#include <e2ekit/crypto/rsa.hpp>
#include <e2ekit/crypto/secp256k1.hpp>
#include <e2ekit/protocols/dimp/detail/fields.hpp>
#include <e2ekit/protocols/dimp/error.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

namespace e2ekit::protocols::dimp {

enum class key_algorithm { rsa, ecc, aes, plain };

/// The algorithm a wire name stands for (the table above);
/// `unsupported_algorithm` for any other name.
inline result<key_algorithm> parse_algorithm(std::string_view name) {
    if (name == "RSA" || name == "SHA256withRSA" || name == "RSA/ECB/PKCS1Padding")
        return key_algorithm::rsa;
    if (name == "ECC" || name == "SHA256withECDSA") return key_algorithm::ecc;
    if (name == "AES" || name == "AES/CBC/PKCS7Padding") return key_algorithm::aes;
    if (name == "PLAIN") return key_algorithm::plain;
    return dimp_error::unsupported_algorithm;
}

/// The canonical name written on output.
constexpr std::string_view algorithm_name(key_algorithm a) noexcept {
    switch (a) {
    case key_algorithm::rsa: return "RSA";
    case key_algorithm::ecc: return "ECC";
    case key_algorithm::aes: return "AES";
    case key_algorithm::plain: return "PLAIN";
    }
    return "";
}

namespace detail {

/// Crypto-layer key errors as DIMP reports them.
inline std::error_code key_error(std::error_code ec) {
    if (ec == crypto::crypto_error::unsupported) return dimp_error::unsupported_algorithm;
    return dimp_error::invalid_key;
}

/// Appends `s` as the body of a JSON string (RFC 8259 §7), escaping what
/// must be; used for PEM text, which is ASCII.
template <class Out>
void append_json_escaped(Out& out, bytes_view s) {
    static constexpr char hexd[] = "0123456789abcdef";
    for (byte c : s) {
        const char* esc = nullptr;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default: break;
        }
        if (esc) {
            out.append(as_bytes(esc));
        } else if (c < 0x20) {
            const char u[] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
            out.append(bytes_view(reinterpret_cast<const byte*>(u), sizeof u));
        } else {
            out.append(bytes_view(&c, 1));
        }
    }
}

/// The algorithm member of a key map ("A" allowed when `short_names`).
inline result<key_algorithm> algorithm_of(const nlohmann::json& key, bool short_names) {
    E2EKIT_TRY(name, string_field(key, "algorithm", short_names ? "A" : ""));
    return parse_algorithm(name);
}

} // namespace detail

/// A verify / encrypt key: RSA or secp256k1.
class public_key {
public:
    /// A key map as metas, visas and documents carry it.
    static result<public_key> from_json(const nlohmann::json& key);

    static public_key from_rsa(crypto::rsa_public_key k) { return public_key(std::move(k)); }
    static public_key from_ecc(crypto::secp256k1_public_key k, bool compressed = false) {
        return public_key(std::move(k), compressed);
    }

    key_algorithm algorithm() const noexcept {
        return k_.index() == 0 ? key_algorithm::rsa : key_algorithm::ecc;
    }
    /// The ECC key's "compressed" flag: its data() is then the 33-byte point.
    bool compressed() const noexcept { return compressed_; }

    /// The reference's `key.data`, which BTC-style and ETH-style addresses
    /// hash: the DER SubjectPublicKeyInfo of an RSA key, the SEC 1 point of
    /// an ECC key (65 bytes, or 33 when compressed).
    bytes data() const;

    /// The key map as the reference writes it (PEM data).
    nlohmann::json to_json() const;

    /// `authentication_failed` unless `signature` signs `message`.
    result<void> verify(bytes_view message, bytes_view signature) const;

    bool can_encrypt() const noexcept { return algorithm() == key_algorithm::rsa; }
    /// RSAES-PKCS1-v1_5 (randomised); `unsupported_algorithm` for ECC,
    /// `too_large` beyond the modulus.
    result<bytes> encrypt(bytes_view plaintext) const;

    const crypto::rsa_public_key* rsa() const noexcept {
        return std::get_if<crypto::rsa_public_key>(&k_);
    }
    const crypto::secp256k1_public_key* ecc() const noexcept {
        return std::get_if<crypto::secp256k1_public_key>(&k_);
    }

    public_key clone() const;

    friend bool operator==(const public_key& a, const public_key& b) {
        if (a.rsa() && b.rsa()) return *a.rsa() == *b.rsa();
        if (a.ecc() && b.ecc()) return *a.ecc() == *b.ecc();
        return false;
    }

private:
    explicit public_key(crypto::rsa_public_key k) : k_(std::move(k)) {}
    public_key(crypto::secp256k1_public_key k, bool compressed)
        : k_(std::move(k)), compressed_(compressed) {}

    std::variant<crypto::rsa_public_key, crypto::secp256k1_public_key> k_;
    bool compressed_ = false;
};

/// A sign / decrypt key: RSA or secp256k1.
class private_key {
public:
    static result<private_key> from_json(const nlohmann::json& key);

    static private_key from_rsa(crypto::rsa_private_key k) { return private_key(std::move(k)); }
    static private_key from_ecc(crypto::secp256k1_private_key k) {
        return private_key(std::move(k));
    }
    /// A fresh RSA key (OpenSSL's generator; the reference makes 1024-bit
    /// keys, e2ekit defaults to 2048).
    static private_key generate_rsa(std::size_t bits = 2048) {
        return private_key(crypto::rsa_private_key::generate(bits));
    }
    template <random_source R>
    static private_key generate_ecc(R& rng) {
        return private_key(crypto::secp256k1::generate(rng));
    }

    key_algorithm algorithm() const noexcept {
        return k_.index() == 0 ? key_algorithm::rsa : key_algorithm::ecc;
    }

    dimp::public_key public_key() const;

    /// RSASSA-PKCS1-v1_5/SHA-256, or ECDSA/SHA-256 (DER, low-S, RFC 6979).
    result<bytes> sign(bytes_view message) const;

    /// RSAES-PKCS1-v1_5; `authentication_failed` for any bad ciphertext,
    /// `unsupported_algorithm` for ECC.
    result<secret_bytes> decrypt(bytes_view ciphertext) const;

    /// The key map as the reference stores it (RSA: PKCS#1 PEM; ECC: hex
    /// scalar), as JSON text in a secret buffer.
    secret_bytes to_json() const;

private:
    explicit private_key(crypto::rsa_private_key k) : k_(std::move(k)) {}
    explicit private_key(crypto::secp256k1_private_key k) : k_(std::move(k)) {}

    std::variant<crypto::rsa_private_key, crypto::secp256k1_private_key> k_;
};

/// A message key: AES-CBC (16, 24 or 32 bytes) or PLAIN (broadcast: the
/// "ciphertext" is the plaintext).
class symmetric_key {
public:
    static constexpr std::size_t iv_size = 16;
    using iv_type = byte_array<iv_size>;

    /// A key map, long or short field names.
    static result<symmetric_key> from_json(const nlohmann::json& key);

    static symmetric_key plain() { return symmetric_key(); }
    /// An AES key of 16, 24 or 32 bytes (`invalid_key` otherwise).
    static result<symmetric_key> aes(bytes_view key);
    /// A fresh AES-256 key.
    template <random_source R>
    static symmetric_key generate_aes(R& rng) {
        symmetric_key k;
        k.alg_ = key_algorithm::aes;
        k.key_ = secret_bytes(32);
        rng.fill(k.key_.mutable_view());
        return k;
    }

    key_algorithm algorithm() const noexcept { return alg_; }
    bool is_plain() const noexcept { return alg_ == key_algorithm::plain; }
    /// The key bytes (empty for PLAIN).
    bytes_view view() const noexcept { return key_.view(); }
    /// An IV carried in the key map ("iv"/"IV"/"I"), which the reference
    /// falls back to when a message has none.
    const std::optional<iv_type>& own_iv() const noexcept { return iv_; }

    /// `{"algorithm": "AES", "data": "<base64>"}`, byte for byte as the
    /// reference's json.dumps writes it (what goes into `keys`), in a
    /// secret buffer. PLAIN is `{"algorithm": "PLAIN"}`.
    secret_bytes serialize() const;

    /// AES-CBC with PKCS#7 padding under `iv`; PLAIN returns the input.
    bytes encrypt(bytes_view plaintext, const iv_type& iv) const;

    /// The plaintext; `iv` absent falls back to the key's own IV, then to
    /// sixteen zero bytes (dimplugins/crypto/aes.py). Any failure is
    /// `authentication_failed`.
    result<secret_bytes> decrypt(bytes_view ciphertext, const std::optional<iv_type>& iv) const;

    symmetric_key clone() const {
        symmetric_key k;
        k.alg_ = alg_;
        k.key_ = key_.clone();
        k.iv_ = iv_;
        return k;
    }

    friend bool operator==(const symmetric_key& a, const symmetric_key& b) noexcept {
        return a.alg_ == b.alg_ && a.key_ == b.key_;
    }

private:
    symmetric_key() = default;

    key_algorithm alg_ = key_algorithm::plain;
    secret_bytes key_;
    std::optional<iv_type> iv_;
};

// ---- public_key ----------------------------------------------------------

inline result<public_key> public_key::from_json(const nlohmann::json& key) {
    E2EKIT_TRY(alg, detail::algorithm_of(key, false));
    E2EKIT_TRY(data, detail::string_field(key, "data"));
    if (alg == key_algorithm::rsa) {
        auto k = crypto::rsa_public_key::from_pem(data);
        if (!k) return detail::key_error(k.error());
        return public_key(std::move(*k));
    }
    if (alg != key_algorithm::ecc) return dimp_error::unsupported_algorithm;
    E2EKIT_TRY(compressed, detail::bool_field(key, "compressed", false));
    // python-ecdsa's from_string for 130 or 128 hex digits, PEM otherwise
    // (dimplugins/crypto/ecc.py).
    if (data.size() == 130 || data.size() == 128) {
        auto raw = codec::hex::decode(data);
        if (!raw) return dimp_error::invalid_key;
        auto k = raw->size() == 64 ? crypto::secp256k1_public_key::from_xy(fixed_view<64>(*raw))
                                   : crypto::secp256k1_public_key::parse(*raw);
        if (!k) return detail::key_error(k.error());
        return public_key(std::move(*k), compressed);
    }
    auto k = crypto::secp256k1_public_key::from_pem(data);
    if (!k) return detail::key_error(k.error());
    return public_key(std::move(*k), compressed);
}

inline bytes public_key::data() const {
    if (const auto* r = rsa()) return r->to_der(crypto::rsa_public_format::spki);
    const auto* e = ecc();
    return compressed_ ? to_bytes(e->compressed()) : to_bytes(e->uncompressed());
}

inline nlohmann::json public_key::to_json() const {
    if (const auto* r = rsa()) {
        std::string pem = r->to_pem();
        // pycryptodome's exportKey('PEM') ends without a newline.
        if (!pem.empty() && pem.back() == '\n') pem.pop_back();
        return {{"algorithm", "RSA"},
                {"data", pem},
                {"mode", "ECB"},
                {"padding", "PKCS1"},
                {"digest", "SHA256"}};
    }
    nlohmann::json j = {{"algorithm", "ECC"},
                        {"data", ecc()->to_pem()},
                        {"curve", "SECP256k1"},
                        {"digest", "SHA256"}};
    if (compressed_) j["compressed"] = 1;
    return j;
}

inline result<void> public_key::verify(bytes_view message, bytes_view signature) const {
    const result<void> r = rsa()
                               ? crypto::rsa_pkcs1_v15_sha256::verify(*rsa(), message, signature)
                               : crypto::ecdsa_secp256k1_sha256::verify(*ecc(), message, signature);
    if (!r) return dimp_error::authentication_failed;
    return ok();
}

inline result<bytes> public_key::encrypt(bytes_view plaintext) const {
    const auto* r = rsa();
    if (!r) return dimp_error::unsupported_algorithm;
    auto c = crypto::rsa_pkcs1_v15::encrypt(*r, plaintext);
    if (!c) return dimp_error::too_large;
    return std::move(*c);
}

inline public_key public_key::clone() const {
    if (const auto* r = rsa()) {
        auto k = crypto::rsa_public_key::from_der(r->to_der());
        return public_key(std::move(k.value())); // our own encoding: cannot fail
    }
    auto k = crypto::secp256k1_public_key::parse(ecc()->compressed());
    return public_key(std::move(k.value()), compressed_);
}

// ---- private_key ---------------------------------------------------------

inline result<private_key> private_key::from_json(const nlohmann::json& key) {
    E2EKIT_TRY(alg, detail::algorithm_of(key, false));
    E2EKIT_TRY(data, detail::string_field(key, "data"));
    if (alg == key_algorithm::rsa) {
        auto k = crypto::rsa_private_key::from_pem(data);
        if (!k) return detail::key_error(k.error());
        private_key out(std::move(*k));
        // A stored key whose parts do not belong together (found by
        // fuzz/dimp_meta_document: n changed, p, q, d kept) parses, then
        // signs what its own public key refuses. A pairwise test, as FIPS
        // 140 asks of new key pairs, refuses it here.
        // crypto::rsa_private_key takes such keys and its signer throws
        // when OpenSSL refuses one (EVP_PKEY_sign failing is an environment
        // failure there); here that is bad input, and nothing escapes.
        static constexpr std::string_view probe = "e2ekit dimp pairwise consistency";
        try {
            auto sig = out.sign(as_bytes(probe));
            if (!sig || !out.public_key().verify(as_bytes(probe), *sig))
                return dimp_error::invalid_key;
        } catch (const std::runtime_error&) {
            return dimp_error::invalid_key;
        }
        return out;
    }
    if (alg != key_algorithm::ecc) return dimp_error::unsupported_algorithm;
    if (data.size() == 64) {
        auto scalar = codec::hex::decode_secret<32>(data);
        if (!scalar) return dimp_error::invalid_key;
        auto k = crypto::secp256k1::private_key_from(scalar->view());
        if (!k) return dimp_error::invalid_key;
        return private_key(std::move(*k));
    }
    auto k = crypto::secp256k1::private_key_from_pem(data);
    if (!k) return detail::key_error(k.error());
    return private_key(std::move(*k));
}

inline dimp::public_key private_key::public_key() const {
    if (const auto* r = std::get_if<crypto::rsa_private_key>(&k_))
        return dimp::public_key::from_rsa(r->public_key());
    // A scalar e2ekit accepted is in [1, n-1]: it has a public key.
    return dimp::public_key::from_ecc(
        crypto::secp256k1::public_key_of(std::get<crypto::secp256k1_private_key>(k_)).value());
}

inline result<bytes> private_key::sign(bytes_view message) const {
    if (const auto* r = std::get_if<crypto::rsa_private_key>(&k_))
        return crypto::rsa_pkcs1_v15_sha256::sign(*r, message);
    auto s =
        crypto::ecdsa_secp256k1_sha256::sign(std::get<crypto::secp256k1_private_key>(k_), message);
    if (!s) return dimp_error::invalid_key;
    return std::move(*s);
}

inline result<secret_bytes> private_key::decrypt(bytes_view ciphertext) const {
    const auto* r = std::get_if<crypto::rsa_private_key>(&k_);
    if (!r) return dimp_error::unsupported_algorithm;
    auto p = crypto::rsa_pkcs1_v15::decrypt(*r, ciphertext);
    if (!p) return dimp_error::authentication_failed;
    return std::move(*p);
}

inline secret_bytes private_key::to_json() const {
    secret_bytes out;
    if (const auto* r = std::get_if<crypto::rsa_private_key>(&k_)) {
        const secret_bytes pem = r->to_pem(crypto::rsa_private_format::pkcs1);
        out.append(as_bytes("{\"algorithm\": \"RSA\", \"data\": \""));
        detail::append_json_escaped(out, pem.view());
        out.append(as_bytes("\", \"mode\": \"ECB\", \"padding\": \"PKCS1\", \"digest\": "
                            "\"SHA256\"}"));
        return out;
    }
    const auto& k = std::get<crypto::secp256k1_private_key>(k_);
    ::e2ekit::detail::ensure_sodium();
    secret_bytes hex(2 * k.size() + 1);
    sodium_bin2hex(reinterpret_cast<char*>(hex.data()), hex.size(), k.data(), k.size());
    hex.resize(2 * k.size());
    out.append(as_bytes("{\"algorithm\": \"ECC\", \"data\": \""));
    out.append(hex.view());
    out.append(as_bytes("\", \"curve\": \"SECP256k1\", \"digest\": \"SHA256\"}"));
    return out;
}

// ---- symmetric_key -------------------------------------------------------

inline result<symmetric_key> symmetric_key::aes(bytes_view key) {
    if (key.size() != 16 && key.size() != 24 && key.size() != 32) return dimp_error::invalid_key;
    symmetric_key k;
    k.alg_ = key_algorithm::aes;
    k.key_ = secret_bytes(key);
    return k;
}

inline result<symmetric_key> symmetric_key::from_json(const nlohmann::json& key) {
    E2EKIT_TRY(alg, detail::algorithm_of(key, true));
    if (alg == key_algorithm::plain) return plain();
    if (alg != key_algorithm::aes) return dimp_error::unsupported_algorithm;
    E2EKIT_TRY(data, detail::string_field(key, "data", "D"));
    auto raw = codec::base64::decode_secret<codec::base64::standard_optional_padding>(data);
    if (!raw) return dimp_error::invalid_key;
    if (raw->size() != 16 && raw->size() != 24 && raw->size() != 32) return dimp_error::invalid_key;
    symmetric_key k;
    k.alg_ = key_algorithm::aes;
    k.key_ = std::move(*raw);
    // The key's own IV: "iv" (short "I"), or else "IV".
    E2EKIT_TRY(iv_text, detail::optional_string_field(key, "iv", "I"));
    std::string_view iv = iv_text;
    if (iv.empty()) {
        E2EKIT_TRY(upper, detail::optional_string_field(key, "IV"));
        iv = upper;
    }
    if (!iv.empty()) {
        auto v = codec::base64::decode_array<iv_size, codec::base64::standard_optional_padding>(iv);
        if (!v) return dimp_error::invalid_key;
        k.iv_ = *v;
    }
    return k;
}

inline secret_bytes symmetric_key::serialize() const {
    secret_bytes out;
    if (is_plain()) {
        out.append(as_bytes("{\"algorithm\": \"PLAIN\"}"));
        return out;
    }
    ::e2ekit::detail::ensure_sodium();
    const std::size_t n = sodium_base64_encoded_len(key_.size(), sodium_base64_VARIANT_ORIGINAL);
    secret_bytes b64(n);
    sodium_bin2base64(reinterpret_cast<char*>(b64.data()), n, key_.data(), key_.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    b64.resize(n - 1); // libsodium writes a terminating NUL
    out.append(as_bytes("{\"algorithm\": \"AES\", \"data\": \""));
    out.append(b64.view());
    out.append(as_bytes("\"}"));
    return out;
}

inline bytes symmetric_key::encrypt(bytes_view plaintext, const iv_type& iv) const {
    switch (key_.size()) {
    case 16: return crypto::aes_128_cbc::encrypt(fixed_view<16>(key_.view()), iv, plaintext);
    case 24: return crypto::aes_cbc<192>::encrypt(fixed_view<24>(key_.view()), iv, plaintext);
    case 32: return crypto::aes_256_cbc::encrypt(fixed_view<32>(key_.view()), iv, plaintext);
    default: return to_bytes(plaintext); // PLAIN
    }
}

inline result<secret_bytes> symmetric_key::decrypt(bytes_view ciphertext,
                                                   const std::optional<iv_type>& iv) const {
    if (is_plain()) return secret_bytes(ciphertext);
    const iv_type use = iv ? *iv : iv_ ? *iv_ : iv_type{};
    result<secret_bytes> r = crypto::crypto_error::authentication_failed;
    switch (key_.size()) {
    case 16: r = crypto::aes_128_cbc::decrypt(fixed_view<16>(key_.view()), use, ciphertext); break;
    case 24: r = crypto::aes_cbc<192>::decrypt(fixed_view<24>(key_.view()), use, ciphertext); break;
    case 32: r = crypto::aes_256_cbc::decrypt(fixed_view<32>(key_.view()), use, ciphertext); break;
    default: break;
    }
    if (!r) return dimp_error::authentication_failed;
    return std::move(*r);
}

} // namespace e2ekit::protocols::dimp

#endif

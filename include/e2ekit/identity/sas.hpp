// Short authentication strings as libolm's olm_sas computes them (Matrix
// key verification, m.sas.v1): an X25519 exchange, then HKDF-SHA-256 over
// the shared secret (empty salt) for the bytes both users compare, and for
// the MAC keys with which each side sends its keys' MACs.
//
// - `generate_bytes(info, n)`: HKDF(shared, info), n bytes (olm_sas_generate_bytes).
// - `emoji(bytes)`: the first 42 bits of 6 bytes as 7 indexes into the
//   spec's 64-emoji table; `decimal(bytes)`: the first 39 bits of 5 bytes
//   as three 13-bit numbers plus 1000 (the client-server spec, "SAS method:
//   emoji / decimal").
// - `calculate_mac(input, info)`: HMAC-SHA-256 keyed with HKDF(shared, info,
//   32), base64: `mac_base64` is the correct encoding
//   (olm_sas_calculate_mac_fixed_base64, "hkdf-hmac-sha256.v2");
//   `mac_libolm_legacy` reproduces olm_sas_calculate_mac's, which encodes
//   the MAC in place over itself and so garbles it ("hkdf-hmac-sha256", still
//   spoken by older clients); `mac_long_kdf` is olm_sas_calculate_mac_long_kdf
//   (a 256-byte HKDF output as the HMAC key, legacy base64).
#ifndef E2EKIT_IDENTITY_SAS_HPP
#define E2EKIT_IDENTITY_SAS_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/crypto/x25519.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace e2ekit::identity {

class sas {
public:
    template <random_source R>
    static sas create(R& rng) {
        return sas(crypto::x25519::generate(rng));
    }

    const crypto::x25519::public_key& public_key() const noexcept { return own_.pub; }

    /// `invalid_key` for a key giving an all-zero secret.
    result<void> set_their_key(const crypto::x25519::public_key& theirs) {
        auto s = crypto::x25519::agree(own_.priv, theirs);
        if (!s) return s.error();
        shared_.emplace(std::move(*s));
        return ok();
    }

    /// Misuse (throws) before set_their_key.
    secret_bytes generate_bytes(std::string_view info, std::size_t n) const {
        secret_bytes out(n);
        (void)crypto::hkdf_sha256::derive(out.mutable_view(), shared().view(), bytes_view{},
                                          as_bytes(info));
        return out;
    }

    std::string mac_base64(bytes_view input, std::string_view info) const {
        return codec::base64::encode<codec::base64::standard_unpadded>(mac(input, info, 32));
    }
    std::string mac_libolm_legacy(bytes_view input, std::string_view info) const {
        return legacy_base64(mac(input, info, 32));
    }
    std::string mac_long_kdf(bytes_view input, std::string_view info) const {
        return legacy_base64(mac(input, info, 256));
    }

    static std::array<std::uint8_t, 7> emoji(fixed_view<6> b) noexcept {
        std::uint64_t v = 0;
        for (byte x : b)
            v = v << 8 | x;
        std::array<std::uint8_t, 7> out{};
        for (std::size_t i = 0; i < 7; ++i)
            out[i] = static_cast<std::uint8_t>((v >> (48 - 6 * (i + 1))) & 63);
        return out;
    }
    static std::array<std::uint16_t, 3> decimal(fixed_view<5> b) noexcept {
        std::uint64_t v = 0;
        for (byte x : b)
            v = v << 8 | x;
        std::array<std::uint16_t, 3> out{};
        for (std::size_t i = 0; i < 3; ++i)
            out[i] = static_cast<std::uint16_t>(((v >> (40 - 13 * (i + 1))) & 0x1fff) + 1000);
        return out;
    }

private:
    explicit sas(crypto::x25519::key_pair k) : own_(std::move(k)) {}

    const crypto::x25519::shared_secret& shared() const {
        if (!shared_) throw std::logic_error("e2ekit: sas used before set_their_key");
        return *shared_;
    }

    crypto::hmac_sha256::tag mac(bytes_view input, std::string_view info,
                                 std::size_t key_size) const {
        secret_bytes key(key_size);
        (void)crypto::hkdf_sha256::derive(key.mutable_view(), shared().view(), bytes_view{},
                                          as_bytes(info));
        crypto::hmac_sha256::tag t;
        crypto::hmac_sha256::compute(t, key.view(), input);
        return t;
    }

    /// libolm's _olm_encode_base64 run with its output over its input, as
    /// olm_sas_calculate_mac runs it: each group reads its 3 bytes, then
    /// writes 4 characters, which overwrite bytes later groups read.
    static std::string legacy_base64(const crypto::hmac_sha256::tag& t) {
        static constexpr char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::array<std::uint8_t, 44> buf{};
        std::copy(t.begin(), t.end(), buf.begin());
        std::size_t in = 0, out = 0;
        for (std::size_t g = 0; g < 10; ++g) {
            const std::uint32_t v =
                std::uint32_t{buf[in]} << 16 | std::uint32_t{buf[in + 1]} << 8 | buf[in + 2];
            in += 3;
            buf[out++] = static_cast<std::uint8_t>(alphabet[(v >> 18) & 63]);
            buf[out++] = static_cast<std::uint8_t>(alphabet[(v >> 12) & 63]);
            buf[out++] = static_cast<std::uint8_t>(alphabet[(v >> 6) & 63]);
            buf[out++] = static_cast<std::uint8_t>(alphabet[v & 63]);
        }
        // 32 = 10 * 3 + 2: the last two bytes make three characters.
        const std::uint32_t v = std::uint32_t{buf[in]} << 10 | std::uint32_t{buf[in + 1]} << 2;
        buf[out++] = static_cast<std::uint8_t>(alphabet[(v >> 12) & 63]);
        buf[out++] = static_cast<std::uint8_t>(alphabet[(v >> 6) & 63]);
        buf[out++] = static_cast<std::uint8_t>(alphabet[v & 63]);
        return std::string(buf.begin(), buf.begin() + 43);
    }

    crypto::x25519::key_pair own_;
    std::optional<crypto::x25519::shared_secret> shared_;
};

} // namespace e2ekit::identity

#endif

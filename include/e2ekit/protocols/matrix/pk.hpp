// libolm's public-key encryption (olm_pk_encrypt / olm_pk_decrypt), which
// server-side key backup (m.megolm_backup.v1.curve25519-aes-sha2) uses: an
// ephemeral X25519 key against the recipient's, HKDF-SHA-256 (empty salt
// and info) to 80 bytes = AES-256 key, HMAC-SHA-256 key, CBC IV, and
// AES-256-CBC.
//
// The MAC is libolm's, bug included: HMAC-SHA-256 over the EMPTY string,
// truncated to 8 bytes, so it only shows that both sides derived the same
// keys and authenticates nothing of the ciphertext (libolm computes it
// before it has written the ciphertext; vodozemac and the spec's backup
// format keep it for compatibility). Integrity comes from what carries the
// message (backups: the signed backup version); a padding failure is still
// the one `authentication_failed`.
#ifndef E2EKIT_PROTOCOLS_MATRIX_PK_HPP
#define E2EKIT_PROTOCOLS_MATRIX_PK_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/aes_cbc.hpp>
#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/protocols/matrix/error.hpp>

namespace e2ekit::protocols::matrix {

struct pk_message {
    bytes ciphertext;
    byte_array<8> mac{};
    crypto::x25519::public_key ephemeral{};
};

namespace detail {
struct pk_keys_tag;
inline secret<80, pk_keys_tag> pk_keys(const crypto::x25519::shared_secret& shared) {
    return crypto::hkdf_sha256::derive<80, pk_keys_tag>(shared.view(), bytes_view{}, bytes_view{});
}
inline byte_array<8> pk_mac(const secret<80, pk_keys_tag>& k) {
    crypto::hmac_sha256::tag t;
    crypto::hmac_sha256::compute(t, k.view().subspan(32, 32), bytes_view{});
    byte_array<8> out;
    std::copy_n(t.begin(), 8, out.begin());
    return out;
}
} // namespace detail

/// `invalid_key` for a recipient key whose shared secret is all zero.
template <random_source R>
result<pk_message> pk_encrypt(const crypto::x25519::public_key& recipient, bytes_view plaintext,
                              R& rng) {
    const auto eph = crypto::x25519::generate(rng);
    auto shared = crypto::x25519::agree(eph.priv, recipient);
    if (!shared) return shared.error();
    const auto k = detail::pk_keys(*shared);
    pk_message m;
    m.ephemeral = eph.pub;
    m.ciphertext = crypto::aes_256_cbc::encrypt(k.view().template first<32>(),
                                                k.view().template subspan<64, 16>(), plaintext);
    m.mac = detail::pk_mac(k);
    return m;
}

inline result<secret_bytes> pk_decrypt(const crypto::x25519::private_key& own,
                                       const pk_message& m) {
    auto shared = crypto::x25519::agree(own, m.ephemeral);
    if (!shared) return matrix_error::authentication_failed;
    const auto k = detail::pk_keys(*shared);
    const auto mac = detail::pk_mac(k);
    if (!ct::equal(bytes_view(mac), bytes_view(m.mac))) return matrix_error::authentication_failed;
    auto pt = crypto::aes_256_cbc::decrypt(k.view().template first<32>(),
                                           k.view().template subspan<64, 16>(), m.ciphertext);
    if (!pt) return matrix_error::authentication_failed;
    return std::move(*pt);
}

} // namespace e2ekit::protocols::matrix

#endif

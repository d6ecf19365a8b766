// KDF building blocks for Double Ratchet params (Double Ratchet §5.2
// "Recommended cryptographic algorithms"). A params struct names its KDFs as
// these templates with its own labels; a protocol whose KDFs differ writes
// its own types that offer the same static functions (see concept.hpp).
//
// | building block                       | models    | computes                                |
// |--------------------------------------|-----------|-----------------------------------------|
// | `hkdf_root<KDF, Info>`               | root KDF  | HKDF(salt = rk, ikm = DH, Info, 64)     |
// |                                      |           | -> new rk ‖ ck                          |
// | `hmac_chain<MAC, MsgByte, CkByte>`   | chain KDF | mk = MAC(ck, MsgByte),                  |
// |                                      |           | ck' = MAC(ck, CkByte)                   |
// | `hkdf_message_keys<KDF, Info, C, M,  | message   | HKDF(ikm = mk, zero salt, Info, C+M+I)  |
// |  I>`                                 | keys      | -> cipher key C ‖ MAC key M ‖ IV I      |
// | `hkdf_iv_and_key<KDF, Info, I, C>`   | message   | HKDF(ikm = mk, zero salt, Info, I+C)    |
// |                                      | keys      | -> IV I ‖ cipher key C (sender keys)    |
#ifndef E2EKIT_RATCHET_KDF_HPP
#define E2EKIT_RATCHET_KDF_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/concepts/kdf.hpp>
#include <e2ekit/crypto/concepts/mac.hpp>
#include <e2ekit/ratchet/keys.hpp>

#include <cstddef>
#include <utility>

namespace e2ekit::ratchet {

/// KDF_RK as HKDF with the root key as salt and the DH output as input key
/// material (§5.2).
template <crypto::key_derivation KDF, label Info>
requires(KDF::max_output_size >= 2 * key_size) struct hkdf_root {
    static root_step step(const root_key& rk, bytes_view dh_output) {
        secret<2 * key_size> okm =
            KDF::template derive<2 * key_size>(dh_output, rk.view(), Info.bytes());
        return {root_key(okm.view().template first<key_size>()),
                chain_key(okm.view().template last<key_size>())};
    }
};

/// KDF_CK as a MAC keyed with the chain key over one constant byte for each
/// output (§5.2); the key is prepared once for both.
template <crypto::mac_function MAC, byte MessageSeed, byte ChainSeed>
requires(MAC::tag_size == key_size && MessageSeed != ChainSeed) struct hmac_chain {
    static chain_step step(const chain_key& ck) {
        const typename MAC::keyed k(ck.view());
        chain_step out;
        const byte_array<1> m{MessageSeed};
        const byte_array<1> c{ChainSeed};
        k.compute(out.message.mutable_view(), m);
        k.compute(out.next.mutable_view(), c);
        return out;
    }
};

struct expanded_message_keys_tag;

/// A message key expanded into what the envelope needs: a cipher key, a MAC
/// key and an IV. Skipped keys are stored in this form, as
/// libsignal-protocol-c stores them, so that its records can be imported.
template <crypto::key_derivation KDF, label Info, std::size_t CipherKey, std::size_t MacKey,
          std::size_t Iv>
requires(CipherKey + MacKey + Iv <= KDF::max_output_size) class hkdf_message_keys {
public:
    static constexpr std::size_t cipher_key_size = CipherKey;
    static constexpr std::size_t mac_key_size = MacKey;
    static constexpr std::size_t iv_size = Iv;
    static constexpr std::size_t size = CipherKey + MacKey + Iv;

    /// HKDF with a zero salt of HashLen bytes (an empty salt is the same,
    /// RFC 5869 §2.2).
    static hkdf_message_keys derive(const message_key& mk) { return derive_from(mk.view()); }
    /// The same from key material of any size (Megolm: the 128-byte ratchet).
    static hkdf_message_keys derive_from(bytes_view ikm) {
        hkdf_message_keys out;
        (void)KDF::derive(out.k_.mutable_view(), ikm, bytes_view{}, Info.bytes());
        return out;
    }

    hkdf_message_keys() noexcept = default;
    explicit hkdf_message_keys(fixed_view<size> stored) noexcept : k_(stored) {}
    hkdf_message_keys clone() const noexcept { return hkdf_message_keys(view()); }

    fixed_view<size> view() const noexcept { return k_.view(); }
    fixed_view<CipherKey> cipher_key() const noexcept {
        return k_.view().template subspan<0, CipherKey>();
    }
    fixed_view<MacKey> mac_key() const noexcept {
        return k_.view().template subspan<CipherKey, MacKey>();
    }
    fixed_view<Iv> iv() const noexcept {
        return k_.view().template subspan<CipherKey + MacKey, Iv>();
    }

    friend bool operator==(const hkdf_message_keys& a, const hkdf_message_keys& b) noexcept {
        return a.k_ == b.k_;
    }

private:
    secret<size, expanded_message_keys_tag> k_;
};

struct iv_and_key_tag;

/// A message key expanded into an IV followed by a cipher key, with no MAC
/// key: the sender-key form, where a signature authenticates instead
/// (libsignal-protocol-c sender_message_key_create).
template <crypto::key_derivation KDF, label Info, std::size_t Iv, std::size_t CipherKey>
requires(Iv + CipherKey <= KDF::max_output_size) class hkdf_iv_and_key {
public:
    static constexpr std::size_t iv_size = Iv;
    static constexpr std::size_t cipher_key_size = CipherKey;
    static constexpr std::size_t size = Iv + CipherKey;

    static hkdf_iv_and_key derive(const message_key& mk) {
        hkdf_iv_and_key out;
        (void)KDF::derive(out.k_.mutable_view(), mk.view(), bytes_view{}, Info.bytes());
        return out;
    }

    fixed_view<Iv> iv() const noexcept { return k_.view().template first<Iv>(); }
    fixed_view<CipherKey> cipher_key() const noexcept {
        return k_.view().template subspan<Iv, CipherKey>();
    }

private:
    secret<size, iv_and_key_tag> k_;
};

} // namespace e2ekit::ratchet

#endif

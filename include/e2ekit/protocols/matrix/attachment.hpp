// Encrypted attachments, version 2 (Matrix client-server spec, "Sending
// encrypted attachments"): AES-256-CTR with a fresh key, an IV whose low 8
// bytes (the counter) are zero, and the SHA-256 of the ciphertext; the key
// travels as a JWK inside the event, so only holders of the event decrypt.
//
//   {"v": "v2",
//    "key": {"kty": "oct", "alg": "A256CTR", "ext": true,
//            "key_ops": ["encrypt", "decrypt"], "k": base64url(key)},
//    "iv": base64(iv), "hashes": {"sha256": base64(SHA-256(ciphertext))}}
//
// (unpadded base64; readers accept padding). The hash is checked, in
// constant time, before anything is decrypted.
#ifndef E2EKIT_PROTOCOLS_MATRIX_ATTACHMENT_HPP
#define E2EKIT_PROTOCOLS_MATRIX_ATTACHMENT_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/json.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/aes_ctr.hpp>
#include <e2ekit/crypto/sha2.hpp>
#include <e2ekit/protocols/matrix/error.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

namespace e2ekit::protocols::matrix {

struct encrypted_attachment {
    bytes ciphertext;
    /// The "file" object's crypto fields (the caller adds "url" and "mimetype").
    nlohmann::json info;
};

template <random_source R>
encrypted_attachment encrypt_attachment(bytes_view plaintext, R& rng) {
    secret<32> key;
    rng.fill(key.mutable_view());
    byte_array<16> iv{};
    rng.fill(mutable_bytes_view(iv.data(), 8)); // the counter half stays zero
    encrypted_attachment out;
    out.ciphertext = crypto::aes_256_ctr::encrypt(key.view(), iv, plaintext);
    const auto digest = crypto::sha256::digest_of(out.ciphertext);
    using codec::base64::encode;
    out.info = {{"v", "v2"},
                {"key",
                 {{"kty", "oct"},
                  {"alg", "A256CTR"},
                  {"ext", true},
                  {"key_ops", {"encrypt", "decrypt"}},
                  {"k", encode<codec::base64::url_unpadded>(key.view())}}},
                {"iv", encode<codec::base64::standard_unpadded>(iv)},
                {"hashes", {{"sha256", encode<codec::base64::standard_unpadded>(digest)}}}};
    return out;
}

/// The plaintext: `unsupported_version` for another "v", `malformed` for
/// missing or mistyped fields, `authentication_failed` when the ciphertext
/// is not the one hashed.
inline result<secret_bytes> decrypt_attachment(bytes_view ciphertext, const nlohmann::json& info) {
    if (!info.is_object()) return matrix_error::malformed;
    auto v = codec::json::get_string(info, "v");
    if (!v) return matrix_error::malformed;
    if (*v != "v2") return matrix_error::unsupported_version;
    auto key = codec::json::get_object(info, "key");
    auto hashes = codec::json::get_object(info, "hashes");
    if (!key || !hashes) return matrix_error::malformed;
    auto kty = codec::json::get_string(**key, "kty");
    auto alg = codec::json::get_string(**key, "alg");
    if (!kty || *kty != "oct" || !alg || *alg != "A256CTR") return matrix_error::malformed;
    if (const auto* ops = codec::json::find(**key, "key_ops")) {
        if (!ops->is_array() ||
            std::none_of(ops->begin(), ops->end(), [](const auto& o) { return o == "decrypt"; }))
            return matrix_error::malformed;
    }
    auto k = codec::json::get_secret<32, void, codec::base64::url_optional_padding>(**key, "k");
    auto iv = codec::json::get_fixed_bytes<16>(info, "iv");
    auto sha = codec::json::get_fixed_bytes<32>(**hashes, "sha256");
    if (!k || !iv || !sha) return matrix_error::malformed;
    const auto digest = crypto::sha256::digest_of(ciphertext);
    if (!ct::equal(bytes_view(digest), bytes_view(*sha)))
        return matrix_error::authentication_failed;
    secret_bytes out(ciphertext.size());
    crypto::aes_256_ctr::apply(out.mutable_view(), k->view(), *iv, ciphertext);
    return out;
}

} // namespace e2ekit::protocols::matrix

#endif

// Signed JSON (Matrix appendices, "Signing JSON"): the Ed25519 signature of
// an object's canonical JSON without its "signatures" and "unsigned"
// members, stored as object["signatures"][user]["ed25519:" + device] in
// unpadded base64. Device keys and one-time keys are published this way.
#ifndef E2EKIT_PROTOCOLS_MATRIX_SIGNED_JSON_HPP
#define E2EKIT_PROTOCOLS_MATRIX_SIGNED_JSON_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/json.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/ed25519.hpp>
#include <e2ekit/protocols/matrix/error.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace e2ekit::protocols::matrix {

/// The bytes a signature covers: canonical JSON without "signatures" and
/// "unsigned". `malformed` for a value that is not an object or has no
/// canonical form (floats, integers beyond 2^53, bad UTF-8).
inline result<std::string> signing_text(const nlohmann::json& object) {
    if (!object.is_object()) return matrix_error::malformed;
    nlohmann::json copy = object;
    copy.erase("signatures");
    copy.erase("unsigned");
    auto text = codec::json::canonical(copy);
    if (!text) return matrix_error::malformed;
    return std::move(*text);
}

/// Adds the signature of `user`'s `device` made by `sign(bytes_view)`
/// (which returns the 64-byte signature: an account's `sign`).
template <class Sign>
result<void> sign_json(nlohmann::json& object, std::string_view user, std::string_view device,
                       Sign&& sign) {
    E2EKIT_TRY(text, signing_text(object));
    const auto sig = sign(as_bytes(text));
    object["signatures"][std::string(user)]["ed25519:" + std::string(device)] =
        codec::base64::encode<codec::base64::standard_unpadded>(sig);
    return ok();
}

/// Checks `user`'s `device` signature under `key`: `malformed` when there
/// is none or it is not base64, `authentication_failed` when it does not
/// verify.
inline result<void> verify_json(const nlohmann::json& object, std::string_view user,
                                std::string_view device,
                                const crypto::ed25519::verifying_key& key) {
    E2EKIT_TRY(text, signing_text(object));
    const auto* sigs = codec::json::find(object, "signatures");
    const auto* by_user = sigs ? codec::json::find(*sigs, user) : nullptr;
    const std::string name = "ed25519:" + std::string(device);
    if (!by_user) return matrix_error::malformed;
    auto sig = codec::json::get_bytes(*by_user, name);
    if (!sig) return matrix_error::malformed;
    if (!crypto::ed25519::verify(key, as_bytes(text), *sig))
        return matrix_error::authentication_failed;
    return ok();
}

} // namespace e2ekit::protocols::matrix

#endif

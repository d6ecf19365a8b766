// The event contents around Olm and Megolm (Matrix client-server API,
// "End-to-end encryption"):
// - `m.room.encrypted` content for m.olm.v1.curve25519-aes-sha2 (one Olm
//   message per recipient device, keyed by its Curve25519 key) and for
//   m.megolm.v1.aes-sha2 (one group message and its session id);
// - the JSON inside each: the Olm payload, which names sender, recipient
//   and both Ed25519 keys, and the Megolm payload, which names the room;
// - `m.room_key`, the to-device content that shares a Megolm session key.
//
// The payload checks are the ones the spec asks of a receiver, and they
// matter: a payload that decrypts but names another recipient, sender,
// key or room was forwarded or replayed from elsewhere (`wrong_party`).
//
// Keys travel in unpadded base64 and are read strictly (32 bytes exactly);
// the session key is decoded in constant time. Parsers take either the
// client's already parsed JSON or text, never throw, and name one typed
// error.
#ifndef E2EKIT_PROTOCOLS_MATRIX_EVENTS_HPP
#define E2EKIT_PROTOCOLS_MATRIX_EVENTS_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/json.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/protocols/matrix/error.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace e2ekit::protocols::matrix {

inline constexpr std::string_view olm_algorithm = "m.olm.v1.curve25519-aes-sha2";
inline constexpr std::string_view megolm_algorithm = "m.megolm.v1.aes-sha2";

using curve25519_key = byte_array<32>;
using ed25519_key = byte_array<32>;

/// One recipient's Olm message: type 0 (pre-key) or 1 (normal) and its
/// bytes (base64 in the event).
struct olm_ciphertext {
    std::uint8_t type = 0;
    bytes body;
    friend bool operator==(const olm_ciphertext&, const olm_ciphertext&) = default;
};

struct olm_content {
    curve25519_key sender_key{};
    std::map<curve25519_key, olm_ciphertext> ciphertext; ///< by recipient device key

    /// The message for the device with `own_key`, or nullptr.
    const olm_ciphertext* for_device(const curve25519_key& own_key) const {
        const auto it = ciphertext.find(own_key);
        return it == ciphertext.end() ? nullptr : &it->second;
    }
    friend bool operator==(const olm_content&, const olm_content&) = default;
};

struct megolm_content {
    bytes ciphertext;
    ed25519_key session_id{}; ///< the session's Ed25519 key
    /// Deprecated by the spec (v1.3) but still sent by most clients, and
    /// read when present.
    std::optional<curve25519_key> sender_key;
    std::optional<std::string> device_id;
    friend bool operator==(const megolm_content&, const megolm_content&) = default;
};

/// The JSON an Olm message carries.
struct olm_payload {
    std::string type;
    nlohmann::json content = nlohmann::json::object();
    std::string sender;
    std::string recipient;
    ed25519_key sender_ed25519{};    ///< "keys": {"ed25519": ...}
    ed25519_key recipient_ed25519{}; ///< "recipient_keys": {"ed25519": ...}
    std::optional<std::string> sender_device;
    friend bool operator==(const olm_payload&, const olm_payload&) = default;
};

/// What a receiver knows before opening an Olm payload.
struct olm_expectation {
    std::string_view own_user;
    const ed25519_key& own_ed25519;
    std::string_view sender;                     ///< the to-device event's sender
    const ed25519_key* sender_ed25519 = nullptr; ///< when the device list names it
};

/// The JSON a Megolm message carries.
struct megolm_payload {
    std::string type;
    nlohmann::json content = nlohmann::json::object();
    std::string room_id;
    friend bool operator==(const megolm_payload&, const megolm_payload&) = default;
};

/// `m.room_key`: a Megolm session shared over Olm.
struct room_key {
    std::string room_id;
    ed25519_key session_id{};
    secret_bytes session_key; ///< the signed session key (megolm::session_key)
    friend bool operator==(const room_key&, const room_key&) = default;
};

// --- Building -------------------------------------------------------------

nlohmann::json to_json(const olm_content& c);
nlohmann::json to_json(const megolm_content& c);
nlohmann::json to_json(const olm_payload& p);
nlohmann::json to_json(const megolm_payload& p);
/// Holds the session key in the clear: encrypt it with Olm, then wipe the
/// text (`nlohmann::json` is not a secret container).
nlohmann::json to_json(const room_key& k);

// --- Reading --------------------------------------------------------------
// `malformed` for a missing or mistyped member or a key that is not 32
// bytes of base64, `unsupported_version` for another algorithm or Olm
// message type.

result<olm_content> parse_olm_content(const nlohmann::json& content);
result<megolm_content> parse_megolm_content(const nlohmann::json& content);
result<room_key> parse_room_key(const nlohmann::json& content);

/// Reads an Olm plaintext and checks it as the spec asks: recipient and
/// recipient key are ours, the sender is the event's, and the sender key
/// is the one the device list names (`wrong_party` otherwise).
result<olm_payload> open_olm_payload(std::string_view plaintext, const olm_expectation& expect,
                                     const codec::json::limits& lim = {});
/// Reads a Megolm plaintext and checks it belongs to `room_id`.
result<megolm_payload> open_megolm_payload(std::string_view plaintext, std::string_view room_id,
                                           const codec::json::limits& lim = {});

template <class Content>
result<Content> parse_content(std::string_view text, const codec::json::limits& lim = {});

} // namespace e2ekit::protocols::matrix

#include <e2ekit/protocols/matrix/impl/events.hpp>

#endif

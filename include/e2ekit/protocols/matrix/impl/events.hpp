// Bodies of protocols/matrix/events.hpp.
#ifndef E2EKIT_PROTOCOLS_MATRIX_IMPL_EVENTS_HPP
#define E2EKIT_PROTOCOLS_MATRIX_IMPL_EVENTS_HPP

#include <type_traits>
#include <utility>

namespace e2ekit::protocols::matrix {

namespace detail::events {

using unpadded = codec::base64::standard_unpadded;

inline std::string b64(bytes_view b) {
    return codec::base64::encode<unpadded>(b);
}

inline result<std::string> text(const nlohmann::json& o, std::string_view key) {
    auto s = codec::json::get_string(o, key);
    if (!s) return matrix_error::malformed;
    return std::string(*s);
}

inline result<byte_array<32>> key32(const nlohmann::json& o, std::string_view key) {
    auto k = codec::json::get_fixed_bytes<32>(o, key);
    if (!k) return matrix_error::malformed;
    return *k;
}

inline result<byte_array<32>> key32(std::string_view s) {
    auto k = codec::base64::decode_array<32, codec::base64::standard_optional_padding>(s);
    if (!k) return matrix_error::malformed;
    return *k;
}

inline result<void> algorithm_is(const nlohmann::json& o, std::string_view algorithm) {
    E2EKIT_TRY(a, text(o, "algorithm"));
    if (a != algorithm) return matrix_error::unsupported_version;
    return ok();
}

inline result<nlohmann::json> content_of(const nlohmann::json& o) {
    const auto* c = codec::json::find(o, "content");
    if (!c || !c->is_object()) return matrix_error::malformed;
    return *c;
}

/// `{"ed25519": key}` under `member`.
inline result<byte_array<32>> ed25519_under(const nlohmann::json& o, std::string_view member) {
    auto inner = codec::json::get_object(o, member);
    if (!inner) return matrix_error::malformed;
    return key32(**inner, "ed25519");
}

inline result<nlohmann::json> parse_text(std::string_view t, const codec::json::limits& lim) {
    auto j = codec::json::parse(t, lim);
    if (!j)
        return j.error() == codec::decode_error::too_large ? matrix_error::too_large
                                                           : matrix_error::malformed;
    if (!j->is_object()) return matrix_error::malformed;
    return std::move(*j);
}

} // namespace detail::events

inline nlohmann::json to_json(const olm_content& c) {
    using detail::events::b64;
    nlohmann::json per_device = nlohmann::json::object();
    for (const auto& [key, m] : c.ciphertext)
        per_device[b64(key)] = {{"type", m.type}, {"body", b64(m.body)}};
    return {{"algorithm", olm_algorithm},
            {"sender_key", b64(c.sender_key)},
            {"ciphertext", std::move(per_device)}};
}

inline nlohmann::json to_json(const megolm_content& c) {
    using detail::events::b64;
    nlohmann::json j = {{"algorithm", megolm_algorithm},
                        {"ciphertext", b64(c.ciphertext)},
                        {"session_id", b64(c.session_id)}};
    if (c.sender_key) j["sender_key"] = b64(*c.sender_key);
    if (c.device_id) j["device_id"] = *c.device_id;
    return j;
}

inline nlohmann::json to_json(const olm_payload& p) {
    using detail::events::b64;
    nlohmann::json j = {{"type", p.type},
                        {"content", p.content},
                        {"sender", p.sender},
                        {"recipient", p.recipient},
                        {"keys", {{"ed25519", b64(p.sender_ed25519)}}},
                        {"recipient_keys", {{"ed25519", b64(p.recipient_ed25519)}}}};
    if (p.sender_device) j["sender_device"] = *p.sender_device;
    return j;
}

inline nlohmann::json to_json(const megolm_payload& p) {
    return {{"type", p.type}, {"content", p.content}, {"room_id", p.room_id}};
}

inline nlohmann::json to_json(const room_key& k) {
    using detail::events::b64;
    return {{"algorithm", megolm_algorithm},
            {"room_id", k.room_id},
            {"session_id", b64(k.session_id)},
            {"session_key", b64(k.session_key.view())}};
}

inline result<olm_content> parse_olm_content(const nlohmann::json& j) {
    using namespace detail::events;
    E2EKIT_CHECK(algorithm_is(j, olm_algorithm));
    olm_content c;
    E2EKIT_TRY(sender, key32(j, "sender_key"));
    c.sender_key = sender;
    auto per_device = codec::json::get_object(j, "ciphertext");
    if (!per_device) return matrix_error::malformed;
    for (const auto& [name, m] : (*per_device)->items()) {
        E2EKIT_TRY(device, key32(name));
        auto type = codec::json::get_uint(m, "type");
        if (!type) return matrix_error::malformed;
        if (*type > 1) return matrix_error::unsupported_version;
        auto body = codec::json::get_bytes(m, "body");
        if (!body || body->empty()) return matrix_error::malformed;
        c.ciphertext[device] = {static_cast<std::uint8_t>(*type), std::move(*body)};
    }
    return c;
}

inline result<megolm_content> parse_megolm_content(const nlohmann::json& j) {
    using namespace detail::events;
    E2EKIT_CHECK(algorithm_is(j, megolm_algorithm));
    megolm_content c;
    auto ct = codec::json::get_bytes(j, "ciphertext");
    if (!ct || ct->empty()) return matrix_error::malformed;
    c.ciphertext = std::move(*ct);
    E2EKIT_TRY(id, key32(j, "session_id"));
    c.session_id = id;
    if (codec::json::find(j, "sender_key")) {
        E2EKIT_TRY(sender, key32(j, "sender_key"));
        c.sender_key = sender;
    }
    if (codec::json::find(j, "device_id")) {
        E2EKIT_TRY(device, text(j, "device_id"));
        c.device_id = std::move(device);
    }
    return c;
}

inline result<room_key> parse_room_key(const nlohmann::json& j) {
    using namespace detail::events;
    E2EKIT_CHECK(algorithm_is(j, megolm_algorithm));
    room_key k;
    E2EKIT_TRY(room, text(j, "room_id"));
    k.room_id = std::move(room);
    E2EKIT_TRY(id, key32(j, "session_id"));
    k.session_id = id;
    auto s = codec::json::get_string(j, "session_key");
    if (!s) return matrix_error::malformed;
    auto key = codec::base64::decode_secret<codec::base64::standard_optional_padding>(*s);
    if (!key || key->empty()) return matrix_error::malformed;
    k.session_key = std::move(*key);
    return k;
}

inline result<olm_payload> open_olm_payload(std::string_view plaintext,
                                            const olm_expectation& expect,
                                            const codec::json::limits& lim) {
    using namespace detail::events;
    E2EKIT_TRY(j, parse_text(plaintext, lim));
    olm_payload p;
    E2EKIT_TRY(type, text(j, "type"));
    E2EKIT_TRY(content, content_of(j));
    E2EKIT_TRY(sender, text(j, "sender"));
    E2EKIT_TRY(recipient, text(j, "recipient"));
    E2EKIT_TRY(sender_key, ed25519_under(j, "keys"));
    E2EKIT_TRY(recipient_key, ed25519_under(j, "recipient_keys"));
    if (codec::json::find(j, "sender_device")) {
        E2EKIT_TRY(device, text(j, "sender_device"));
        p.sender_device = std::move(device);
    }
    // Public keys, but compared in constant time all the same: the cost is
    // nothing and no reader has to ask.
    const bool ours = recipient == expect.own_user &&
                      ct::equal(bytes_view(recipient_key), bytes_view(expect.own_ed25519));
    const bool theirs = sender == expect.sender &&
                        (!expect.sender_ed25519 ||
                         ct::equal(bytes_view(sender_key), bytes_view(*expect.sender_ed25519)));
    if (!ours || !theirs) return matrix_error::wrong_party;
    p.type = std::move(type);
    p.content = std::move(content);
    p.sender = std::move(sender);
    p.recipient = std::move(recipient);
    p.sender_ed25519 = sender_key;
    p.recipient_ed25519 = recipient_key;
    return p;
}

inline result<megolm_payload> open_megolm_payload(std::string_view plaintext,
                                                  std::string_view room_id,
                                                  const codec::json::limits& lim) {
    using namespace detail::events;
    E2EKIT_TRY(j, parse_text(plaintext, lim));
    megolm_payload p;
    E2EKIT_TRY(type, text(j, "type"));
    E2EKIT_TRY(content, content_of(j));
    E2EKIT_TRY(room, text(j, "room_id"));
    if (room != room_id) return matrix_error::wrong_party;
    p.type = std::move(type);
    p.content = std::move(content);
    p.room_id = std::move(room);
    return p;
}

template <class Content>
result<Content> parse_content(std::string_view t, const codec::json::limits& lim) {
    E2EKIT_TRY(j, detail::events::parse_text(t, lim));
    if constexpr (std::is_same_v<Content, olm_content>)
        return parse_olm_content(j);
    else if constexpr (std::is_same_v<Content, megolm_content>)
        return parse_megolm_content(j);
    else {
        static_assert(std::is_same_v<Content, room_key>,
                      "parse_content reads olm_content, megolm_content or room_key");
        return parse_room_key(j);
    }
}

} // namespace e2ekit::protocols::matrix

#endif

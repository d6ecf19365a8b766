// DKD messages (dkd-py, core-py dimp/dkd): the three layers a message
// passes through, each a JSON map.
//
//     instant                  secure                     reliable
//     +----------+            +-----------+             +-----------+
//     | sender   |            | sender    |             | sender    |
//     | receiver |            | receiver  |             | receiver  |
//     | time     |   encrypt  | time      |    sign     | time      |
//     | content  |  -------> | IV, data  |  -------->  | IV, data  |
//     +----------+            | keys/key  |             | keys/key  |
//                             | type      |             | type      |
//                             +-----------+             | signature |
//                                                       +-----------+
//
// | field      | short | layer          | value                                       |
// |------------|-------|----------------|---------------------------------------------|
// | sender     | F     | all            | ID                                          |
// | receiver   | R     | all            | ID (a user, a group, or broadcast)          |
// | time       | W     | all            | seconds, float or integer                   |
// | group      | G     | all (optional) | the group ID of a split message             |
// | type       | T     | secure, rel.   | the content's type, "1" or 1                |
// | content    |       | instant        | the content map                             |
// | data       | D     | secure, rel.   | base64 ciphertext; for broadcast the        |
// |            |       |                | content's JSON text itself                  |
// | IV         |       | secure, rel.   | base64 of the AES-CBC IV                    |
// | keys       | K     | secure, rel.   | map "name@address" -> base64 RSA ciphertext |
// | key        | K     | secure, rel.   | legacy: one base64 RSA ciphertext           |
// | signature  | V     | reliable       | base64 signature over the bytes of `data`   |
// | meta, visa | M, P  | any (optional) | the sender's meta and visa, riding along    |
//
// Short names (sdk-py dimsdk/core/compress_keys.py) are read and restored
// to the long ones; "K" is `keys` when a map and `key` when a string. A
// content may use T/N/W/G/C for type/sn/time/group/command. Fields this
// layer does not know ride along unchanged, as the reference copies its
// maps. Messages are written with the long names, members in the
// reference's order.
#ifndef E2EKIT_PROTOCOLS_DIMP_MESSAGE_HPP
#define E2EKIT_PROTOCOLS_DIMP_MESSAGE_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/json.hpp>
#include <e2ekit/codec/json_python.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/protocols/dimp/detail/fields.hpp>
#include <e2ekit/protocols/dimp/document.hpp>
#include <e2ekit/protocols/dimp/error.hpp>
#include <e2ekit/protocols/dimp/id.hpp>
#include <e2ekit/protocols/dimp/keys.hpp>
#include <e2ekit/protocols/dimp/meta.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace e2ekit::protocols::dimp {

/// A message or content map, members in insertion order.
using message_map = nlohmann::ordered_json;

/// Bounds on what a message may hold.
struct message_limits {
    codec::json::limits json{1 << 20, 32}; ///< the message text
    std::size_t max_keys = 4096;           ///< entries in `keys` (group members)
};

namespace detail {

/// (short, long) pairs of a message map and of a content map.
inline constexpr std::pair<std::string_view, std::string_view> message_short_names[] = {
    {"F", "sender"}, {"R", "receiver"},  {"W", "time"}, {"T", "type"}, {"G", "group"},
    {"D", "data"},   {"V", "signature"}, {"M", "meta"}, {"P", "visa"}};
inline constexpr std::pair<std::string_view, std::string_view> content_short_names[] = {
    {"T", "type"}, {"N", "sn"}, {"W", "time"}, {"G", "group"}, {"C", "command"}};

/// Copies `in` (an object) with every short name replaced by its long one;
/// `duplicate_field` when a map holds both.
template <class Json, std::size_t N>
result<message_map> restore_names(const Json& in,
                                  const std::pair<std::string_view, std::string_view> (&names)[N],
                                  bool message_keys) {
    if (!in.is_object()) return codec::decode_error::unexpected_type;
    message_map out = message_map::object();
    for (auto it = in.begin(); it != in.end(); ++it) {
        std::string name = it.key();
        for (const auto& [s, l] : names)
            if (name == s) name = std::string(l);
        if (message_keys && name == "K") {
            if (it.value().is_object())
                name = "keys";
            else if (it.value().is_string())
                name = "key";
            else
                return codec::decode_error::unexpected_type;
        }
        if (out.contains(name)) return codec::decode_error::duplicate_field;
        out[name] = it.value();
    }
    return out;
}

inline result<id> id_field(const message_map& m, const char* name) {
    const auto it = m.find(name);
    if (it == m.end()) return codec::decode_error::missing_field;
    if (!it->is_string()) return codec::decode_error::unexpected_type;
    return id::parse(it->get_ref<const std::string&>());
}

inline result<std::optional<id>> optional_id_field(const message_map& m, const char* name) {
    const auto it = m.find(name);
    if (it == m.end() || it->is_null()) return std::optional<id>{};
    if (!it->is_string()) return codec::decode_error::unexpected_type;
    E2EKIT_TRY(v, id::parse(it->get_ref<const std::string&>()));
    return std::optional<id>(std::move(v));
}

/// A `type` (string or non-negative integer) as its decimal text.
inline result<std::optional<std::string>> optional_type_field(const message_map& m) {
    const auto it = m.find("type");
    if (it == m.end() || it->is_null()) return std::optional<std::string>{};
    if (it->is_string()) return std::optional<std::string>(it->get<std::string>());
    if (it->is_number_integer() || it->is_number_unsigned()) {
        const auto v = it->get<std::int64_t>();
        if (v < 0 || v > 0xffffffffLL) return codec::decode_error::out_of_range;
        return std::optional<std::string>(std::to_string(v));
    }
    return codec::decode_error::unexpected_type;
}

} // namespace detail

/// The fields every layer shares.
struct envelope {
    id sender;
    id receiver;
    std::optional<double> time;
    std::optional<id> group; ///< the overt `group` field (a split group message)
    std::optional<std::string> type;

    static result<envelope> from_map(const message_map& m) {
        E2EKIT_TRY(sender, detail::id_field(m, "sender"));
        E2EKIT_TRY(receiver, detail::id_field(m, "receiver"));
        std::optional<double> time;
        if (const auto it = m.find("time"); it != m.end() && !it->is_null()) {
            if (!it->is_number()) return codec::decode_error::unexpected_type;
            const double t = it->get<double>();
            if (!(t >= 0)) return codec::decode_error::out_of_range;
            time = t;
        }
        E2EKIT_TRY(group, detail::optional_id_field(m, "group"));
        E2EKIT_TRY(type, detail::optional_type_field(m));
        return envelope{std::move(sender), std::move(receiver), time, std::move(group),
                        std::move(type)};
    }

    /// Broadcast messages are not encrypted (dimp/dkd/base.py is_broadcast).
    bool is_broadcast() const noexcept {
        return receiver.is_broadcast() || (group && group->is_broadcast());
    }
};

/// A content map read off the wire: short names restored, `type` as text.
class content {
public:
    /// From a nlohmann::json or message_map object.
    template <class Json>
    static result<content> parse(const Json& j) {
        E2EKIT_TRY(m, detail::restore_names(j, detail::content_short_names, false));
        E2EKIT_TRY(type, detail::optional_type_field(m));
        if (!type) return codec::decode_error::missing_field;
        E2EKIT_TRY(group, detail::optional_id_field(m, "group"));
        return content(std::move(m), std::move(*type), std::move(group));
    }

    const std::string& type() const noexcept { return type_; }
    const std::optional<id>& group() const noexcept { return group_; }
    const message_map& map() const noexcept { return map_; }

private:
    content(message_map m, std::string type, std::optional<id> group)
        : map_(std::move(m)), type_(std::move(type)), group_(std::move(group)) {}

    message_map map_;
    std::string type_;
    std::optional<id> group_;
};

/// The plaintext layer: envelope and content.
class instant_message {
public:
    /// A new message; `content_map` is an object with a `type` (members
    /// are written in its order).
    static result<instant_message> create(const id& sender, const id& receiver, double time,
                                          message_map content_map) {
        message_map m = {{"sender", sender.str()}, {"receiver", receiver.str()}, {"time", time}};
        m["content"] = std::move(content_map);
        return from_map(std::move(m));
    }

    template <class Json>
    static result<instant_message> parse(const Json& j) {
        E2EKIT_TRY(m, detail::restore_names(j, detail::message_short_names, true));
        return from_map(std::move(m));
    }

    const envelope& head() const noexcept { return env_; }
    const dimp::content& body() const noexcept { return content_; }
    const message_map& content_map() const noexcept { return map_.at("content"); }

    /// Attaches the sender's meta / visa (they ride along to every layer).
    void attach_meta(const meta& m) { insert_before_content("meta", m.to_json()); }
    void attach_visa(const document& v) { insert_before_content("visa", v.to_json()); }

    const message_map& to_json() const noexcept { return map_; }

private:
    static result<instant_message> from_map(message_map m) {
        E2EKIT_TRY(env, envelope::from_map(m));
        const auto it = m.find("content");
        if (it == m.end()) return codec::decode_error::missing_field;
        E2EKIT_TRY(c, content::parse(*it));
        return instant_message(std::move(env), std::move(c), std::move(m));
    }

    void insert_before_content(const char* name, const message_map& v) {
        message_map body = std::move(map_.at("content"));
        map_.erase("content");
        map_[name] = v;
        map_["content"] = std::move(body);
    }

    instant_message(envelope e, dimp::content c, message_map m)
        : env_(std::move(e)), content_(std::move(c)), map_(std::move(m)) {}

    envelope env_;
    dimp::content content_;
    message_map map_;
};

/// The encrypted layer: `data` and the message key for each receiver.
class secure_message {
public:
    using iv_type = symmetric_key::iv_type;

    template <class Json>
    static result<secure_message> parse(const Json& j, const message_limits& lim = {}) {
        E2EKIT_TRY(m, detail::restore_names(j, detail::message_short_names, true));
        return from_map(std::move(m), lim);
    }

    /// Reads message text (bounded JSON, duplicate keys refused).
    static result<secure_message> parse_text(std::string_view text,
                                             const message_limits& lim = {}) {
        E2EKIT_TRY(j, codec::json::parse(text, lim.json));
        return parse(j, lim);
    }

    const envelope& head() const noexcept { return env_; }
    bool is_broadcast() const noexcept { return env_.is_broadcast(); }
    /// `data` as on the wire, and the bytes it stands for (the bytes the
    /// signature covers): base64-decoded, or for broadcast the UTF-8 text.
    const std::string& data_text() const noexcept {
        return map_.at("data").get_ref<const std::string&>();
    }
    const bytes& data() const noexcept { return data_; }
    const std::optional<iv_type>& iv() const noexcept { return iv_; }

    /// Whether `keys` or the legacy `key` is present.
    bool has_keys() const noexcept { return map_.contains("keys") || map_.contains("key"); }

    /// The encrypted message key for `receiver` (a local user): the `keys`
    /// entry for `name@address`, else for the full ID with its terminal,
    /// else the legacy singular `key`. `no_key` when there is none,
    /// `invalid_message` when it is not base64.
    result<bytes> encrypted_key_for(const id& receiver) const;

    /// The sender's meta / visa riding along, if any (parsed and, for the
    /// meta, validated).
    result<std::optional<meta>> attached_meta() const;
    result<std::optional<document>> attached_visa() const;

    const message_map& to_json() const noexcept { return map_; }
    /// The text CPython's json.dumps writes for this map.
    result<std::string> serialize() const { return codec::json::python_dumps(map_); }

protected:
    friend class reliable_message;
    static result<secure_message> from_map(message_map m, const message_limits& lim);
    secure_message(envelope e, message_map m, bytes data, std::optional<iv_type> iv)
        : env_(std::move(e)), map_(std::move(m)), data_(std::move(data)), iv_(iv) {}

    envelope env_;
    message_map map_;
    bytes data_;
    std::optional<iv_type> iv_;
};

/// The signed layer: a secure message and its sender's signature.
class reliable_message : public secure_message {
public:
    template <class Json>
    static result<reliable_message> parse(const Json& j, const message_limits& lim = {}) {
        E2EKIT_TRY(s, secure_message::parse(j, lim));
        return from_secure(std::move(s));
    }
    static result<reliable_message> parse_text(std::string_view text,
                                               const message_limits& lim = {}) {
        E2EKIT_TRY(s, secure_message::parse_text(text, lim));
        return from_secure(std::move(s));
    }

    bytes_view signature() const noexcept { return signature_; }

    /// The secure message this one signs (the map without `signature`).
    secure_message unsigned_part() const {
        secure_message s = *this;
        s.map_.erase("signature");
        return s;
    }

    /// The copy a group message becomes for one member (sdk-py's split):
    /// `receiver` set to the member, `group` to the group, and only the
    /// member's entry kept, in `keys` (current form) or as the singular
    /// `key` older stations and clients read. The signature still holds:
    /// it covers `data` only. `invalid_message` unless the receiver is a
    /// group; `no_key` when the member has no entry.
    result<reliable_message> split_for(const id& member, bool legacy_key_field = false) const;

    /// `s` with `signature` (over its data) attached.
    static reliable_message attach(secure_message s, bytes signature);

private:
    static result<reliable_message> from_secure(secure_message s) {
        const auto it = s.map_.find("signature");
        if (it == s.map_.end()) return codec::decode_error::missing_field;
        if (!it->is_string()) return codec::decode_error::unexpected_type;
        auto sig = codec::base64::decode<codec::base64::standard_optional_padding>(
            it->get_ref<const std::string&>());
        if (!sig || sig->empty()) return dimp_error::invalid_message;
        return reliable_message(std::move(s), std::move(*sig));
    }
    reliable_message(secure_message s, bytes sig)
        : secure_message(std::move(s)), signature_(std::move(sig)) {}

    bytes signature_;
};

// ---- bodies ----------------------------------------------------------------

inline result<secure_message> secure_message::from_map(message_map m, const message_limits& lim) {
    E2EKIT_TRY(env, envelope::from_map(m));
    const auto data_it = m.find("data");
    if (data_it == m.end()) return codec::decode_error::missing_field;
    if (!data_it->is_string()) return codec::decode_error::unexpected_type;
    const auto& text = data_it->get_ref<const std::string&>();
    if (text.empty()) return dimp_error::invalid_message;
    bytes data;
    if (env.is_broadcast()) {
        data = to_bytes(as_bytes(text));
    } else {
        auto d = codec::base64::decode<codec::base64::standard_optional_padding>(text);
        if (!d || d->empty()) return dimp_error::invalid_message;
        data = std::move(*d);
    }
    std::optional<iv_type> iv;
    if (const auto it = m.find("IV"); it != m.end() && !it->is_null()) {
        if (!it->is_string()) return codec::decode_error::unexpected_type;
        auto v = codec::base64::decode_array<16, codec::base64::standard_optional_padding>(
            it->get_ref<const std::string&>());
        if (!v) return dimp_error::invalid_message;
        iv = *v;
    }
    if (const auto it = m.find("keys"); it != m.end() && !it->is_null()) {
        if (!it->is_object()) return codec::decode_error::unexpected_type;
        if (it->size() > lim.max_keys) return dimp_error::too_large;
    }
    if (const auto it = m.find("key"); it != m.end() && !it->is_null() && !it->is_string())
        return codec::decode_error::unexpected_type;
    return secure_message(std::move(env), std::move(m), std::move(data), iv);
}

inline result<bytes> secure_message::encrypted_key_for(const id& receiver) const {
    const message_map* entry = nullptr;
    if (const auto keys = map_.find("keys"); keys != map_.end() && keys->is_object()) {
        for (const std::string& name : {receiver.without_terminal().str(), receiver.str()}) {
            const auto it = keys->find(name);
            if (it != keys->end()) {
                entry = &*it;
                break;
            }
        }
    }
    if (!entry) {
        const auto key = map_.find("key");
        if (key != map_.end() && key->is_string()) entry = &*key;
    }
    if (!entry || entry->is_null()) return dimp_error::no_key;
    if (!entry->is_string()) return dimp_error::invalid_message;
    auto raw = codec::base64::decode<codec::base64::standard_optional_padding>(
        entry->get_ref<const std::string&>());
    if (!raw || raw->empty()) return dimp_error::invalid_message;
    return std::move(*raw);
}

inline result<std::optional<meta>> secure_message::attached_meta() const {
    const auto it = map_.find("meta");
    if (it == map_.end() || it->is_null()) return std::optional<meta>{};
    E2EKIT_TRY(m, meta::parse(nlohmann::json(*it)));
    return std::optional<meta>(std::move(m));
}

inline result<std::optional<document>> secure_message::attached_visa() const {
    const auto it = map_.find("visa");
    if (it == map_.end() || it->is_null()) return std::optional<document>{};
    E2EKIT_TRY(d, document::parse(nlohmann::json(*it)));
    return std::optional<document>(std::move(d));
}

inline reliable_message reliable_message::attach(secure_message s, bytes signature) {
    s.map_["signature"] = codec::base64::encode(signature);
    return reliable_message(std::move(s), std::move(signature));
}

inline result<reliable_message> reliable_message::split_for(const id& member,
                                                            bool legacy_key_field) const {
    if (!env_.receiver.is_group()) return dimp_error::invalid_message;
    E2EKIT_TRY(key, encrypted_key_for(member));
    message_map m = map_;
    const std::string group = env_.receiver.str();
    m["receiver"] = member.str();
    m.erase("keys");
    m.erase("key");
    m.erase("group");
    m["group"] = group;
    if (legacy_key_field)
        m["key"] = codec::base64::encode(key);
    else
        m["keys"] = {{member.without_terminal().str(), codec::base64::encode(key)}};
    E2EKIT_TRY(env, envelope::from_map(m));
    secure_message s(std::move(env), std::move(m), data_, iv_);
    return reliable_message(std::move(s), signature_);
}

} // namespace e2ekit::protocols::dimp

#endif

// Packing and unpacking DKD messages (sdk-py dimsdk/msg/*_packer.py and
// dimsdk/core/transformer.py), given the keys: which user is who is the
// caller's (or a barrack's) business, the steps here are pure.
//
// | step                    | what it does                                                  |
// |-------------------------|---------------------------------------------------------------|
// | `encrypt_message`       | content -> json.dumps text -> AES-256-CBC (IV in "IV") -> base64 |
// |                         | `data`; the key's JSON -> RSAES-PKCS1-v1_5 to each recipient's |
// |                         | key -> `keys`; `type` copied from the content. Broadcast: the  |
// |                         | text itself is `data`, no IV, no keys (PLAIN key)             |
// | `sign_message`          | signs the bytes of `data` with the sender's key -> `signature` |
// | `verify_message`        | the signature under any of the sender's keys (visa, meta)     |
// | `decrypt_message`       | the receiver's `keys` entry (or legacy `key`, or a cached key)|
// |                         | -> message key -> content                                     |
//
// Receivers verify, then decrypt, never the other way round. Every failure
// between a signature that verified and a content that parses (message key
// that does not decrypt or parse, bad padding, plaintext that is not a
// content map) is the one `authentication_failed`: telling them apart would
// be a padding oracle for anyone who re-signs a captured ciphertext.
#ifndef E2EKIT_PROTOCOLS_DIMP_PACKER_HPP
#define E2EKIT_PROTOCOLS_DIMP_PACKER_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/json.hpp>
#include <e2ekit/codec/json_python.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/protocols/dimp/document.hpp>
#include <e2ekit/protocols/dimp/error.hpp>
#include <e2ekit/protocols/dimp/id.hpp>
#include <e2ekit/protocols/dimp/keys.hpp>
#include <e2ekit/protocols/dimp/message.hpp>
#include <e2ekit/protocols/dimp/meta.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace e2ekit::protocols::dimp {

/// One receiver of the message key, and the key it is encrypted to.
struct key_recipient {
    id member;
    const public_key* key;
};

/// The key messages to a user are encrypted to (dimsdk/crypto/agent.py):
/// the visa's key when the visa has one, else the meta key. `no_key` when
/// that key cannot encrypt (an ECC meta key and no visa key).
inline result<public_key> encryption_key_of(const meta& user_meta, const document* visa) {
    if (visa) {
        E2EKIT_TRY(k, visa->visa_key());
        if (k) return std::move(*k);
    }
    if (!user_meta.key().can_encrypt()) return dimp_error::no_key;
    return user_meta.key().clone();
}

/// The (sender, destination) pair a message key is cached under
/// (dimsdk/core/delegate.py get_destination): the group for a group
/// message, split or not; a broadcast receiver or group as such; else the
/// receiver.
inline id key_destination(const envelope& e) {
    std::optional<id> group = e.group;
    if (!group && e.receiver.is_group()) group = e.receiver;
    if (!group) return e.receiver;
    if (group->is_broadcast()) return *group;
    if (e.receiver.is_broadcast()) return e.receiver;
    return *group;
}

/// instant -> secure under `password` and `iv`, the key encrypted to each
/// of `recipients` (the receiver, or every member of a group). With
/// `attach_keys` false no `keys` are written: a receiver then uses its
/// cached key. Broadcast messages need the PLAIN key and take no
/// recipients.
inline result<secure_message> encrypt_message(const instant_message& msg,
                                              const symmetric_key& password,
                                              const symmetric_key::iv_type& iv,
                                              std::span<const key_recipient> recipients,
                                              bool attach_keys = true) {
    const bool broadcast = msg.head().is_broadcast();
    if (broadcast != password.is_plain()) return dimp_error::invalid_message;
    E2EKIT_TRY(body, codec::json::python_dumps(msg.content_map()));
    message_map m = msg.to_json();
    m.erase("content");
    if (broadcast) {
        m["data"] = body;
    } else {
        m.erase("IV");
        m["IV"] = codec::base64::encode(iv);
        m["data"] = codec::base64::encode(password.encrypt(as_bytes(body), iv));
        if (attach_keys) {
            const secret_bytes pwd = password.serialize();
            message_map keys = message_map::object();
            for (const auto& r : recipients) {
                if (!r.key || !r.key->can_encrypt()) continue;
                E2EKIT_TRY(ct, r.key->encrypt(pwd.view()));
                keys[r.member.without_terminal().str()] = codec::base64::encode(ct);
            }
            if (keys.empty()) return dimp_error::no_key;
            m["keys"] = std::move(keys);
        }
    }
    m["type"] = msg.body().type();
    return secure_message::parse(m);
}

/// The same with a fresh random IV.
template <random_source R>
result<secure_message> encrypt_message(const instant_message& msg, const symmetric_key& password,
                                       R& rng, std::span<const key_recipient> recipients,
                                       bool attach_keys = true) {
    return encrypt_message(msg, password, random_array<symmetric_key::iv_size>(rng), recipients,
                           attach_keys);
}

/// secure -> reliable: the sender's signature over the bytes of `data`.
inline result<reliable_message> sign_message(const secure_message& msg, const private_key& key) {
    E2EKIT_TRY(sig, key.sign(msg.data()));
    return reliable_message::attach(msg, std::move(sig));
}

/// reliable -> secure, when any of `sender_keys` verifies the signature;
/// `authentication_failed` otherwise.
inline result<secure_message> verify_message(const reliable_message& msg,
                                             std::span<const public_key* const> sender_keys) {
    for (const public_key* k : sender_keys)
        if (k && k->verify(msg.data(), msg.signature())) return msg.unsigned_part();
    return dimp_error::authentication_failed;
}

/// The same, with the keys of the sender's meta and visa (visa key first,
/// as dimsdk/crypto/agent.py orders them), once the meta is checked to
/// generate the sender's ID (`id_mismatch`).
inline result<secure_message> verify_message(const reliable_message& msg, const meta& sender_meta,
                                             const document* sender_visa = nullptr) {
    E2EKIT_CHECK(sender_meta.match(msg.head().sender));
    std::optional<public_key> visa_key;
    if (sender_visa) {
        auto k = sender_visa->visa_key();
        if (k && *k) visa_key = std::move(**k);
    }
    const public_key* keys[] = {visa_key ? &*visa_key : nullptr, &sender_meta.key()};
    return verify_message(msg, keys);
}

/// A decrypted message and the key that opened it (to cache under
/// key_destination for messages that come without keys).
struct opened_message {
    instant_message message;
    symmetric_key key;
};

namespace detail {

inline result<symmetric_key> message_key_from(const secret_bytes& text) {
    auto j = codec::json::parse(as_chars(text.view()), {4096, 4});
    if (!j) return dimp_error::authentication_failed;
    auto k = symmetric_key::from_json(*j);
    wipe_strings(*j);
    if (!k || k->is_plain()) return dimp_error::authentication_failed;
    return std::move(*k);
}

} // namespace detail

/// secure -> instant for the local user `me`, who holds `my_keys` (visa
/// private key, meta private key, in the order to try). The message key
/// is `me`'s `keys` entry (or the legacy `key`), else `cached` (the key
/// last seen for key_destination), else `no_key`. Broadcast messages are
/// read as they are.
inline result<opened_message> decrypt_message(const secure_message& msg, const id& me,
                                              std::span<const private_key* const> my_keys,
                                              const symmetric_key* cached = nullptr) {
    std::optional<symmetric_key> password;
    if (msg.is_broadcast()) {
        password = symmetric_key::plain();
    } else if (auto ek = msg.encrypted_key_for(me); ek) {
        for (const private_key* k : my_keys) {
            if (!k) continue;
            auto text = k->decrypt(*ek);
            if (!text) continue;
            auto key = detail::message_key_from(*text);
            if (key) {
                password = std::move(*key);
                break;
            }
        }
        if (!password) return dimp_error::authentication_failed;
    } else if (ek.error() == dimp_error::no_key && cached) {
        password = cached->clone();
    } else {
        return ek.error();
    }
    auto body = password->decrypt(msg.data(), msg.iv());
    if (!body) return dimp_error::authentication_failed;
    auto parsed = codec::json::parse(as_chars(body->view()));
    if (!parsed || !parsed->is_object()) return dimp_error::authentication_failed;
    // The envelope and what rides along, without the encrypted parts
    // (copied member by member: a group message's `keys` can be large).
    message_map m = message_map::object();
    const message_map& in = msg.to_json();
    for (auto it = in.begin(); it != in.end(); ++it)
        if (it.key() != "key" && it.key() != "keys" && it.key() != "data") m[it.key()] = *it;
    m["content"] = message_map(*parsed);
    auto out = instant_message::parse(m);
    if (!out) {
        // A content without a type, or with a malformed group: the sender's
        // plaintext, refused as opaquely as a bad padding.
        return dimp_error::authentication_failed;
    }
    return opened_message{std::move(*out), std::move(*password)};
}

} // namespace e2ekit::protocols::dimp

#endif

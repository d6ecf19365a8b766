// File contents (type "16"; images "18", audio "20", video "22" have the same
// shape: dimp/protocol/files.py, dimp/format/file.py): the payload is
// encrypted with a key of its own and handed to the CDN; the content
// carries where it went and how to open it.
//
//     {"type": "16", "sn": ..., "time": ..., "filename": "report.pdf",
//      "URL": "https://...", "key": {"algorithm": "AES", "data": "..."},
//      "IV": "<base64>"}
//
// The payload is AES-CBC with PKCS#7 padding under `key`, with the IV the
// content's "IV" (falling back, as for messages, to the key's own IV and
// then to zeros).
#ifndef E2EKIT_PROTOCOLS_DIMP_FILE_HPP
#define E2EKIT_PROTOCOLS_DIMP_FILE_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/json.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/protocols/dimp/cdn.hpp>
#include <e2ekit/protocols/dimp/error.hpp>
#include <e2ekit/protocols/dimp/keys.hpp>
#include <e2ekit/protocols/dimp/message.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace e2ekit::protocols::dimp {

/// Content type numbers of files (dimp/protocol/types.py ContentType).
namespace content_types {
inline constexpr std::string_view text = "1";
inline constexpr std::string_view file = "16";
inline constexpr std::string_view image = "18";
inline constexpr std::string_view audio = "20";
inline constexpr std::string_view video = "22";
inline constexpr std::string_view command = "136";
} // namespace content_types

/// Encrypts `plaintext` under `password` and `iv`, uploads it, and adds
/// filename, URL, key and IV to `head` (a content map holding type, sn,
/// time), in the reference's order.
template <cdn C>
result<message_map> upload_file(C& store, message_map head, std::string_view filename,
                                bytes_view plaintext, const symmetric_key& password,
                                const symmetric_key::iv_type& iv) {
    if (!head.is_object() || password.is_plain()) return dimp_error::invalid_message;
    const bytes payload = password.encrypt(plaintext, iv);
    E2EKIT_TRY(url, store.upload(payload, filename));
    head["filename"] = std::string(filename);
    head["URL"] = std::move(url);
    // The content carries the file's key in the clear: the content itself
    // travels encrypted.
    head["key"] = message_map::object();
    head["key"]["algorithm"] = std::string(algorithm_name(password.algorithm()));
    head["key"]["data"] = codec::base64::encode(password.view());
    head["IV"] = codec::base64::encode(iv);
    return head;
}

/// Downloads a file content's payload and decrypts it. `invalid_message`
/// for a content without URL or key, `authentication_failed` for a payload
/// that does not decrypt.
template <cdn C>
result<secret_bytes> download_file(C& store, const content& file) {
    const message_map& m = file.map();
    const auto url = m.find("URL");
    const auto key = m.find("key");
    if (url == m.end() || !url->is_string() || key == m.end() || !key->is_object())
        return dimp_error::invalid_message;
    auto password = symmetric_key::from_json(nlohmann::json(*key));
    if (!password || password->is_plain()) return dimp_error::invalid_message;
    std::optional<symmetric_key::iv_type> iv;
    if (const auto it = m.find("IV"); it != m.end() && !it->is_null()) {
        if (!it->is_string()) return dimp_error::invalid_message;
        auto v = codec::base64::decode_array<16, codec::base64::standard_optional_padding>(
            it->get_ref<const std::string&>());
        if (!v) return dimp_error::invalid_message;
        iv = *v;
    }
    E2EKIT_TRY(payload, store.download(url->get_ref<const std::string&>()));
    return password->decrypt(payload, iv);
}

} // namespace e2ekit::protocols::dimp

#endif

// MKM documents (core-py dimp/mkm/document.py, docs.py): signed property
// maps. A visa describes a user (name, avatar, and the RSA "key" messages to
// that user are encrypted to); a bulletin describes a group (name,
// founder). On the wire:
//
//     {"type": "visa", "did": "<ID>", "data": "<JSON text>", "signature": "<base64>"}
//
// The signature covers the UTF-8 bytes of the `data` string exactly as
// transmitted, so the text is kept as received and never re-serialised;
// the properties are parsed from it for reading only. Signing writes the
// properties as CPython's json.dumps does (codec/json_python.hpp), the form
// the reference signs.
//
// Who signs: a visa by the user's meta key, a bulletin by the group's meta
// key (which a group's founder made with their own key). `verify_for`
// checks the whole chain for an owner ID: the meta generates the ID, the
// document names the ID's address, the meta key signs `data`.
#ifndef E2EKIT_PROTOCOLS_DIMP_DOCUMENT_HPP
#define E2EKIT_PROTOCOLS_DIMP_DOCUMENT_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/json.hpp>
#include <e2ekit/codec/json_python.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/protocols/dimp/detail/fields.hpp>
#include <e2ekit/protocols/dimp/error.hpp>
#include <e2ekit/protocols/dimp/id.hpp>
#include <e2ekit/protocols/dimp/keys.hpp>
#include <e2ekit/protocols/dimp/meta.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace e2ekit::protocols::dimp {

/// Document type names (dimp/protocol/version.py DocumentType).
namespace document_types {
inline constexpr std::string_view visa = "visa";
inline constexpr std::string_view profile = "profile";
inline constexpr std::string_view bulletin = "bulletin";
} // namespace document_types

class document {
public:
    /// Bounds on what is parsed out of `data`.
    static constexpr codec::json::limits data_limits{64 * 1024, 16};

    /// Reads a document map. `type` may be absent: then "visa" for a user
    /// ID and "bulletin" for a group ID, as the reference derives it.
    /// `invalid_document` when `data` is empty or not a JSON object, or the
    /// signature is empty or not base64. The signature is not checked here.
    static result<document> parse(const nlohmann::json& j);

    /// A new document of `type` for `did`: `properties` (an object; member
    /// order is kept) becomes `data` and is signed by `signer`.
    template <class BasicJson>
    static result<document> sign(std::string_view type, const id& did, const BasicJson& properties,
                                 const private_key& signer);

    const std::string& type() const noexcept { return type_; }
    const id& did() const noexcept { return did_; }
    /// The signed text, exactly as received.
    const std::string& data() const noexcept { return data_; }
    bytes_view signature() const noexcept { return signature_; }
    /// The parsed `data` (an object); for reading, never for re-signing.
    const nlohmann::json& properties() const noexcept { return properties_; }

    bool is_visa() const noexcept { return type_ == document_types::visa; }
    bool is_bulletin() const noexcept { return type_ == document_types::bulletin; }

    /// `authentication_failed` unless `key` signs `data`.
    result<void> verify(const public_key& key) const {
        return key.verify(as_bytes(data_), signature_);
    }

    /// Verifies the document for `owner` whose meta is `owner_meta`:
    /// `id_mismatch` if the meta does not generate `owner` or the document
    /// names another address; then the signature by the meta key.
    result<void> verify_for(const id& owner, const meta& owner_meta) const {
        E2EKIT_CHECK(owner_meta.match(owner));
        if (!(did_.address() == owner.address())) return dimp_error::id_mismatch;
        return verify(owner_meta.key());
    }

    /// The "name" property, if it is a string.
    std::optional<std::string> name() const { return string_property("name"); }

    /// The "time" property (seconds), if it is a number.
    std::optional<double> time() const {
        const auto* t = codec::json::find(properties_, "time");
        if (t && t->is_number()) return t->get<double>();
        return std::nullopt;
    }

    /// A visa's "key": the key messages to its user are encrypted to.
    /// nullopt when absent; `invalid_document` when present but not an RSA
    /// key map (the reference ignores a visa key that cannot encrypt).
    result<std::optional<public_key>> visa_key() const;

    /// A bulletin's "founder", if present and a valid ID.
    result<std::optional<id>> founder() const;

    /// The wire map.
    nlohmann::json to_json() const {
        return {{"type", type_},
                {"did", did_.str()},
                {"data", data_},
                {"signature", codec::base64::encode(signature_)}};
    }

private:
    document(std::string type, id did, std::string data, bytes sig, nlohmann::json props)
        : type_(std::move(type)), did_(std::move(did)), data_(std::move(data)),
          signature_(std::move(sig)), properties_(std::move(props)) {}

    std::optional<std::string> string_property(std::string_view name) const {
        const auto* v = codec::json::find(properties_, name);
        if (v && v->is_string()) return v->get<std::string>();
        return std::nullopt;
    }

    std::string type_;
    id did_;
    std::string data_;
    bytes signature_;
    nlohmann::json properties_;
};

inline result<document> document::parse(const nlohmann::json& j) {
    if (!j.is_object()) return codec::decode_error::unexpected_type;
    E2EKIT_TRY(did_text, detail::string_field(j, "did"));
    E2EKIT_TRY(did, id::parse(did_text));
    E2EKIT_TRY(type_text, detail::optional_string_field(j, "type"));
    std::string type(type_text);
    if (type.empty()) type = did.is_group() ? document_types::bulletin : document_types::visa;
    E2EKIT_TRY(data, detail::string_field(j, "data"));
    E2EKIT_TRY(sig_text, detail::string_field(j, "signature"));
    if (data.empty() || sig_text.empty()) return dimp_error::invalid_document;
    auto sig = codec::base64::decode<codec::base64::standard_optional_padding>(sig_text);
    if (!sig || sig->empty()) return dimp_error::invalid_document;
    auto props = codec::json::parse(data, data_limits);
    if (!props || !props->is_object()) return dimp_error::invalid_document;
    return document(std::move(type), std::move(did), std::string(data), std::move(*sig),
                    std::move(*props));
}

template <class BasicJson>
result<document> document::sign(std::string_view type, const id& did, const BasicJson& properties,
                                const private_key& signer) {
    if (!properties.is_object() || type.empty()) return dimp_error::invalid_document;
    E2EKIT_TRY(data, codec::json::python_dumps(properties));
    E2EKIT_TRY(sig, signer.sign(as_bytes(data)));
    auto props = codec::json::parse(data, data_limits);
    if (!props) return dimp_error::invalid_document;
    return document(std::string(type), did, std::move(data), std::move(sig), std::move(*props));
}

inline result<std::optional<public_key>> document::visa_key() const {
    const auto* k = codec::json::find(properties_, "key");
    if (!k || k->is_null()) return std::optional<public_key>{};
    auto key = public_key::from_json(*k);
    if (!key || !key->can_encrypt()) return dimp_error::invalid_document;
    return std::optional<public_key>(std::move(*key));
}

inline result<std::optional<id>> document::founder() const {
    const auto* f = codec::json::find(properties_, "founder");
    if (!f || f->is_null()) return std::optional<id>{};
    if (!f->is_string()) return dimp_error::invalid_document;
    auto fid = id::parse(f->get_ref<const std::string&>());
    if (!fid) return dimp_error::invalid_document;
    return std::optional<id>(std::move(*fid));
}

} // namespace e2ekit::protocols::dimp

#endif

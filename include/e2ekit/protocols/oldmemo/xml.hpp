// The XML element forms of OMEMO 0.3 (XEP-0384 v0.3 §4; python-oldmemo
// etree.py, whose schemas say what is required), all in the namespace
// eu.siacs.conversations.axolotl:
//
//   <encrypted><header sid='…'><key rid='…' [prekey='true']>b64</key>…
//     <iv>b64</iv></header>[<payload>b64</payload>]</encrypted>
//   <bundle><signedPreKeyPublic signedPreKeyId='…'>b64</signedPreKeyPublic>
//     <signedPreKeySignature>b64</signedPreKeySignature>
//     <identityKey>b64</identityKey>
//     <prekeys><preKeyPublic preKeyId='…'>b64</preKeyPublic>…</prekeys></bundle>
//   <list><device id='…'/>…</list>
//
// Writers produce exactly these (default namespace declared on the top
// element, children in the schemas' order, keys in the 0x05 ‖ u form,
// standard padded base64) as a string an XMPP client drops into its
// stanza. Readers take a string or a pugixml node; a prefixed namespace
// (ElementTree writes `ns0:`) reads like a default one. They require what
// python-oldmemo requires (sid, rid, ids, exactly one <iv>, <header>,
// <identityKey>, ...), ignore elements and attributes they do not know,
// accept children in any order and base64 with whitespace in it, and
// refuse everything else with an xml_error (never an exception). <key>
// elements keep their document order; a <list> drops repeated ids.
#ifndef E2EKIT_PROTOCOLS_OLDMEMO_XML_HPP
#define E2EKIT_PROTOCOLS_OLDMEMO_XML_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/protocols/oldmemo/bundle.hpp>
#include <e2ekit/protocols/oldmemo/detail/xml.hpp>
#include <e2ekit/protocols/oldmemo/error.hpp>
#include <e2ekit/protocols/oldmemo/params.hpp>
#include <e2ekit/protocols/oldmemo/payload.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::protocols::omemo03 {

/// One <key>: for device `rid`, a key exchange (prekey) or an
/// authenticated message.
struct key_element {
    std::uint32_t rid = 0;
    bool prekey = false;
    bytes data;
    friend bool operator==(const key_element&, const key_element&) = default;
};

/// An <encrypted> element.
struct encrypted_element {
    std::uint32_t sid = 0; ///< the sending device
    std::vector<key_element> keys;
    bytes iv;
    std::optional<bytes> payload; ///< absent for an empty message

    /// The first <key> for device `rid`, or null (OMEMO 0.3 matches key
    /// material by device id alone).
    const key_element* key_for(std::uint32_t rid) const noexcept {
        const auto it = std::find_if(keys.begin(), keys.end(),
                                     [&](const key_element& k) { return k.rid == rid; });
        return it == keys.end() ? nullptr : &*it;
    }
    /// What payload.hpp decrypts.
    omemo03::content content() const { return {payload.value_or(bytes{}), iv}; }

    friend bool operator==(const encrypted_element&, const encrypted_element&) = default;
};

// --- <encrypted> ------------------------------------------------------------

inline result<encrypted_element> parse_encrypted(pugi::xml_node root) {
    namespace x = detail::xml;
    E2EKIT_CHECK(x::expect(root, "encrypted"));
    E2EKIT_TRY(header, x::only_child(root, "header"));
    E2EKIT_TRY(payload, x::only_child(root, "payload", true));
    E2EKIT_TRY(iv, x::only_child(header, "iv"));
    encrypted_element e;
    E2EKIT_TRY(sid, x::uint_attribute(header, "sid"));
    e.sid = sid;
    E2EKIT_TRY(iv_bytes, x::base64_of(iv));
    e.iv = std::move(iv_bytes);
    if (payload) {
        E2EKIT_TRY(p, x::base64_of(payload));
        e.payload = std::move(p);
    }
    for (pugi::xml_node k : header.children()) {
        E2EKIT_TRY(is_key, x::is(k, "key"));
        if (!is_key) continue;
        key_element ke;
        E2EKIT_TRY(rid, x::uint_attribute(k, "rid"));
        ke.rid = rid;
        if (const pugi::xml_attribute a = k.attribute("prekey")) {
            E2EKIT_TRY(flag, x::parse_bool(a.value()));
            ke.prekey = flag;
        }
        E2EKIT_TRY(data, x::base64_of(k));
        ke.data = std::move(data);
        e.keys.push_back(std::move(ke));
    }
    return e;
}

inline result<encrypted_element> parse_encrypted(std::string_view xml) {
    pugi::xml_document doc;
    E2EKIT_TRY(root, detail::xml::load(doc, xml));
    return parse_encrypted(root);
}

inline std::string serialize_encrypted(const encrypted_element& e) {
    namespace x = detail::xml;
    std::string out = "<encrypted xmlns='";
    out.append(namespace_uri).append("'><header sid='").append(std::to_string(e.sid)).append("'>");
    for (const auto& k : e.keys) {
        out.append("<key rid='").append(std::to_string(k.rid)).append("'");
        if (k.prekey) out.append(" prekey='true'");
        out.append(">");
        x::append_base64(out, k.data);
        out.append("</key>");
    }
    out.append("<iv>");
    x::append_base64(out, e.iv);
    out.append("</iv></header>");
    if (e.payload) {
        out.append("<payload>");
        x::append_base64(out, *e.payload);
        out.append("</payload>");
    }
    out.append("</encrypted>");
    return out;
}

// --- <bundle> ---------------------------------------------------------------

/// A bundle as published; its signature is checked when it is used
/// (bundle::verify, session.hpp's build_session_active).
inline result<bundle> parse_bundle(pugi::xml_node root) {
    namespace x = detail::xml;
    E2EKIT_CHECK(x::expect(root, "bundle"));
    E2EKIT_TRY(spk, x::only_child(root, "signedPreKeyPublic"));
    E2EKIT_TRY(sig, x::only_child(root, "signedPreKeySignature"));
    E2EKIT_TRY(ik, x::only_child(root, "identityKey"));
    E2EKIT_TRY(prekeys, x::only_child(root, "prekeys"));
    bundle b;
    E2EKIT_TRY(spk_id, x::uint_attribute(spk, "signedPreKeyId"));
    b.signed_prekey_id = spk_id;
    E2EKIT_TRY(spk_key, x::key_of(spk));
    b.signed_prekey = spk_key;
    E2EKIT_TRY(sig_bytes, x::base64_of(sig));
    if (sig_bytes.size() != b.signed_prekey_signature.size()) return xml_error::bad_key;
    std::copy(sig_bytes.begin(), sig_bytes.end(), b.signed_prekey_signature.begin());
    E2EKIT_TRY(ik_key, x::key_of(ik));
    b.identity_key = ik_key;
    for (pugi::xml_node p : prekeys.children()) {
        E2EKIT_TRY(is_prekey, x::is(p, "preKeyPublic"));
        if (!is_prekey) continue;
        E2EKIT_TRY(id, x::uint_attribute(p, "preKeyId"));
        E2EKIT_TRY(key, x::key_of(p));
        b.prekeys.push_back({id, key});
    }
    return b;
}

inline result<bundle> parse_bundle(std::string_view xml) {
    pugi::xml_document doc;
    E2EKIT_TRY(root, detail::xml::load(doc, xml));
    return parse_bundle(root);
}

inline std::string serialize_bundle(const bundle& b) {
    namespace x = detail::xml;
    std::string out = "<bundle xmlns='";
    out.append(namespace_uri)
        .append("'><signedPreKeyPublic signedPreKeyId='")
        .append(std::to_string(b.signed_prekey_id))
        .append("'>");
    x::append_base64(out, key_encoding::encode(b.signed_prekey));
    out.append("</signedPreKeyPublic><signedPreKeySignature>");
    x::append_base64(out, b.signed_prekey_signature);
    out.append("</signedPreKeySignature><identityKey>");
    x::append_base64(out, key_encoding::encode(b.identity_key));
    out.append("</identityKey><prekeys>");
    for (const auto& p : b.prekeys) {
        out.append("<preKeyPublic preKeyId='").append(std::to_string(p.id)).append("'>");
        x::append_base64(out, key_encoding::encode(p.key));
        out.append("</preKeyPublic>");
    }
    out.append("</prekeys></bundle>");
    return out;
}

// --- <list> -----------------------------------------------------------------

/// The device ids of a <list>, in document order, each once.
inline result<std::vector<std::uint32_t>> parse_device_list(pugi::xml_node root) {
    namespace x = detail::xml;
    E2EKIT_CHECK(x::expect(root, "list"));
    std::vector<std::uint32_t> ids;
    for (pugi::xml_node d : root.children()) {
        E2EKIT_TRY(is_device, x::is(d, "device"));
        if (!is_device) continue;
        E2EKIT_TRY(id, x::uint_attribute(d, "id"));
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    return ids;
}

inline result<std::vector<std::uint32_t>> parse_device_list(std::string_view xml) {
    pugi::xml_document doc;
    E2EKIT_TRY(root, detail::xml::load(doc, xml));
    return parse_device_list(root);
}

inline std::string serialize_device_list(std::span<const std::uint32_t> ids) {
    std::string out = "<list xmlns='";
    out.append(namespace_uri).append("'>");
    for (std::uint32_t id : ids)
        out.append("<device id='").append(std::to_string(id)).append("'/>");
    out.append("</list>");
    return out;
}

} // namespace e2ekit::protocols::omemo03

#endif

// The XML element forms of OMEMO 2 (XEP-0384 §5.3), as python-twomemo's
// etree helpers (twomemo/etree.py) write them and read them after checking
// XEP-0384's schema, so that an XMPP client can drop them into stanzas:
//
//   <devices xmlns='urn:xmpp:omemo:2'>            (device list, §5.3.1)
//     <device id='1' label='phone'/> ...          (one or more; label optional)
//   <bundle xmlns='urn:xmpp:omemo:2'>             (§5.3.2; children in any order)
//     <spk id='1'>b64</spk> <spks>b64</spks> <ik>b64</ik>
//     <prekeys><pk id='1'>b64</pk> ...</prekeys>  (one or more pk)
//   <encrypted xmlns='urn:xmpp:omemo:2'>          (§5.4.1; children in any order)
//     <header sid='1'>
//       <keys jid='a@b'><key rid='2' kex='true'>b64</key> ...</keys> ...
//     </header>
//     <payload>b64</payload>                      (absent in an empty message)
//
// Reading follows the schema the etree helpers validate against:
// elements in the OMEMO 2 namespace however it is bound (a default
// namespace, or a prefix as ElementTree writes `ns0:`), the children the
// schema lists and no others, text only where it says so, unsignedInt
// attributes, base64Binary texts (whitespace inside allowed), no other
// attributes than its own (namespace declarations aside). Stricter than
// the schema: `sid` is required (python-twomemo reads it unconditionally),
// device and pre-key ids are unique, and keys have their lengths (32 bytes,
// 64 for the signature). `kex` is read as xs:boolean ("true"/"1" or
// "false"/"0"); the writer omits it for plain messages as python-twomemo
// does. (python-twomemo's reader takes any `kex` value it sees as true,
// "false" included; it only ever writes "true".) Anything else is
// `twomemo_error::malformed_xml`, never an exception. Text input is checked
// for what pugixml lets through and XML forbids (ill-formed UTF-8, NUL and
// other non-characters, raw or as character references) before pugixml
// sees it; a node handed in was parsed by the caller's own rules.
//
// Each form parses from a pugixml node (an element inside the caller's
// stanza: namespace declarations of its ancestors count) or from text, and
// is written under a caller's node or as text.
#ifndef E2EKIT_PROTOCOLS_TWOMEMO_XML_HPP
#define E2EKIT_PROTOCOLS_TWOMEMO_XML_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/protocols/twomemo/bundle.hpp>
#include <e2ekit/protocols/twomemo/error.hpp>
#include <e2ekit/protocols/twomemo/messages.hpp>
#include <e2ekit/protocols/twomemo/params.hpp>
#include <e2ekit/protocols/twomemo/payload.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::protocols::omemo2 {

/// A device list entry: `<device id label?>`.
struct device {
    std::uint32_t id = 0;
    std::optional<std::string> label;
    friend bool operator==(const device&, const device&) = default;
};

/// `<key rid kex?>`: one recipient device's key material.
struct key_element {
    std::uint32_t rid = 0;
    encrypted_key_material material;
    friend bool operator==(const key_element&, const key_element&) = default;
};

/// `<keys jid>`: the key elements for the devices of one bare JID.
struct recipient_keys {
    std::string jid;
    std::vector<key_element> keys;
    friend bool operator==(const recipient_keys&, const recipient_keys&) = default;
};

/// `<encrypted>`: the sender's device id, the keys, and the payload (empty
/// for an empty OMEMO message: no `<payload>`).
struct encrypted_element {
    std::uint32_t sid = 0;
    std::vector<recipient_keys> recipients;
    content payload;
    friend bool operator==(const encrypted_element&, const encrypted_element&) = default;
};

namespace detail::xml {

inline constexpr std::string_view xml_namespace = "http://www.w3.org/XML/1998/namespace";

inline bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// The namespace bound to `prefix` at element `n` (Namespaces in XML 1.0
/// §6): the nearest declaration on `n` or an ancestor; "" for an
/// undeclared default namespace, nothing for an unbound prefix.
inline std::optional<std::string_view> namespace_of(pugi::xml_node n, std::string_view prefix) {
    if (prefix == "xml") return xml_namespace;
    const std::string attr = prefix.empty() ? std::string("xmlns") : "xmlns:" + std::string(prefix);
    for (auto p = n; p && p.type() == pugi::node_element; p = p.parent())
        if (auto a = p.attribute(attr.c_str())) return std::string_view(a.value());
    if (prefix.empty()) return std::string_view();
    return std::nullopt;
}

/// Whether `n` is the element `{urn:xmpp:omemo:2}local`.
inline bool is(pugi::xml_node n, std::string_view local) {
    if (n.type() != pugi::node_element) return false;
    const std::string_view name = n.name();
    const auto colon = name.find(':');
    const std::string_view prefix = colon == std::string_view::npos ? "" : name.substr(0, colon);
    const std::string_view rest = colon == std::string_view::npos ? name : name.substr(colon + 1);
    if (rest != local) return false;
    const auto ns = namespace_of(n, prefix);
    return ns && *ns == namespace_uri;
}

inline bool is_declaration(std::string_view name) {
    return name == "xmlns" || name.starts_with("xmlns:");
}

/// `n`'s attributes, each of `allowed` at most once and nothing else but
/// namespace declarations; the values in `allowed`'s order.
template <std::size_t N>
result<std::array<std::optional<std::string_view>, N>>
attributes(pugi::xml_node n, const std::array<std::string_view, N>& allowed) {
    std::array<std::optional<std::string_view>, N> out{};
    for (auto a : n.attributes()) {
        const std::string_view name = a.name();
        if (is_declaration(name)) continue;
        const auto it = std::find(allowed.begin(), allowed.end(), name);
        if (it == allowed.end()) return twomemo_error::malformed_xml;
        auto& slot = out[static_cast<std::size_t>(it - allowed.begin())];
        if (slot) return twomemo_error::malformed_xml;
        slot = std::string_view(a.value());
    }
    return out;
}

/// The child elements of an element-only element; text that is not all
/// whitespace is refused, comments and processing instructions skipped.
inline result<std::vector<pugi::xml_node>> children(pugi::xml_node n) {
    std::vector<pugi::xml_node> out;
    for (auto c : n.children()) {
        switch (c.type()) {
        case pugi::node_element: out.push_back(c); break;
        case pugi::node_pcdata:
        case pugi::node_cdata: {
            const std::string_view t = c.value();
            if (!std::all_of(t.begin(), t.end(), is_space)) return twomemo_error::malformed_xml;
            break;
        }
        default: break;
        }
    }
    return out;
}

/// The text of a text-only element (its character data and CDATA
/// sections); a child element is refused.
inline result<std::string> text(pugi::xml_node n) {
    std::string out;
    for (auto c : n.children()) {
        switch (c.type()) {
        case pugi::node_element: return twomemo_error::malformed_xml;
        case pugi::node_pcdata:
        case pugi::node_cdata: out += c.value(); break;
        default: break;
        }
    }
    return out;
}

/// xs:unsignedInt: whitespace collapsed, an optional '+', decimal digits
/// (leading zeros allowed), at most 2^32 - 1.
inline result<std::uint32_t> unsigned_int(std::string_view s) {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty()) return twomemo_error::malformed_xml;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return twomemo_error::malformed_xml;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
        if (v > 0xffffffffu) return twomemo_error::malformed_xml;
    }
    return static_cast<std::uint32_t>(v);
}

inline result<std::uint32_t> required_uint(const std::optional<std::string_view>& a) {
    if (!a) return twomemo_error::malformed_xml;
    return unsigned_int(*a);
}

/// xs:boolean.
inline result<bool> boolean(std::string_view s) {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0") return false;
    return twomemo_error::malformed_xml;
}

/// xs:base64Binary: standard padded base64, whitespace anywhere ignored.
inline result<bytes> base64_text(pugi::xml_node n) {
    E2EKIT_TRY(t, text(n));
    t.erase(std::remove_if(t.begin(), t.end(), is_space), t.end());
    auto b = codec::base64::decode<codec::base64::standard>(t);
    if (!b) return twomemo_error::malformed_xml;
    return std::move(*b);
}

template <std::size_t N>
result<byte_array<N>> base64_key(pugi::xml_node n) {
    E2EKIT_TRY(b, base64_text(n));
    if (b.size() != N) return twomemo_error::malformed_xml;
    byte_array<N> k;
    std::copy(b.begin(), b.end(), k.begin());
    return k;
}

/// Whether `c` is a Char of XML 1.0 §2.2.
inline bool is_xml_char(std::uint32_t c) noexcept {
    return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
           (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/// What pugixml does not check and an XML parser must (expat, under
/// python's ElementTree, refuses all of it): UTF-8 that is well formed
/// (no overlong forms, no surrogates, nothing above U+10FFFF), characters
/// that are Chars (§2.2; NUL included, which would also cut pugixml's
/// strings short), and character references (§4.1) that are well formed
/// and name a Char.
inline bool legal_characters(std::string_view in) noexcept {
    std::size_t i = 0;
    while (i < in.size()) {
        const auto b0 = static_cast<unsigned char>(in[i]);
        std::uint32_t c = 0;
        std::size_t n = 0;
        if (b0 < 0x80) {
            c = b0;
            n = 1;
        } else if (b0 >= 0xc2 && b0 <= 0xdf) {
            c = b0 & 0x1fu;
            n = 2;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            c = b0 & 0x0fu;
            n = 3;
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            c = b0 & 0x07u;
            n = 4;
        } else {
            return false;
        }
        if (i + n > in.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            const auto b = static_cast<unsigned char>(in[i + k]);
            if ((b & 0xc0) != 0x80) return false;
            c = (c << 6) | (b & 0x3fu);
        }
        const std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (c < least[n] || !is_xml_char(c)) return false;
        if (c == '&' && i + 1 < in.size() && in[i + 1] == '#') {
            std::size_t j = i + 2;
            const bool hex = j < in.size() && in[j] == 'x';
            if (hex) ++j;
            std::uint32_t v = 0;
            std::size_t digits = 0;
            for (; j < in.size() && in[j] != ';'; ++j, ++digits) {
                const char d = in[j];
                std::uint32_t x = 0;
                if (d >= '0' && d <= '9')
                    x = static_cast<std::uint32_t>(d - '0');
                else if (hex && d >= 'a' && d <= 'f')
                    x = static_cast<std::uint32_t>(d - 'a' + 10);
                else if (hex && d >= 'A' && d <= 'F')
                    x = static_cast<std::uint32_t>(d - 'A' + 10);
                else
                    return false;
                v = v * (hex ? 16 : 10) + x;
                if (v > 0x10ffff) return false;
            }
            if (j == in.size() || digits == 0 || !is_xml_char(v)) return false;
        }
        i += n;
    }
    return true;
}

/// Parses text into `doc`; the one element it holds.
inline result<pugi::xml_node> load(pugi::xml_document& doc, std::string_view in) {
    if (!legal_characters(in)) return twomemo_error::malformed_xml;
    const auto r = doc.load_buffer(in.data(), in.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!r) return twomemo_error::malformed_xml;
    pugi::xml_node root;
    for (auto c : doc.children()) {
        if (c.type() == pugi::node_element) {
            if (root) return twomemo_error::malformed_xml;
            root = c;
        } else if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
            return twomemo_error::malformed_xml;
        }
    }
    if (!root) return twomemo_error::malformed_xml;
    return root;
}

inline std::string to_string(const pugi::xml_document& doc) {
    std::ostringstream out;
    doc.save(out, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
    return out.str();
}

inline pugi::xml_node element(pugi::xml_node parent, const char* name) {
    return parent.append_child(name);
}

inline void set_text(pugi::xml_node n, bytes_view b) {
    n.append_child(pugi::node_pcdata)
        .set_value(codec::base64::encode<codec::base64::standard>(b).c_str());
}

} // namespace detail::xml

// --- <devices> ------------------------------------------------------------------

inline result<std::vector<device>> parse_device_list(pugi::xml_node devices) {
    namespace x = detail::xml;
    if (!x::is(devices, "devices")) return twomemo_error::malformed_xml;
    E2EKIT_TRY(none, x::attributes<0>(devices, {}));
    (void)none;
    E2EKIT_TRY(kids, x::children(devices));
    if (kids.empty()) return twomemo_error::malformed_xml;
    std::vector<device> out;
    std::set<std::uint32_t> seen;
    for (auto d : kids) {
        if (!x::is(d, "device")) return twomemo_error::malformed_xml;
        E2EKIT_TRY(attrs, x::attributes<2>(d, {"id", "label"}));
        E2EKIT_TRY(id, x::required_uint(attrs[0]));
        E2EKIT_TRY(inner, x::children(d));
        if (!inner.empty() || !seen.insert(id).second) return twomemo_error::malformed_xml;
        device dev{id, std::nullopt};
        if (attrs[1]) dev.label = std::string(*attrs[1]);
        out.push_back(std::move(dev));
    }
    return out;
}

inline result<std::vector<device>> parse_device_list(std::string_view xml_text) {
    pugi::xml_document doc;
    E2EKIT_TRY(root, detail::xml::load(doc, xml_text));
    return parse_device_list(root);
}

/// Appends `<devices xmlns=...>` to `parent` (etree.serialize_device_list).
inline pugi::xml_node write_device_list(pugi::xml_node parent, std::span<const device> devices) {
    namespace x = detail::xml;
    auto el = x::element(parent, "devices");
    el.append_attribute("xmlns").set_value(std::string(namespace_uri).c_str());
    for (const auto& d : devices) {
        auto e = x::element(el, "device");
        e.append_attribute("id").set_value(d.id);
        if (d.label) e.append_attribute("label").set_value(d.label->c_str());
    }
    return el;
}

inline std::string device_list_xml(std::span<const device> devices) {
    pugi::xml_document doc;
    write_device_list(doc, devices);
    return detail::xml::to_string(doc);
}

// --- <bundle> -------------------------------------------------------------------

inline result<bundle> parse_bundle(pugi::xml_node el) {
    namespace x = detail::xml;
    if (!x::is(el, "bundle")) return twomemo_error::malformed_xml;
    E2EKIT_TRY(none, x::attributes<0>(el, {}));
    (void)none;
    E2EKIT_TRY(kids, x::children(el));
    pugi::xml_node spk, spks, ik, prekeys;
    for (auto c : kids) {
        pugi::xml_node* slot = x::is(c, "spk")       ? &spk
                               : x::is(c, "spks")    ? &spks
                               : x::is(c, "ik")      ? &ik
                               : x::is(c, "prekeys") ? &prekeys
                                                     : nullptr;
        if (!slot || *slot) return twomemo_error::malformed_xml; // unknown, or twice
        *slot = c;
    }
    if (!spk || !spks || !ik || !prekeys) return twomemo_error::malformed_xml;
    bundle b;
    E2EKIT_TRY(spk_attrs, x::attributes<1>(spk, {"id"}));
    E2EKIT_TRY(spk_id, x::required_uint(spk_attrs[0]));
    b.signed_prekey_id = spk_id;
    E2EKIT_TRY(spk_key, x::base64_key<wire::key_size>(spk));
    b.signed_prekey = spk_key;
    E2EKIT_TRY(no_attrs, x::attributes<0>(spks, {}));
    (void)no_attrs;
    E2EKIT_TRY(sig, x::base64_key<crypto::ed25519::signature_size>(spks));
    b.signed_prekey_signature = sig;
    E2EKIT_TRY(no_ik_attrs, x::attributes<0>(ik, {}));
    (void)no_ik_attrs;
    E2EKIT_TRY(ik_key, x::base64_key<wire::key_size>(ik));
    b.identity = ik_key;
    E2EKIT_TRY(no_pk_attrs, x::attributes<0>(prekeys, {}));
    (void)no_pk_attrs;
    E2EKIT_TRY(pks, x::children(prekeys));
    if (pks.empty()) return twomemo_error::malformed_xml;
    std::set<std::uint32_t> seen;
    b.prekeys.reserve(pks.size());
    for (auto pk : pks) {
        if (!x::is(pk, "pk")) return twomemo_error::malformed_xml;
        E2EKIT_TRY(attrs, x::attributes<1>(pk, {"id"}));
        E2EKIT_TRY(id, x::required_uint(attrs[0]));
        if (!seen.insert(id).second) return twomemo_error::malformed_xml;
        E2EKIT_TRY(key, x::base64_key<wire::key_size>(pk));
        b.prekeys.push_back({id, key});
    }
    return b;
}

inline result<bundle> parse_bundle(std::string_view xml_text) {
    pugi::xml_document doc;
    E2EKIT_TRY(root, detail::xml::load(doc, xml_text));
    return parse_bundle(root);
}

/// Appends `<bundle xmlns=...>` to `parent` (etree.serialize_bundle).
inline pugi::xml_node write_bundle(pugi::xml_node parent, const bundle& b) {
    namespace x = detail::xml;
    auto el = x::element(parent, "bundle");
    el.append_attribute("xmlns").set_value(std::string(namespace_uri).c_str());
    auto spk = x::element(el, "spk");
    spk.append_attribute("id").set_value(b.signed_prekey_id);
    x::set_text(spk, b.signed_prekey);
    x::set_text(x::element(el, "spks"), b.signed_prekey_signature);
    x::set_text(x::element(el, "ik"), b.identity);
    auto pks = x::element(el, "prekeys");
    for (const auto& pk : b.prekeys) {
        auto e = x::element(pks, "pk");
        e.append_attribute("id").set_value(pk.id);
        x::set_text(e, pk.key);
    }
    return el;
}

inline std::string bundle_xml(const bundle& b) {
    pugi::xml_document doc;
    write_bundle(doc, b);
    return detail::xml::to_string(doc);
}

// --- <encrypted> ----------------------------------------------------------------

inline result<encrypted_element> parse_encrypted(pugi::xml_node el) {
    namespace x = detail::xml;
    if (!x::is(el, "encrypted")) return twomemo_error::malformed_xml;
    E2EKIT_TRY(none, x::attributes<0>(el, {}));
    (void)none;
    E2EKIT_TRY(kids, x::children(el));
    pugi::xml_node header, payload;
    for (auto c : kids) {
        pugi::xml_node* slot = x::is(c, "header")    ? &header
                               : x::is(c, "payload") ? &payload
                                                     : nullptr;
        if (!slot || *slot) return twomemo_error::malformed_xml;
        *slot = c;
    }
    if (!header) return twomemo_error::malformed_xml;
    encrypted_element m;
    E2EKIT_TRY(hattrs, x::attributes<1>(header, {"sid"}));
    E2EKIT_TRY(sid, x::required_uint(hattrs[0]));
    m.sid = sid;
    E2EKIT_TRY(keys_elts, x::children(header));
    if (keys_elts.empty()) return twomemo_error::malformed_xml;
    for (auto ke : keys_elts) {
        if (!x::is(ke, "keys")) return twomemo_error::malformed_xml;
        E2EKIT_TRY(kattrs, x::attributes<1>(ke, {"jid"}));
        if (!kattrs[0]) return twomemo_error::malformed_xml;
        recipient_keys r{std::string(*kattrs[0]), {}};
        E2EKIT_TRY(key_elts, x::children(ke));
        if (key_elts.empty()) return twomemo_error::malformed_xml;
        for (auto k : key_elts) {
            if (!x::is(k, "key")) return twomemo_error::malformed_xml;
            E2EKIT_TRY(attrs, x::attributes<2>(k, {"rid", "kex"}));
            E2EKIT_TRY(rid, x::required_uint(attrs[0]));
            bool kex = false;
            if (attrs[1]) {
                E2EKIT_TRY(v, x::boolean(*attrs[1]));
                kex = v;
            }
            E2EKIT_TRY(data, x::base64_text(k));
            r.keys.push_back({rid, {kex, std::move(data)}});
        }
        m.recipients.push_back(std::move(r));
    }
    if (payload) {
        E2EKIT_TRY(pattrs, x::attributes<0>(payload, {}));
        (void)pattrs;
        // An empty <payload> reads as none, as python-twomemo reads it
        // (ContentImpl(b"") is the empty message's content).
        E2EKIT_TRY(p, x::base64_text(payload));
        m.payload.ciphertext = std::move(p);
    }
    return m;
}

inline result<encrypted_element> parse_encrypted(std::string_view xml_text) {
    pugi::xml_document doc;
    E2EKIT_TRY(root, detail::xml::load(doc, xml_text));
    return parse_encrypted(root);
}

/// Appends `<encrypted xmlns=...>` to `parent` (etree.serialize_message):
/// `kex='true'` only on key exchanges, no `<payload>` for an empty message.
inline pugi::xml_node write_encrypted(pugi::xml_node parent, const encrypted_element& m) {
    namespace x = detail::xml;
    auto el = x::element(parent, "encrypted");
    el.append_attribute("xmlns").set_value(std::string(namespace_uri).c_str());
    auto header = x::element(el, "header");
    header.append_attribute("sid").set_value(m.sid);
    for (const auto& r : m.recipients) {
        auto keys = x::element(header, "keys");
        keys.append_attribute("jid").set_value(r.jid.c_str());
        for (const auto& k : r.keys) {
            auto e = x::element(keys, "key");
            e.append_attribute("rid").set_value(k.rid);
            if (k.material.kex) e.append_attribute("kex").set_value("true");
            x::set_text(e, k.material.data);
        }
    }
    if (!m.payload.empty()) x::set_text(x::element(el, "payload"), m.payload.ciphertext);
    return el;
}

inline std::string encrypted_xml(const encrypted_element& m) {
    pugi::xml_document doc;
    write_encrypted(doc, m);
    return detail::xml::to_string(doc);
}

} // namespace e2ekit::protocols::omemo2

#endif

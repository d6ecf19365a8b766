// Reading XEP-0384 element forms with pugixml, which knows nothing of
// namespaces: names are resolved here (Namespaces in XML 1.0 §6.2: a prefix,
// or none, is bound by the nearest xmlns declaration among the element and
// its ancestors), so that `<encrypted xmlns='…'>` and ElementTree's
// `<ns0:encrypted xmlns:ns0='…'>` read alike. Values as XML Schema 1.1 Part
// 2 defines them (xs:unsignedInt, xs:boolean, xs:base64Binary, whitespace
// collapsed). Nothing here throws on input; pugixml allocates and may throw
// std::bad_alloc, an environment failure.
#ifndef E2EKIT_PROTOCOLS_OLDMEMO_DETAIL_XML_HPP
#define E2EKIT_PROTOCOLS_OLDMEMO_DETAIL_XML_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/protocols/oldmemo/error.hpp>
#include <e2ekit/protocols/oldmemo/params.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace e2ekit::protocols::omemo03::detail::xml {

inline constexpr std::string_view xml_namespace = "http://www.w3.org/XML/1998/namespace";

/// The namespace an element's prefix (or lack of one) is bound to;
/// nothing for a prefix bound nowhere.
inline result<std::string_view> namespace_of(pugi::xml_node n) {
    const std::string_view name = n.name();
    const auto colon = name.find(':');
    if (colon == std::string_view::npos) {
        for (pugi::xml_node e = n; e && e.type() == pugi::node_element; e = e.parent())
            if (const pugi::xml_attribute a = e.attribute("xmlns"))
                return std::string_view(a.value());
        return std::string_view{};
    }
    const std::string_view prefix = name.substr(0, colon);
    if (prefix == "xml") return xml_namespace;
    const std::string attr = "xmlns:" + std::string(prefix);
    for (pugi::xml_node e = n; e && e.type() == pugi::node_element; e = e.parent())
        if (const pugi::xml_attribute a = e.attribute(attr.c_str()))
            return std::string_view(a.value());
    return xml_error::malformed;
}

inline std::string_view local_name(pugi::xml_node n) {
    const std::string_view name = n.name();
    const auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

/// Whether `n` is the element {namespace_uri}`local`. An unbound prefix
/// is malformed XML.
inline result<bool> is(pugi::xml_node n, std::string_view local) {
    if (n.type() != pugi::node_element) return false;
    E2EKIT_TRY(ns, namespace_of(n));
    return ns == namespace_uri && local_name(n) == local;
}

/// The element itself must be {namespace_uri}`local`.
inline result<void> expect(pugi::xml_node n, std::string_view local) {
    E2EKIT_TRY(yes, is(n, local));
    if (!yes) return xml_error::wrong_element;
    return {};
}

/// The one child {namespace_uri}`local`: `missing_element` when there is
/// none, `duplicate_element` when there are more. Or none at all, when
/// `optional` (a null node).
inline result<pugi::xml_node> only_child(pugi::xml_node parent, std::string_view local,
                                         bool optional = false) {
    pugi::xml_node found;
    for (pugi::xml_node c : parent.children()) {
        E2EKIT_TRY(yes, is(c, local));
        if (!yes) continue;
        if (found) return xml_error::duplicate_element;
        found = c;
    }
    if (!found && !optional) return xml_error::missing_element;
    return found;
}

inline bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

/// xs:unsignedInt: optional '+', decimal digits, up to 2^32 - 1.
inline result<std::uint32_t> parse_uint(std::string_view s) noexcept {
    s = trim(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty()) return xml_error::bad_attribute;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return xml_error::bad_attribute;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
        if (v > std::numeric_limits<std::uint32_t>::max()) return xml_error::bad_attribute;
    }
    return static_cast<std::uint32_t>(v);
}

/// xs:boolean: true, false, 1 or 0.
inline result<bool> parse_bool(std::string_view s) noexcept {
    s = trim(s);
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0") return false;
    return xml_error::bad_attribute;
}

inline result<std::uint32_t> uint_attribute(pugi::xml_node n, const char* name) {
    const pugi::xml_attribute a = n.attribute(name);
    if (!a) return xml_error::missing_attribute;
    return parse_uint(a.value());
}

/// xs:base64Binary: RFC 4648 §4 with padding; XML whitespace anywhere is
/// dropped (the lexical space allows it, and some clients wrap lines). The
/// element's character data (comments and processing instructions aside;
/// a child element is refused) is read in place when it is one piece
/// without whitespace, as writers send it.
inline result<bytes> base64_of(pugi::xml_node n) {
    std::string_view single;
    std::string joined;
    int pieces = 0;
    for (pugi::xml_node c : n.children()) {
        if (c.type() == pugi::node_element) return xml_error::bad_base64;
        if (c.type() != pugi::node_pcdata && c.type() != pugi::node_cdata) continue;
        if (pieces++ == 0) {
            single = c.value();
            continue;
        }
        if (pieces == 2) joined.assign(single);
        joined += c.value();
    }
    std::string_view text = pieces > 1 ? std::string_view(joined) : single;
    std::string compact;
    if (std::any_of(text.begin(), text.end(), [](char c) { return is_space(c); })) {
        compact.reserve(text.size());
        for (char c : text)
            if (!is_space(c)) compact.push_back(c);
        text = compact;
    }
    auto b = codec::base64::decode(text);
    if (!b) return xml_error::bad_base64;
    return std::move(*b);
}

/// A public key in the 0x05 ‖ u form.
inline result<public_key> key_of(pugi::xml_node n) {
    E2EKIT_TRY(b, base64_of(n));
    auto k = key_encoding::decode(b);
    if (!k) return xml_error::bad_key;
    return *k;
}

/// `xml` as a document with exactly one element at the top.
inline result<pugi::xml_node> load(pugi::xml_document& doc, std::string_view xml) {
    const pugi::xml_parse_result r =
        doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!r) return xml_error::malformed;
    pugi::xml_node root;
    for (pugi::xml_node c : doc.children()) {
        if (c.type() != pugi::node_element) continue;
        if (root) return xml_error::malformed;
        root = c;
    }
    if (!root) return xml_error::malformed;
    return root;
}

inline void append_base64(std::string& out, bytes_view b) {
    out += codec::base64::encode(b);
}

} // namespace e2ekit::protocols::omemo03::detail::xml

#endif

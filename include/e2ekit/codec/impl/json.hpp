// Bodies of e2ekit/codec/json.hpp.
#ifndef E2EKIT_CODEC_IMPL_JSON_HPP
#define E2EKIT_CODEC_IMPL_JSON_HPP

#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

namespace e2ekit::codec::json {
namespace detail {

/// Builds the document from nlohmann's SAX events, refusing as early as
/// possible; nlohmann's own parser is iterative, so the depth checked here
/// is the only recursion that ever happens on this document later.
class builder {
public:
    using json = nlohmann::json;

    explicit builder(std::size_t max_depth) : max_depth_(max_depth) {}

    bool null() { return put(nullptr); }
    bool boolean(bool v) { return put(v); }
    bool number_integer(json::number_integer_t v) { return put(v); }
    bool number_unsigned(json::number_unsigned_t v) { return put(v); }
    bool number_float(json::number_float_t v, const json::string_t&) { return put(v); }
    bool string(json::string_t& v) { return put(std::move(v)); }
    bool binary(json::binary_t&) { return fail(decode_error::syntax_error); }

    bool start_object(std::size_t) { return open(json::value_t::object); }
    bool start_array(std::size_t) { return open(json::value_t::array); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(json::string_t& k) {
        auto& obj = stack_.back()->get_ref<json::object_t&>();
        auto [it, fresh] = obj.emplace(std::move(k), nullptr);
        if (!fresh) return fail(decode_error::duplicate_field);
        slot_ = &it->second;
        return true;
    }

    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
        return fail(classify(ex));
    }

    json& root() noexcept { return root_; }
    decode_error error() const noexcept { return error_; }

private:
    static decode_error classify(const nlohmann::detail::exception& ex) {
        // nlohmann reports one exception type per class of problem; the
        // text tells the syntax errors apart (nlohmann 3.11 lexer/parser).
        if (ex.id == 406) return decode_error::out_of_range;
        const char* what = ex.what();
        if (std::strstr(what, "UTF-8") || std::strstr(what, "surrogate"))
            return decode_error::invalid_utf8;
        if (std::strstr(what, "unexpected end of input")) return decode_error::truncated;
        if (std::strstr(what, "expected end of input")) return decode_error::trailing_data;
        return decode_error::syntax_error;
    }

    bool fail(decode_error e) {
        if (error_ == decode_error{}) error_ = e;
        return false;
    }

    json* place(json&& v) {
        if (stack_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        json& top = *stack_.back();
        if (top.is_array()) {
            auto& arr = top.get_ref<json::array_t&>();
            arr.push_back(std::move(v));
            return &arr.back();
        }
        *slot_ = std::move(v);
        return slot_;
    }

    template <class T>
    bool put(T&& v) {
        place(json(std::forward<T>(v)));
        return true;
    }

    bool open(json::value_t t) {
        if (stack_.size() >= max_depth_) return fail(decode_error::too_deep);
        stack_.push_back(place(json(t)));
        return true;
    }

    bool close() {
        stack_.pop_back();
        return true;
    }

    std::size_t max_depth_;
    json root_;
    std::vector<json*> stack_;
    json* slot_ = nullptr;
    decode_error error_{};
};

inline constexpr std::int64_t max_safe_integer = (std::int64_t{1} << 53) - 1;

/// RFC 3629 §4 well-formedness: no overlongs, no surrogates, nothing above
/// U+10FFFF.
inline bool valid_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        const unsigned c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        std::size_t n;
        unsigned lo = 0x80, hi = 0xBF; // bounds of the second byte
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else
            return false;
        if (static_cast<std::size_t>(end - p) <= n) return false;
        if (p[1] < lo || p[1] > hi) return false;
        for (std::size_t i = 2; i <= n; ++i)
            if ((p[i] & 0xC0) != 0x80) return false;
        p += n + 1;
    }
    return true;
}

inline result<void> write_string(std::string& out, std::string_view s) {
    if (!valid_utf8(s)) return decode_error::invalid_utf8;
    static constexpr char hexd[] = "0123456789abcdef";
    out += '"';
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case 0x08: out += "\\b"; break;
        case 0x0C: out += "\\f"; break;
        case 0x0A: out += "\\n"; break;
        case 0x0D: out += "\\r"; break;
        case 0x09: out += "\\t"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += hexd[c >> 4];
                out += hexd[c & 15];
            } else {
                out += ch;
            }
        }
    }
    out += '"';
    return ok();
}

inline result<void> write_integer(std::string& out, std::int64_t v) {
    if (v > max_safe_integer || v < -max_safe_integer) return decode_error::out_of_range;
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
    return ok();
}

inline result<void> write_canonical(std::string& out, const nlohmann::json& v, std::size_t depth) {
    using t = nlohmann::json::value_t;
    switch (v.type()) {
    case t::null: out += "null"; return ok();
    case t::boolean: out += v.get<bool>() ? "true" : "false"; return ok();
    case t::number_integer: return write_integer(out, v.get<std::int64_t>());
    case t::number_unsigned: {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(max_safe_integer)) return decode_error::out_of_range;
        return write_integer(out, static_cast<std::int64_t>(u));
    }
    case t::number_float: {
        const double d = v.get<double>();
        if (!std::isfinite(d) || std::trunc(d) != d) return decode_error::unexpected_type;
        if (std::fabs(d) > static_cast<double>(max_safe_integer)) return decode_error::out_of_range;
        return write_integer(out, static_cast<std::int64_t>(d));
    }
    case t::string: return write_string(out, v.get_ref<const std::string&>());
    case t::array: {
        if (depth == 0) return decode_error::too_deep;
        out += '[';
        bool first = true;
        for (const auto& e : v.get_ref<const nlohmann::json::array_t&>()) {
            if (!first) out += ',';
            first = false;
            E2EKIT_CHECK(write_canonical(out, e, depth - 1));
        }
        out += ']';
        return ok();
    }
    case t::object: {
        if (depth == 0) return decode_error::too_deep;
        out += '{';
        bool first = true;
        // std::map orders the keys bytewise, which for UTF-8 is code point
        // order (RFC 3629 §1), the order the spec asks for.
        for (const auto& [k, e] : v.get_ref<const nlohmann::json::object_t&>()) {
            if (!first) out += ',';
            first = false;
            E2EKIT_CHECK(write_string(out, k));
            out += ':';
            E2EKIT_CHECK(write_canonical(out, e, depth - 1));
        }
        out += '}';
        return ok();
    }
    case t::binary:
    case t::discarded: return decode_error::unexpected_type;
    }
    return decode_error::unexpected_type;
}

template <class Get>
auto member(const nlohmann::json& obj, std::string_view key, Get&& get) -> decltype(get(obj)) {
    if (!obj.is_object()) return decode_error::unexpected_type;
    const auto* m = find(obj, key);
    if (!m) return decode_error::missing_field;
    return get(*m);
}

} // namespace detail

inline result<nlohmann::json> parse(std::string_view text, const limits& lim) {
    if (text.size() > lim.max_size) return decode_error::too_large;
    // nlohmann's lexer takes a NUL for the end of input and would accept
    // "1\0anything"; no JSON text contains a raw NUL (RFC 8259 §7: controls
    // in strings are escaped, and NUL is not whitespace).
    if (!text.empty() && std::memchr(text.data(), 0, text.size()))
        return decode_error::syntax_error;
    detail::builder b(lim.max_depth);
    bool done = false;
    try {
        done = nlohmann::json::sax_parse(text.data(), text.data() + text.size(), &b,
                                         nlohmann::json::input_format_t::json, true, false);
    } catch (const nlohmann::json::exception&) {
        return decode_error::syntax_error; // not expected from the SAX path; never escapes
    }
    if (!done) return b.error() != decode_error{} ? b.error() : decode_error::syntax_error;
    return std::move(b.root());
}

inline result<std::string> canonical(const nlohmann::json& value, std::size_t max_depth) {
    std::string out;
    E2EKIT_CHECK(detail::write_canonical(out, value, max_depth));
    return out;
}

inline result<std::string> canonicalize(std::string_view text, const limits& lim) {
    E2EKIT_TRY(doc, parse(text, lim));
    return canonical(doc, lim.max_depth);
}

inline const nlohmann::json* find(const nlohmann::json& obj, std::string_view key) noexcept {
    if (!obj.is_object()) return nullptr;
    const auto& o = obj.get_ref<const nlohmann::json::object_t&>();
    const auto it = o.find(key);
    return it == o.end() ? nullptr : &it->second;
}

inline result<std::string_view> get_string(const nlohmann::json& obj, std::string_view key) {
    return detail::member(obj, key, [](const nlohmann::json& m) -> result<std::string_view> {
        if (!m.is_string()) return decode_error::unexpected_type;
        return std::string_view(m.get_ref<const std::string&>());
    });
}

inline result<std::int64_t> get_int(const nlohmann::json& obj, std::string_view key) {
    return detail::member(obj, key, [](const nlohmann::json& m) -> result<std::int64_t> {
        if (m.is_number_integer() && !m.is_number_unsigned()) return m.get<std::int64_t>();
        if (m.is_number_unsigned()) {
            const auto u = m.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(INT64_MAX)) return decode_error::out_of_range;
            return static_cast<std::int64_t>(u);
        }
        return decode_error::unexpected_type;
    });
}

inline result<std::uint64_t> get_uint(const nlohmann::json& obj, std::string_view key) {
    return detail::member(obj, key, [](const nlohmann::json& m) -> result<std::uint64_t> {
        if (m.is_number_unsigned()) return m.get<std::uint64_t>();
        if (m.is_number_integer()) {
            const auto i = m.get<std::int64_t>();
            if (i < 0) return decode_error::out_of_range;
            return static_cast<std::uint64_t>(i);
        }
        return decode_error::unexpected_type;
    });
}

inline result<bool> get_bool(const nlohmann::json& obj, std::string_view key) {
    return detail::member(obj, key, [](const nlohmann::json& m) -> result<bool> {
        if (!m.is_boolean()) return decode_error::unexpected_type;
        return m.get<bool>();
    });
}

inline result<const nlohmann::json*> get_object(const nlohmann::json& obj, std::string_view key) {
    return detail::member(obj, key, [](const nlohmann::json& m) -> result<const nlohmann::json*> {
        if (!m.is_object()) return decode_error::unexpected_type;
        return &m;
    });
}

inline result<const nlohmann::json*> get_array(const nlohmann::json& obj, std::string_view key) {
    return detail::member(obj, key, [](const nlohmann::json& m) -> result<const nlohmann::json*> {
        if (!m.is_array()) return decode_error::unexpected_type;
        return &m;
    });
}

template <class V>
result<bytes> get_bytes(const nlohmann::json& obj, std::string_view key) {
    E2EKIT_TRY(s, get_string(obj, key));
    return base64::decode<V>(s);
}

template <std::size_t N, class V>
result<byte_array<N>> get_fixed_bytes(const nlohmann::json& obj, std::string_view key) {
    E2EKIT_TRY(s, get_string(obj, key));
    return base64::decode_array<N, V>(s);
}

template <std::size_t N, class Tag, class V>
result<secret<N, Tag>> get_secret(const nlohmann::json& obj, std::string_view key) {
    E2EKIT_TRY(s, get_string(obj, key));
    return base64::decode_secret<N, Tag, V>(s);
}

} // namespace e2ekit::codec::json

#endif

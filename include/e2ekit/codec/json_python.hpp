// JSON text exactly as CPython's `json.dumps(value)` writes it with default
// arguments, for protocols whose reference implementation is Python and
// whose signed or encrypted bytes are that text (DIMP documents and message
// contents). Byte-exact output lets a known-answer test reproduce the
// reference's ciphertexts and signatures.
//
// | value   | written as (Python 3 `json` module, `json/encoder.py`)               |
// |---------|----------------------------------------------------------------------|
// | object  | `{"k": v, "k2": v2}`: separators ", " and ": ", members in the       |
// |         | container's order (use nlohmann::ordered_json to keep insertion)     |
// | array   | `[a, b]`                                                             |
// | string  | ensure_ascii: `"` `\` and \b \f \n \r \t escaped by name; every other|
// |         | character outside U+0020..U+007E as \uxxxx (lower-case hex, UTF-16   |
// |         | surrogate pairs above U+FFFF)                                        |
// | integer | decimal                                                              |
// | float   | `repr(float)`: the shortest digits that round-trip; exponent form   |
// |         | (`1e+16`, `1.5e-05`) when the decimal exponent is < -4 or >= 16,      |
// |         | else positional with at least one fractional digit (`100.0`)         |
// | bool    | `true` / `false`; null as `null`                                     |
//
// Refused: a string that is not UTF-8 (`invalid_utf8`), NaN or an infinity
// (Python would write the non-JSON `NaN`; `unexpected_type`), binary
// values (`unexpected_type`), nesting beyond `max_depth` (`too_deep`).
#ifndef E2EKIT_CODEC_JSON_PYTHON_HPP
#define E2EKIT_CODEC_JSON_PYTHON_HPP

#include <e2ekit/codec/error.hpp>
#include <e2ekit/codec/json.hpp>
#include <e2ekit/core/result.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace e2ekit::codec::json {

/// `json.dumps(value)` of CPython 3 (any nlohmann::basic_json).
template <class BasicJson>
result<std::string> python_dumps(const BasicJson& value,
                                 std::size_t max_depth = limits{}.max_depth);

namespace detail {

/// Appends "\\uxxxx" for one UTF-16 code unit.
inline void python_escape_unit(std::string& out, unsigned u) {
    static constexpr char hexd[] = "0123456789abcdef";
    out += "\\u";
    out += hexd[(u >> 12) & 15];
    out += hexd[(u >> 8) & 15];
    out += hexd[(u >> 4) & 15];
    out += hexd[u & 15];
}

inline result<void> python_string(std::string& out, std::string_view s) {
    if (!valid_utf8(s)) return decode_error::invalid_utf8;
    out += '"';
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        unsigned cp = *p;
        std::size_t n = 1;
        if (cp >= 0xF0) {
            cp &= 0x07;
            n = 4;
        } else if (cp >= 0xE0) {
            cp &= 0x0F;
            n = 3;
        } else if (cp >= 0xC0) {
            cp &= 0x1F;
            n = 2;
        }
        for (std::size_t i = 1; i < n; ++i)
            cp = (cp << 6) | (p[i] & 0x3F);
        p += n;
        switch (cp) {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\b': out += "\\b"; continue;
        case '\f': out += "\\f"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        default: break;
        }
        if (cp >= 0x20 && cp <= 0x7E) {
            out += static_cast<char>(cp);
        } else if (cp < 0x10000) {
            python_escape_unit(out, cp);
        } else {
            const unsigned v = cp - 0x10000;
            python_escape_unit(out, 0xD800 | (v >> 10));
            python_escape_unit(out, 0xDC00 | (v & 0x3FF));
        }
    }
    out += '"';
    return ok();
}

/// repr(float) (CPython's float_repr_style "short": PyOS_double_to_string
/// with mode 'r' and Py_DTSF_ADD_DOT_0).
inline result<void> python_float(std::string& out, double d) {
    if (!std::isfinite(d)) return decode_error::unexpected_type;
    if (std::signbit(d)) {
        out += '-';
        d = -d;
    }
    if (d == 0) {
        out += "0.0";
        return ok();
    }
    // The shortest round-trip digits, read back out of scientific form.
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    const std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));
    const std::size_t e_at = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e_at))
        if (c != '.') digits += c;
    int exp10 = 0;
    std::from_chars(sci.data() + e_at + 1 + (sci[e_at + 1] == '+'), sci.data() + sci.size(), exp10);
    const int decpt = exp10 + 1; // value = 0.digits * 10^decpt
    const int nd = static_cast<int>(digits.size());
    if (decpt <= -4 || decpt > 16) {
        out += digits[0];
        if (nd > 1) {
            out += '.';
            out.append(digits, 1, std::string::npos);
        }
        out += 'e';
        out += exp10 < 0 ? '-' : '+';
        const int a = exp10 < 0 ? -exp10 : exp10;
        if (a < 10) out += '0';
        out += std::to_string(a);
    } else if (decpt <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-decpt), '0');
        out += digits;
    } else if (decpt < nd) {
        out.append(digits, 0, static_cast<std::size_t>(decpt));
        out += '.';
        out.append(digits, static_cast<std::size_t>(decpt), std::string::npos);
    } else {
        out += digits;
        out.append(static_cast<std::size_t>(decpt - nd), '0');
        out += ".0";
    }
    return ok();
}

template <class BasicJson>
result<void> python_value(std::string& out, const BasicJson& v, std::size_t depth) {
    using t = nlohmann::json::value_t;
    switch (v.type()) {
    case t::null: out += "null"; return ok();
    case t::boolean: out += v.template get<bool>() ? "true" : "false"; return ok();
    case t::number_integer: out += std::to_string(v.template get<std::int64_t>()); return ok();
    case t::number_unsigned: out += std::to_string(v.template get<std::uint64_t>()); return ok();
    case t::number_float: return python_float(out, v.template get<double>());
    case t::string:
        return python_string(out, v.template get_ref<const typename BasicJson::string_t&>());
    case t::array: {
        if (depth == 0) return decode_error::too_deep;
        out += '[';
        bool first = true;
        for (const auto& e : v) {
            if (!first) out += ", ";
            first = false;
            E2EKIT_CHECK(python_value(out, e, depth - 1));
        }
        out += ']';
        return ok();
    }
    case t::object: {
        if (depth == 0) return decode_error::too_deep;
        out += '{';
        bool first = true;
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (!first) out += ", ";
            first = false;
            E2EKIT_CHECK(python_string(out, it.key()));
            out += ": ";
            E2EKIT_CHECK(python_value(out, it.value(), depth - 1));
        }
        out += '}';
        return ok();
    }
    case t::binary:
    case t::discarded: return decode_error::unexpected_type;
    }
    return decode_error::unexpected_type;
}

} // namespace detail

template <class BasicJson>
result<std::string> python_dumps(const BasicJson& value, std::size_t max_depth) {
    std::string out;
    E2EKIT_CHECK(detail::python_value(out, value, max_depth));
    return out;
}

} // namespace e2ekit::codec::json

#endif

// JSON for wire formats: a bounded, non-throwing parse into nlohmann::json,
// typed field accessors, and Matrix canonical JSON.
//
// `parse` goes through nlohmann's SAX interface with a handler of our own,
// so every bound is checked before any work is done for the value it
// guards: the size of the text up front, the nesting depth at each `[`/`{`
// (a deep document would otherwise overflow the stack later, in nlohmann's
// recursive copy, compare and dump), and duplicate keys as each key
// arrives (nlohmann keeps the last, a signature checker might read the
// first: refusing them leaves one reading).
//
// | input                                    | error               |
// |------------------------------------------|---------------------|
// | larger than `limits::max_size`           | `too_large`         |
// | nested deeper than `limits::max_depth`   | `too_deep`          |
// | a key twice in one object                | `duplicate_field`   |
// | ill-formed UTF-8, lone surrogate escape  | `invalid_utf8`      |
// | ends early                               | `truncated`         |
// | a value followed by more than whitespace | `trailing_data`     |
// | a number beyond double range             | `out_of_range`      |
// | anything else outside RFC 8259           | `syntax_error`      |
//
// `canonical` writes Matrix canonical JSON (Matrix spec, Appendices,
// "Canonical JSON"): object keys sorted by code point, no insignificant
// whitespace, UTF-8 unescaped except `"`, `\` and the controls below U+0020
// (as \b \f \n \r \t, else \u00xx in lower case, per the spec's grammar),
// integers in [-(2^53)+1, 2^53-1] without exponent or fraction, `-0` as 0.
// A number that is not an integer is refused (`unexpected_type`); one that
// is integral but arrived with a fraction or exponent is written as the
// integer, as the spec's own example turns `1e10` into `10000000000`.
#ifndef E2EKIT_CODEC_JSON_HPP
#define E2EKIT_CODEC_JSON_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/error.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace e2ekit::codec::json {

struct limits {
    std::size_t max_size = std::size_t{1} << 20; ///< bytes of text
    std::size_t max_depth = 64;                  ///< nested arrays and objects
};

/// Parses one JSON text (RFC 8259) within `lim`.
result<nlohmann::json> parse(std::string_view text, const limits& lim = {});

/// Matrix canonical JSON of `value`; `too_deep` beyond `max_depth`,
/// `invalid_utf8` for a string that is not UTF-8, `out_of_range` for an
/// integer outside ±(2^53 - 1), `unexpected_type` for a non-integral
/// number or a binary value.
result<std::string> canonical(const nlohmann::json& value,
                              std::size_t max_depth = limits{}.max_depth);

/// parse then canonical.
result<std::string> canonicalize(std::string_view text, const limits& lim = {});

// Typed access to the members of an object. `missing_field` when the key is
// absent, `unexpected_type` when `obj` is not an object or the member is of
// another type. Integers must be JSON integers (no fraction, no exponent).

/// The member, or nullptr (also when `obj` is not an object).
const nlohmann::json* find(const nlohmann::json& obj, std::string_view key) noexcept;

/// A view into `obj`'s string: valid while `obj` is unchanged.
result<std::string_view> get_string(const nlohmann::json& obj, std::string_view key);
result<std::int64_t> get_int(const nlohmann::json& obj, std::string_view key);
result<std::uint64_t> get_uint(const nlohmann::json& obj, std::string_view key);
result<bool> get_bool(const nlohmann::json& obj, std::string_view key);
result<const nlohmann::json*> get_object(const nlohmann::json& obj, std::string_view key);
result<const nlohmann::json*> get_array(const nlohmann::json& obj, std::string_view key);

/// A base64 member (Matrix: unpadded, padding accepted).
template <class V = base64::standard_optional_padding>
result<bytes> get_bytes(const nlohmann::json& obj, std::string_view key);

/// A base64 member of exactly N public bytes (a public key, a signature).
template <std::size_t N, class V = base64::standard_optional_padding>
result<byte_array<N>> get_fixed_bytes(const nlohmann::json& obj, std::string_view key);

/// A base64 member of exactly N bytes of key material, decoded in
/// constant time.
template <std::size_t N, class Tag = void, class V = base64::standard_optional_padding>
result<secret<N, Tag>> get_secret(const nlohmann::json& obj, std::string_view key);

} // namespace e2ekit::codec::json

#include <e2ekit/codec/impl/json.hpp>

#endif

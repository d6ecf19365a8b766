// JSON objects generated from a struct description (describe.hpp), the
// same description the protobuf form uses. Each field is the member named
// by its descriptor's `name`; `kind::bytes` is a base64 string in variant
// `B64` (default: unpadded standard base64 written, padding accepted on
// reading, as the Matrix spec asks). Decoding ignores unknown keys and
// refuses:
//
// | input                                           | error             |
// |-------------------------------------------------|-------------------|
// | not an object where a message is expected       | `unexpected_type` |
// | a member of another JSON type (null included)   | `unexpected_type` |
// | an integer with a fraction or exponent          | `unexpected_type` |
// | an integer outside the member's range           | `out_of_range`    |
// | a `required` member absent                      | `missing_field`   |
// | base64 refused by the variant                   | as base64.hpp     |
// | messages nested beyond `max_depth`              | `too_deep`        |
//
// Example, with the `signal_message` of describe.hpp:
//
//     nlohmann::json j = codec::json::encode(msg);            // {"ciphertext": ..., ...}
//     auto text = codec::json::canonical(j);                   // signable bytes
//     auto back = codec::json::decode<signal_message>(j);      // result<signal_message>
#ifndef E2EKIT_CODEC_JSON_MESSAGE_HPP
#define E2EKIT_CODEC_JSON_MESSAGE_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/error.hpp>
#include <e2ekit/codec/json.hpp>
#include <e2ekit/core/result.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace e2ekit::codec::json {

namespace detail {
/// Whether the JSON keys of T's description are pairwise distinct.
template <described T>
constexpr bool unique_names() {
    std::array<std::string_view, field_count_of<T>> names{};
    for_each_field<T>([&](auto f, auto i) { names[i] = f.name; });
    for (std::size_t i = 0; i < names.size(); ++i)
        for (std::size_t j = i + 1; j < names.size(); ++j)
            if (names[i] == names[j]) return false;
    return true;
}
} // namespace detail

/// A described struct whose JSON keys are distinct.
template <class T>
concept object = described<T> && detail::unique_names<T>();

template <object T, class B64 = base64::standard_optional_padding>
nlohmann::json encode(const T& msg);

template <object T, class B64 = base64::standard_optional_padding>
result<T> decode(const nlohmann::json& j, std::size_t max_depth = limits{}.max_depth);

namespace detail {

template <class T, class B64>
nlohmann::json object_of(const T& msg);

template <class K, class B64, class V>
nlohmann::json value_of(const V& v) {
    if constexpr (std::is_same_v<K, kind::bytes>)
        return base64::encode<B64>(bytes_view(v.data(), v.size()));
    else if constexpr (std::is_same_v<K, kind::message>)
        return object_of<V, B64>(v);
    else
        return nlohmann::json(v);
}

template <class T, class B64>
nlohmann::json object_of(const T& msg) {
    nlohmann::json o = nlohmann::json::object();
    for_each_field<T>([&](auto f, auto) {
        using F = decltype(f);
        using K = typename F::kind;
        const auto& m = f.get(msg);
        const std::string key(f.name);
        if constexpr (F::repeated) {
            auto& arr = o[key] = nlohmann::json::array();
            for (const auto& v : m)
                arr.push_back(value_of<typename K::element, B64>(v));
        } else if constexpr (F::optional) {
            if (m) o[key] = value_of<K, B64>(*m);
        } else {
            o[key] = value_of<K, B64>(m);
        }
    });
    return o;
}

template <class T, class B64>
result<void> fill(T& out, const nlohmann::json& j, std::size_t depth);

template <class UInt>
result<UInt> unsigned_of(const nlohmann::json& j) {
    if (!j.is_number_integer()) return decode_error::unexpected_type;
    if (!j.is_number_unsigned()) return decode_error::out_of_range; // negative
    const auto u = j.get<std::uint64_t>();
    if (u > std::numeric_limits<UInt>::max()) return decode_error::out_of_range;
    return static_cast<UInt>(u);
}

template <class K, class B64, class V>
result<void> read_value(V& out, const nlohmann::json& j, std::size_t depth) {
    if constexpr (std::is_same_v<K, kind::uint32>) {
        E2EKIT_TRY(v, unsigned_of<std::uint32_t>(j));
        out = v;
    } else if constexpr (std::is_same_v<K, kind::uint64>) {
        E2EKIT_TRY(v, unsigned_of<std::uint64_t>(j));
        out = v;
    } else if constexpr (std::is_same_v<K, kind::boolean>) {
        if (!j.is_boolean()) return decode_error::unexpected_type;
        out = j.get<bool>();
    } else if constexpr (std::is_same_v<K, kind::string>) {
        if (!j.is_string()) return decode_error::unexpected_type;
        out = j.get_ref<const std::string&>();
    } else if constexpr (std::is_same_v<K, kind::bytes>) {
        if (!j.is_string()) return decode_error::unexpected_type;
        const std::string_view s = j.get_ref<const std::string&>();
        if constexpr (codec::detail::is_byte_array<V>) {
            E2EKIT_TRY(v, (base64::decode_array<std::tuple_size_v<V>, B64>(s)));
            out = v;
        } else {
            E2EKIT_TRY(v, base64::decode<B64>(s));
            out = std::move(v);
        }
    } else {
        return fill<V, B64>(out, j, depth - 1);
    }
    return ok();
}

template <class T, class B64>
result<void> fill(T& out, const nlohmann::json& j, std::size_t depth) {
    if (depth == 0) return decode_error::too_deep;
    if (!j.is_object()) return decode_error::unexpected_type;
    result<void> st = ok();
    for_each_field<T>([&](auto f, auto) {
        using F = decltype(f);
        using K = typename F::kind;
        if (!st) return;
        const auto* m = find(j, f.name);
        if (!m) {
            if (F::required) st = decode_error::missing_field;
            return;
        }
        auto& member = f.get(out);
        if constexpr (F::repeated) {
            if (!m->is_array()) {
                st = decode_error::unexpected_type;
                return;
            }
            for (const auto& e : *m) {
                st = read_value<typename K::element, B64>(member.emplace_back(), e, depth);
                if (!st) return;
            }
        } else if constexpr (F::optional) {
            st = read_value<K, B64>(member.emplace(), *m, depth);
        } else {
            st = read_value<K, B64>(member, *m, depth);
        }
    });
    return st;
}

} // namespace detail

template <object T, class B64>
nlohmann::json encode(const T& msg) {
    return detail::object_of<T, B64>(msg);
}

template <object T, class B64>
result<T> decode(const nlohmann::json& j, std::size_t max_depth) {
    T out{};
    E2EKIT_CHECK((detail::fill<T, B64>(out, j, max_depth)));
    return out;
}

} // namespace e2ekit::codec::json

#endif

// Struct descriptions: a message type is described once, as a list of its
// fields, and every wire form is generated from that list (protobuf in
// protobuf_message.hpp, JSON objects in json_message.hpp). The list is a
// Boost.Hana tuple, so the encoders unroll it at compile time.
//
// A type models `described` when `describe(codec::tag<T>)` is found by
// argument-dependent lookup (a friend in T, or a free function in T's
// namespace) and returns `codec::fields(...)`:
//
// | expression                    | type          | semantics                   |
// |-------------------------------|---------------|-----------------------------|
// | `describe(codec::tag<T>{})`   | `hana::tuple` | T's fields, constexpr       |
// | `field<N, K>(name, &T::m)`    | descriptor    | field number N (0: no       |
// |                               |               | binary form), kind K, JSON  |
// |                               |               | key `name`                  |
// | `required<N, K>(name, &T::m)` | descriptor    | as `field`; decoders reject |
// |                               |               | its absence                 |
//
// Presence follows the member's type: a `std::optional<V>` is written only
// when engaged and reads as empty when absent; a plain `V` is always
// written and reads as `V{}` when absent (unless `required`). Kinds and the
// member types they accept:
//
// | kind                  | member type                         | protobuf      | JSON            |
// |-----------------------|-------------------------------------|---------------|-----------------|
// | `kind::uint32`        | `std::uint32_t`                     | varint        | integer         |
// | `kind::uint64`        | `std::uint64_t`                     | varint        | integer         |
// | `kind::boolean`       | `bool`                              | varint 0/1    | true/false      |
// | `kind::bytes`         | `bytes`, `byte_array<N>` (exact N)  | length-delim. | base64 string   |
// | `kind::string`        | `std::string`                       | length-delim. | string          |
// | `kind::message`       | a `described` struct                | length-delim. | object          |
// | `kind::repeated<K>`   | `std::vector<V>`, V accepted by K   | one per value | array           |
//
// Fields are listed in increasing field-number order, which is the order
// protobuf serialisers emit, so encoders write them as listed.
//
// Example (compiled by tests/codec/describe.cpp):
//
//     struct signal_message {
//         bytes ratchet_key;
//         std::uint32_t counter = 0;
//         std::uint32_t previous_counter = 0;
//         bytes ciphertext;
//         friend bool operator==(const signal_message&, const signal_message&) = default;
//         friend constexpr auto describe(codec::tag<signal_message>) {
//             using namespace codec;
//             return fields(required<1, kind::bytes>("ratchetKey", &signal_message::ratchet_key),
//                           required<2, kind::uint32>("counter", &signal_message::counter),
//                           field<3, kind::uint32>("previousCounter",
//                                                  &signal_message::previous_counter),
//                           required<4, kind::bytes>("ciphertext", &signal_message::ciphertext));
//         }
//     };
#ifndef E2EKIT_CODEC_DESCRIBE_HPP
#define E2EKIT_CODEC_DESCRIBE_HPP

#include <e2ekit/core/bytes.hpp>

#include <boost/hana/at.hpp>
#include <boost/hana/size.hpp>
#include <boost/hana/tuple.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace e2ekit::codec {

/// The argument through which `describe` is found for T.
template <class T>
struct tag {
    using type = T;
};

template <class T>
concept described = requires {
    describe(tag<T>{});
};

namespace kind {
struct uint32 {};
struct uint64 {};
struct boolean {};
struct bytes {};
struct string {};
struct message {};
template <class K>
struct repeated {
    using element = K;
};
} // namespace kind

namespace detail {

template <class T>
struct presence {
    using value_type = T;
    static constexpr bool optional = false;
};
template <class T>
struct presence<std::optional<T>> {
    using value_type = T;
    static constexpr bool optional = true;
};

template <class T>
inline constexpr bool is_byte_array = false;
template <std::size_t N>
inline constexpr bool is_byte_array<std::array<byte, N>> = true;

template <class K>
inline constexpr bool is_repeated = false;
template <class K>
inline constexpr bool is_repeated<kind::repeated<K>> = true;

} // namespace detail

/// Whether a member of type V can hold a field of kind K.
template <class K, class V>
inline constexpr bool kind_accepts = false;
template <>
inline constexpr bool kind_accepts<kind::uint32, std::uint32_t> = true;
template <>
inline constexpr bool kind_accepts<kind::uint64, std::uint64_t> = true;
template <>
inline constexpr bool kind_accepts<kind::boolean, bool> = true;
template <>
inline constexpr bool kind_accepts<kind::bytes, bytes> = true;
template <std::size_t N>
inline constexpr bool kind_accepts<kind::bytes, std::array<byte, N>> = true;
template <>
inline constexpr bool kind_accepts<kind::string, std::string> = true;
// Only "a class" here: a recursive struct names itself inside its own
// description, before it is `described`. Encoders require `described`.
template <class V>
inline constexpr bool kind_accepts<kind::message, V> = std::is_class_v<V>;
template <class K, class V>
inline constexpr bool kind_accepts<kind::repeated<K>, std::vector<V>> =
    !detail::is_repeated<K> && kind_accepts<K, V>;

/// One field: its number, kind, JSON key and member. Made by `field` and
/// `required`, never by hand.
template <std::uint32_t Number, class Kind, bool Required, class Class, class Member>
struct field_descriptor {
    static constexpr std::uint32_t number = Number;
    static constexpr bool required = Required;
    static constexpr bool optional = detail::presence<Member>::optional;
    static constexpr bool repeated = detail::is_repeated<Kind>;
    using kind = Kind;
    using class_type = Class;
    using member_type = Member;
    using value_type = typename detail::presence<Member>::value_type;

    std::string_view name;
    Member Class::*member;

    constexpr const Member& get(const Class& c) const noexcept { return c.*member; }
    constexpr Member& get(Class& c) const noexcept { return c.*member; }
};

template <std::uint32_t Number, class Kind, class Class, class Member>
constexpr auto field(std::string_view name, Member Class::*member) noexcept {
    static_assert(kind_accepts<Kind, typename detail::presence<Member>::value_type>,
                  "e2ekit: this member type cannot hold a field of this kind (see describe.hpp)");
    static_assert(!(detail::is_repeated<Kind> && detail::presence<Member>::optional),
                  "e2ekit: a repeated field is a std::vector, not a std::optional");
    return field_descriptor<Number, Kind, false, Class, Member>{name, member};
}

template <std::uint32_t Number, class Kind, class Class, class Member>
constexpr auto required(std::string_view name, Member Class::*member) noexcept {
    static_assert(!detail::presence<Member>::optional,
                  "e2ekit: a required field is a plain member, not a std::optional");
    static_assert(!detail::is_repeated<Kind>, "e2ekit: a repeated field cannot be required");
    static_assert(kind_accepts<Kind, Member>,
                  "e2ekit: this member type cannot hold a field of this kind (see describe.hpp)");
    return field_descriptor<Number, Kind, true, Class, Member>{name, member};
}

namespace detail {
template <std::uint32_t... N>
constexpr bool increasing_numbers() noexcept {
    std::uint32_t last = 0;
    bool ok = true;
    ((ok = ok && (N == 0 || N > last), last = N ? N : last), ...);
    return ok;
}
} // namespace detail

/// The description: the fields, in increasing field-number order.
template <class F0, class... F>
constexpr auto fields(F0 f0, F... f) noexcept {
    static_assert((std::is_same_v<typename F0::class_type, typename F::class_type> && ...),
                  "e2ekit: all fields of a description belong to one struct");
    static_assert(detail::increasing_numbers<F0::number, F::number...>(),
                  "e2ekit: list fields in increasing field-number order, each number once");
    return boost::hana::make_tuple(f0, f...);
}

/// T's description, as a constant.
template <described T>
inline constexpr auto description_of = describe(tag<T>{});

/// Number of fields in T's description.
template <described T>
inline constexpr std::size_t field_count_of = decltype(boost::hana::size(description_of<T>))::value;

/// Calls f(descriptor, std::integral_constant<std::size_t, I>) for each
/// field I of T, in order.
template <described T, class F>
constexpr void for_each_field(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (f(boost::hana::at_c<I>(description_of<T>), std::integral_constant<std::size_t, I>{}), ...);
    }
    (std::make_index_sequence<field_count_of<T>>{});
}

} // namespace e2ekit::codec

#endif

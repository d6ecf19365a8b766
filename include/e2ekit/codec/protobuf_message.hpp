// Protobuf encoding and decoding generated from a struct description
// (describe.hpp). The encoding is byte for byte what a protobuf serialiser
// writes for the same message: fields in field-number order, minimal
// varints, embedded messages length-prefixed, repeated fields unpacked (as
// proto2 writes them). Decoding reads fields in any order, skips unknown
// ones, and refuses:
//
// | input                                          | error             |
// |------------------------------------------------|-------------------|
// | anything the wire reader refuses (protobuf.hpp)| as there          |
// | a known field with another wire type           | `unexpected_type` |
// | a singular field twice                         | `duplicate_field` |
// | a `required` field absent                      | `missing_field`   |
// | uint32 above 2^32 - 1, bool other than 0 or 1  | `out_of_range`    |
// | `byte_array<N>` member, payload not N bytes    | `bad_length`      |
// | embedded messages nested beyond `max_depth`    | `too_deep`        |
//
// Protobuf itself keeps the last of duplicated fields; refusing them leaves
// one reading per message, which costs nothing with real peers (none emit
// duplicates). Strings are not checked for UTF-8 (proto2 semantics).
//
// For the hot path, `encoded_size` then `encode_to` writes into a caller's
// buffer without allocating.
#ifndef E2EKIT_CODEC_PROTOBUF_MESSAGE_HPP
#define E2EKIT_CODEC_PROTOBUF_MESSAGE_HPP

#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/error.hpp>
#include <e2ekit/codec/protobuf.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>

#include <algorithm>
#include <array>
#include <cstddef>

namespace e2ekit::codec::protobuf {

/// A described struct whose every field has a protobuf field number.
template <class T>
concept message = described<T> && [] {
    bool ok = true;
    for_each_field<T>([&](auto f, auto) { ok = ok && f.number != 0; });
    return ok;
}();

inline constexpr std::size_t default_max_depth = 32;

/// Bytes `encode(msg)` produces.
template <message T>
std::size_t encoded_size(const T& msg) noexcept;

/// Encodes into the front of `out` and returns that part; throws
/// std::length_error when `out` is smaller than encoded_size(msg).
template <message T>
mutable_bytes_view encode_to(mutable_bytes_view out, const T& msg);

template <message T>
bytes encode(const T& msg);

template <message T>
result<T> decode(bytes_view wire, std::size_t max_depth = default_max_depth);

} // namespace e2ekit::codec::protobuf

#include <e2ekit/codec/impl/protobuf_message.hpp>

#endif

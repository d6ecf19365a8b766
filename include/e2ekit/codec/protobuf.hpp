// The protobuf wire format ("Encoding", protobuf.dev/programming-guides/
// encoding): a strict, non-throwing reader over protozero's pbf_reader and
// a writer into a vector or into a caller's buffer.
//
// protozero trusts more than we may: it truncates a key or a length varint
// to 32 bits, drops the high bits of a 10th varint byte, and throws on
// malformed data. The reader therefore checks each key, varint and length
// itself before protozero consumes it, catches whatever protozero might
// still throw, and reports everything as a `decode_error`:
//
// | input                                         | error            |
// |-----------------------------------------------|------------------|
// | ends inside a key, varint, length or fixed    | `truncated`      |
// | varint of 11+ bytes, or 10th byte above 0x01  | `bad_varint`     |
// | key above 2^32 - 1, field number 0 or         | `bad_tag`        |
// |   19000-19999, wire type 3, 4, 6 or 7         |                  |
// | length beyond the end of the message          | `truncated`      |
//
// Non-minimal varints are accepted, as every protobuf parser does; the
// writer only produces minimal ones.
#ifndef E2EKIT_CODEC_PROTOBUF_HPP
#define E2EKIT_CODEC_PROTOBUF_HPP

#include <e2ekit/codec/error.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>

#include <protozero/exception.hpp>
#include <protozero/pbf_reader.hpp>
#include <protozero/varint.hpp>

#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace e2ekit::codec::protobuf {

enum class wire_type : std::uint8_t {
    varint = 0,
    fixed64 = 1,
    length_delimited = 2,
    fixed32 = 5,
};

/// Field numbers are 1 .. 2^29 - 1 (the key is number << 3 | wire type).
inline constexpr std::uint32_t max_field_number = (std::uint32_t{1} << 29) - 1;

/// One field as it came off the wire. The typed accessors check the wire
/// type (`unexpected_type`) and the range (`out_of_range`).
struct field {
    std::uint32_t number = 0;
    wire_type type = wire_type::varint;
    std::uint64_t value = 0; ///< varint, fixed32 and fixed64 payloads
    bytes_view data;         ///< length-delimited payload (a view into the message)

    result<std::uint64_t> as_uint64() const noexcept;
    result<std::uint32_t> as_uint32() const noexcept;
    /// Only 0 and 1: any other value has no canonical re-encoding.
    result<bool> as_bool() const noexcept;
    result<std::uint32_t> as_fixed32() const noexcept;
    result<std::uint64_t> as_fixed64() const noexcept;
    /// bytes, string or an embedded message.
    result<bytes_view> as_bytes() const noexcept;
};

/// Reads the fields of one message in wire order. Unknown fields are the
/// caller's to skip (ignore them). After an error, every call returns it.
///
///     protobuf::reader r(wire);
///     protobuf::field f;
///     for (;;) {
///         E2EKIT_TRY(more, r.next(f));
///         if (!more) break;
///         if (f.number == 2) { E2EKIT_TRY(n, f.as_uint32()); ... }
///     }
class reader {
public:
    explicit reader(bytes_view message) noexcept
        : r_(reinterpret_cast<const char*>(message.data()), message.size()) {}

    /// true and `out` filled; false at the clean end of the message.
    result<bool> next(field& out) noexcept;

    bytes_view remaining() const noexcept {
        const auto d = r_.data();
        return {reinterpret_cast<const byte*>(d.data()), d.size()};
    }

private:
    result<bool> fail(decode_error e) noexcept {
        error_ = e;
        r_ = protozero::pbf_reader{};
        return e;
    }

    protozero::pbf_reader r_;
    decode_error error_{};
};

/// Bytes of the minimal varint encoding of `v` (1 .. 10).
constexpr std::size_t varint_size(std::uint64_t v) noexcept {
    std::size_t n = 1;
    for (; v >= 0x80; v >>= 7)
        ++n;
    return n;
}

constexpr std::uint64_t make_key(std::uint32_t number, wire_type t) noexcept {
    return std::uint64_t{number} << 3 | static_cast<std::uint64_t>(t);
}

/// Strictly decodes one varint at in[pos...]; advances pos past it.
result<std::uint64_t> read_varint(bytes_view in, std::size_t& pos) noexcept;

/// Where the writers put bytes. `vector_sink` grows a vector; `span_sink`
/// fills a caller's buffer and throws std::length_error on overflow (the
/// caller sized it wrongly: a bug, not bad input).
class vector_sink {
public:
    explicit vector_sink(bytes& out) noexcept : out_(&out) {}
    byte* grow(std::size_t n) {
        const auto at = out_->size();
        out_->resize(at + n);
        return out_->data() + at;
    }

private:
    bytes* out_;
};

class span_sink {
public:
    explicit span_sink(mutable_bytes_view out) noexcept : out_(out) {}
    byte* grow(std::size_t n) {
        if (n > out_.size() - used_)
            throw std::length_error("e2ekit: protobuf output buffer too small");
        byte* p = out_.data() + used_;
        used_ += n;
        return p;
    }
    std::size_t used() const noexcept { return used_; }
    mutable_bytes_view written() const noexcept { return out_.first(used_); }

private:
    mutable_bytes_view out_;
    std::size_t used_ = 0;
};

/// Appends fields, minimal varints, in the order called (write them in
/// field-number order to match what protobuf serialisers emit). A field
/// number outside 1 .. max_field_number throws std::invalid_argument.
template <class Sink>
class basic_writer {
public:
    explicit basic_writer(Sink sink) noexcept : sink_(std::move(sink)) {}

    basic_writer& add_uint64(std::uint32_t number, std::uint64_t v);
    basic_writer& add_uint32(std::uint32_t number, std::uint32_t v) {
        return add_uint64(number, v);
    }
    basic_writer& add_bool(std::uint32_t number, bool v) { return add_uint64(number, v ? 1 : 0); }
    basic_writer& add_fixed32(std::uint32_t number, std::uint32_t v);
    basic_writer& add_fixed64(std::uint32_t number, std::uint64_t v);
    basic_writer& add_bytes(std::uint32_t number, bytes_view v);
    basic_writer& add_string(std::uint32_t number, std::string_view v) {
        return add_bytes(number, as_bytes(v));
    }
    /// An embedded message, already encoded.
    basic_writer& add_message(std::uint32_t number, bytes_view encoded) {
        return add_bytes(number, encoded);
    }
    /// The key and length of an embedded message of `size` bytes, whose
    /// fields the caller writes next (no intermediate buffer).
    basic_writer& open_message(std::uint32_t number, std::size_t size);

    /// A raw varint (no key), for formats that frame protobuf by hand.
    basic_writer& put_varint(std::uint64_t v);

    Sink& sink() noexcept { return sink_; }

private:
    void key(std::uint32_t number, wire_type t);
    Sink sink_;
};

using writer = basic_writer<vector_sink>;
using span_writer = basic_writer<span_sink>;

} // namespace e2ekit::codec::protobuf

#include <e2ekit/codec/impl/protobuf.hpp>

#endif
